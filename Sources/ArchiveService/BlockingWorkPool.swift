import CoreMetrics
import Dispatch
import Foundation

/// A fixed number of threads for work that blocks (SQLite calls, parsing), fed from one shared queue.
///
/// Swift's cooperative pool has one thread per core and must never block; Dispatch's global
/// queues would grow a thread per blocked item. A few dedicated threads bound what database work
/// can take, so it can neither starve the I/O loops nor explode. They take work from one shared
/// queue, first come first served: a slow item (a broad full-text search) holds one thread, and the
/// quick ones behind it go to the others — with one serial queue per thread, work dealt out in turn
/// waited behind whatever its queue held (a seconds-long p99 on search under load).
public final class BlockingWorkPool: Sendable {
    private let queue = WorkQueue()
    public let width: Int

    /// - Parameter label: names the threads "label.N"; keep it short, as Linux leaves a thread
    ///   whose name is longer than 15 bytes unnamed.
    public init(label: String, width: Int) {
        precondition(width > 0, "a work pool needs at least one thread")
        self.width = width
        for index in 0..<width {
            let queue = self.queue
            let name = "\(label).\(index)"
            // Named from inside: on Linux a name given before `start` never reaches the kernel.
            let thread = Thread {
                Thread.current.name = name
                queue.work()
            }
            thread.qualityOfService = .userInitiated
            thread.start()
        }
    }

    deinit {
        queue.stop()
    }

    /// Runs `body` on one of the pool's threads and resumes the caller with its result.
    /// - Parameter timer: records how long `body` ran (not the wait for a thread).
    public func run<T: Sendable, E: Error>(timer: CoreMetrics.Timer? = nil, _ body: @escaping @Sendable () throws(E) -> T) async throws(E) -> T {
        let result: Result<T, E> = await withCheckedContinuation { continuation in
            queue.enqueue {
                let started = DispatchTime.now().uptimeNanoseconds
                let result = Result { () throws(E) -> T in try body() }
                timer?.recordNanoseconds(Int64(clamping: DispatchTime.now().uptimeNanoseconds - started))
                continuation.resume(returning: result)
            }
        }
        return try result.get()
    }
}

/// The pool's shared first-in, first-out queue and its workers' loop.
private final class WorkQueue: @unchecked Sendable {  // all state is guarded by `condition`
    private let condition = NSCondition()
    private var pending: [@Sendable () -> Void] = []
    private var head = 0
    private var stopped = false

    func enqueue(_ item: @escaping @Sendable () -> Void) {
        condition.lock()
        pending.append(item)
        condition.signal()
        condition.unlock()
    }

    /// Wakes every worker to finish what is queued and end.
    func stop() {
        condition.lock()
        stopped = true
        condition.broadcast()
        condition.unlock()
    }

    /// A worker's life: take the oldest item, run it, repeat until stopped and drained.
    func work() {
        while true {
            condition.lock()
            while head == pending.count && !stopped { condition.wait() }
            if head == pending.count {
                condition.unlock()
                return
            }
            let item = pending[head]
            head += 1
            if head > 1024 && head * 2 > pending.count {
                pending.removeFirst(head)
                head = 0
            }
            condition.unlock()
            item()
        }
    }
}
