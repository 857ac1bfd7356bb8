// Reproducer for a ThreadSanitizer false positive: eight threads update one value only inside
// Synchronization.Mutex.withLock, and TSan still reports data and access races (the lock is in the
// uninstrumented standard library). The final count is always 160000. See suppressions.txt.
import Synchronization
import Dispatch
final class Box: Sendable {
    struct S { var n = 0; var d: [String: Int] = [:] }
    let m = Mutex(S())
}
let box = Box()
DispatchQueue.concurrentPerform(iterations: 8) { i in
    for j in 0..<20000 {
        box.m.withLock { s in
            if s.n % 1000 == 999 { s.d.removeAll(keepingCapacity: true) }
            s.n += 1; s.d["k\(j % 50)"] = i
        }
    }
}
print(box.m.withLock { $0.n })
