import Dispatch
import Glibc

/// One serial I/O queue and the connections it serves. Connections are spread over a few
/// loops (one per core) so that thousands of idle keep-alive sockets cost a registered read
/// source each, not a thread each.
///
/// Deadlines are checked by one repeating timer per loop rather than one timer per connection:
/// the sweep is O(connections) per tick, which is cheap, and idle connections carry no timer.
final class IOLoop: @unchecked Sendable {  // all mutable state is confined to `queue`
    let queue: DispatchQueue
    /// Receive buffer shared by the loop's connections; safe because they all run on `queue`.
    let scratch: UnsafeMutableRawBufferPointer
    private var connections: [ObjectIdentifier: Connection] = [:]
    private var timer: (any DispatchSourceTimer)?

    init(index: Int) {
        queue = DispatchQueue(label: "storyarchive.io.\(index)")
        scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 16)
    }

    deinit { scratch.deallocate() }

    /// Starts the deadline sweep; call once.
    func start(tick: Double) {
        let timer = DispatchSource.makeTimerSource(queue: queue)
        let interval = DispatchTimeInterval.nanoseconds(Int(tick * 1e9))
        timer.schedule(deadline: .now() + interval, repeating: interval, leeway: .milliseconds(5))
        timer.setEventHandler { [weak self] in self?.sweep() }
        timer.resume()
        self.timer = timer
    }

    func stop() {
        queue.async {
            self.timer?.cancel()
            self.timer = nil
        }
    }

    /// On `queue`.
    func add(_ connection: Connection) {
        connections[ObjectIdentifier(connection)] = connection
    }

    /// On `queue`.
    func remove(_ connection: Connection) {
        connections[ObjectIdentifier(connection)] = nil
    }

    /// On `queue`: every connection of this loop, for shutdown.
    var allConnections: [Connection] { Array(connections.values) }

    private func sweep() {
        let now = Clock.now()
        for connection in connections.values where connection.deadline <= now {
            connection.deadlineExpired()
        }
    }
}

/// Monotonic nanoseconds; deadlines never jump with the wall clock.
enum Clock {
    static func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }
}
