import CoreMetrics
import Dispatch

/// A fixed number of serial queues for work that blocks a thread (SQLite calls, parsing).
///
/// Swift's cooperative pool has one thread per core and must never block; Dispatch's global
/// queues would grow a thread per blocked item. A handful of serial queues bounds the threads
/// that database work can take, so it can neither starve the I/O queues nor explode.
public final class BlockingWorkPool: Sendable {
    private let queues: [DispatchQueue]
    private let next = NextIndex()

    public init(label: String, width: Int) {
        precondition(width > 0, "a work pool needs at least one queue")
        queues = (0..<width).map { DispatchQueue(label: "\(label).\($0)", qos: .userInitiated) }
    }

    public var width: Int { queues.count }

    /// Runs `body` on one of the pool's queues and resumes the caller with its result.
    /// - Parameter timer: records how long `body` ran (not the wait for a queue).
    public func run<T: Sendable, E: Error>(timer: CoreMetrics.Timer? = nil, _ body: @escaping @Sendable () throws(E) -> T) async throws(E) -> T {
        let queue = queues[next.take(modulo: queues.count)]
        let result: Result<T, E> = await withCheckedContinuation { continuation in
            queue.async {
                let started = DispatchTime.now().uptimeNanoseconds
                let result = Result { () throws(E) -> T in try body() }
                timer?.recordNanoseconds(Int64(clamping: DispatchTime.now().uptimeNanoseconds - started))
                continuation.resume(returning: result)
            }
        }
        return try result.get()
    }
}

import Synchronization

/// Round-robin index shared by every caller.
final class NextIndex: Sendable {
    private let value = Atomic<Int>(0)
    func take(modulo count: Int) -> Int {
        let n = value.wrappingAdd(1, ordering: .relaxed).oldValue
        return ((n % count) + count) % count
    }
}
