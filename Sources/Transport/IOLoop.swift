import Dispatch
import Foundation
import CEpoll
import Glibc

/// One I/O thread waiting in `epoll_wait` on the sockets of its connections. Connections are
/// spread over a few loops (one per core) so that thousands of idle keep-alive sockets cost an
/// epoll registration each, not a thread each.
///
/// Why not dispatch sources: on Linux every event of a dispatch source is read by the
/// dispatch manager thread, handed to a worker thread, and re-armed through the manager again
/// (an eventfd write and an `epoll_ctl` per event). Measured under load that was a third of
/// the server's CPU. Here the thread that sees the event runs the connection, and interest
/// changes only when the connection's wishes change.
///
/// Work from other threads (accepted connections, asynchronous responses, shutdown) is queued
/// with `execute` and run on the loop's thread between two waits, woken by an eventfd.
///
/// Deadlines are checked by one sweep per tick rather than one timer per connection: the sweep
/// is O(connections) per tick, which is cheap, and idle connections carry no timer.
final class IOLoop: @unchecked Sendable {  // loop state is confined to the loop's thread; `pending`, `stopping`, `wakeQueued` are guarded by `lock`
    /// Receive buffer shared by the loop's connections; safe because they all run on the loop's thread.
    let scratch: UnsafeMutableRawBufferPointer
    let index: Int
    private let epollFD: Int32
    private let wakeFD: Int32
    private static let eventCapacity = 64
    private let events: UnsafeMutablePointer<epoll_event>

    private let lock = NSLock()
    private var pending: [() -> Void] = []
    private var wakeQueued = false
    private var stopping = false

    private var connections: [UInt64: Connection] = [:]
    /// How many sockets the current wait reported ready: 1 when the loop is serving one client at
    /// a time, more under concurrent load (read by `Connection` on this thread).
    private(set) var readyThisTurn = 0
    private var tickNanoseconds: UInt64 = 250_000_000
    private var nextSweep: UInt64 = 0
    private var started = false

    /// The epoll data word of the wake descriptor; connection ids start at 1.
    private static let wakeToken: UInt64 = 0

    init(index: Int) {
        self.index = index
        scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 16)
        events = .allocate(capacity: Self.eventCapacity)
        epollFD = epoll_create1(Int32(EPOLL_CLOEXEC))
        wakeFD = eventfd(0, Int32(EFD_CLOEXEC) | Int32(EFD_NONBLOCK))
        precondition(epollFD >= 0 && wakeFD >= 0, "cannot create the I/O loop's epoll or eventfd descriptor (errno \(errno))")
        var event = epoll_event()
        event.events = EPOLLIN.rawValue
        event.data.u64 = Self.wakeToken
        _ = epoll_ctl(epollFD, EPOLL_CTL_ADD, wakeFD, &event)
    }

    deinit {
        Glibc.close(epollFD)
        Glibc.close(wakeFD)
        scratch.deallocate()
        events.deallocate()
    }

    /// Starts the loop's thread with a deadline sweep every `tick` seconds; call once.
    func start(tick: Double) {
        tickNanoseconds = UInt64(max(0.001, tick) * 1e9)
        started = true
        // The thread keeps the loop alive only while it is inside one turn, so a server that is
        // dropped without `shutdown` lets its loops go at the next tick.
        let reference = WeakLoop(loop: self)
        let name = "sa.io.\(index)"
        let thread = Thread {
            // Named from inside: on Linux a name given before `start` never reaches the kernel, and
            // the thread showed as the process in top, perf and debuggers. At most 15 bytes.
            Thread.current.name = name
            while let loop = reference.loop, loop.turn() {}
        }
        thread.start()
    }

    /// Ends the loop's thread after the work already queued has run.
    func stop() {
        lock.lock()
        stopping = true
        lock.unlock()
        wake()
    }

    /// Runs `work` on the loop's thread, after the events being handled.
    func execute(_ work: @escaping @Sendable () -> Void) {
        lock.lock()
        pending.append(work)
        let needsWake = !wakeQueued
        wakeQueued = true
        lock.unlock()
        if needsWake { wake() }
    }

    private func wake() {
        var one: UInt64 = 1
        _ = Glibc.write(wakeFD, &one, 8)
    }

    // MARK: - On the loop's thread

    func add(_ connection: Connection) {
        connections[connection.info.connectionID] = connection
    }

    func remove(_ connection: Connection) {
        connections[connection.info.connectionID] = nil
    }

    /// Every connection of this loop, for shutdown.
    var allConnections: [Connection] { Array(connections.values) }

    /// Registers, changes or drops the interest of `connection` in its socket. A socket with no
    /// interest is taken out of the set: epoll reports hang-ups and errors even for an empty
    /// mask, which would wake the loop again and again for a connection that is not listening.
    func setInterest(_ connection: Connection, from old: UInt32, to new: UInt32) {
        guard old != new else { return }
        var event = epoll_event()
        event.events = new
        event.data.u64 = connection.info.connectionID
        let operation = new == 0 ? EPOLL_CTL_DEL : (old == 0 ? EPOLL_CTL_ADD : EPOLL_CTL_MOD)
        _ = epoll_ctl(epollFD, operation, connection.fd, &event)
    }

    /// One wait and what it brought; false when the loop is to end.
    private func turn() -> Bool {
        let now = Clock.now()
        if nextSweep == 0 { nextSweep = now + tickNanoseconds }
        let timeout = nextSweep > now ? Int32(min((nextSweep - now + 999_999) / 1_000_000, 1_000)) : 0
        let count = Int(epoll_wait(epollFD, events, Int32(Self.eventCapacity), timeout))
        readyThisTurn = max(0, count)
        for i in 0..<max(0, count) {
            let token = events[i].data.u64
            if token == Self.wakeToken {
                var value: UInt64 = 0
                _ = Glibc.read(wakeFD, &value, 8)
                continue
            }
            // A connection closed earlier in this batch is gone from the table, so a stale
            // event never reaches another connection that reused its descriptor.
            connections[token]?.handle(events: events[i].events)
        }
        lock.lock()
        let work = pending
        pending = []
        wakeQueued = false
        let ending = stopping
        lock.unlock()
        for item in work { item() }
        let after = Clock.now()
        if after >= nextSweep {
            nextSweep = after + tickNanoseconds
            sweep(now: after)
        }
        return !ending
    }

    private func sweep(now: UInt64) {
        for connection in connections.values where connection.deadline <= now {
            connection.deadlineExpired()
        }
    }
}

/// Monotonic nanoseconds; deadlines never jump with the wall clock.
enum Clock {
    static func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }
}

/// The loop's thread holds its loop only while it runs one turn.
private struct WeakLoop: @unchecked Sendable {  // the reference is only read, by the loop's own thread
    weak var loop: IOLoop?
}
