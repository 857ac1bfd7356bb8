import Dispatch
import Foundation
import Glibc
import HTTP1
import Logging

/// The HTTP/1.1 server: a non-blocking listener whose accepted connections are spread over a
/// few I/O loops (a thread waiting in epoll each), each connection driven by its loop.
///
/// Thread-safety: configuration, responder and loops are immutable after `init`; the mutable
/// lifecycle state (listener, counts, shutdown) is guarded by `lock`; the accept source is only
/// touched on `acceptQueue`.
public final class HTTPServer: @unchecked Sendable {
    public let configuration: ServerConfiguration
    let responder: any HTTPResponder
    let logger: Logger
    let serializer: ResponseSerializer
    private let loops: [IOLoop]
    private let acceptQueue = DispatchQueue(label: "storyarchive.accept")

    private enum State { case idle, running, shuttingDown, stopped }

    private let lock = NSLock()
    private var state: State = .idle
    private var listener: ListeningSocket?
    private var acceptSource: (any DispatchSourceRead)?
    private var acceptSuspended = false  // on acceptQueue
    private var boundPort = 0
    private var connectionCount = 0
    /// Connections over the cap that are being refused (503, then a short linger).
    private var refusingCount = 0
    private var nextConnectionID: UInt64 = 0
    private var listenerClosed = false
    private var shutdownCompletions: [@Sendable () -> Void] = []
    private var descriptorExhaustionCount = 0

    /// How many times accept ran out of descriptors and paused (for tests and diagnostics).
    var acceptPausesForDescriptors: Int {
        lock.lock()
        defer { lock.unlock() }
        return descriptorExhaustionCount
    }

    public init(configuration: ServerConfiguration, responder: any HTTPResponder, logger: Logger) {
        self.configuration = configuration
        self.responder = responder
        self.logger = logger
        self.serializer = ResponseSerializer(serverName: configuration.serverName)
        self.loops = (0..<max(1, configuration.ioQueueCount)).map { IOLoop(index: $0) }
    }

    /// The bound port, useful after binding port 0. Zero before `start()`.
    public var localPort: Int {
        lock.lock()
        defer { lock.unlock() }
        return boundPort
    }

    /// Connections accepted and not yet closed (not counting ones being refused over the cap).
    public var openConnectionCount: Int {
        lock.lock()
        defer { lock.unlock() }
        return connectionCount
    }

    /// True once `shutdown` was called: a connection admitted just before must drain too.
    var isShuttingDown: Bool {
        lock.lock()
        defer { lock.unlock() }
        return state == .shuttingDown || state == .stopped
    }

    /// Binds, listens and starts accepting.
    /// - Throws: `TransportError` with the errno of the failing call (e.g. EADDRINUSE from bind).
    public func start() throws(TransportError) {
        // A peer that closes early must cost an EPIPE, never the process (sends also use MSG_NOSIGNAL).
        signal(SIGPIPE, SIG_IGN)
        lock.lock()
        guard state == .idle else {
            lock.unlock()
            throw TransportError(operation: "start", code: EINVAL, detail: "server already started")
        }
        lock.unlock()

        let socket = try ListeningSocket(host: configuration.host, port: configuration.port, backlog: configuration.backlog)
        let source = DispatchSource.makeReadSource(fileDescriptor: socket.fd, queue: acceptQueue)
        source.setEventHandler { [unowned self] in self.acceptPending() }
        source.setCancelHandler { [self] in
            socket.close()
            self.lock.lock()
            self.listenerClosed = true
            self.lock.unlock()
            self.finishShutdownIfDone()
        }

        lock.lock()
        listener = socket
        acceptSource = source
        boundPort = socket.port
        state = .running
        lock.unlock()

        let shortest = [configuration.headerReadTimeout, configuration.bodyReadTimeout, configuration.idleTimeout,
                        configuration.writeTimeout, configuration.closeLingerTimeout].filter { $0 > 0 }.min() ?? 1
        let tick = min(0.25, max(0.01, shortest / 5))
        for loop in loops { loop.start(tick: tick) }
        source.resume()
        logger.info("listening", metadata: ["host": "\(configuration.host)", "port": "\(socket.port)"])
    }

    // MARK: - Accepting

    /// On `acceptQueue`: accepts everything pending (bounded per event for fairness).
    private func acceptPending() {
        guard let listener = listenerIfRunning() else { return }
        for _ in 0..<512 {
            var storage = sockaddr_storage()
            var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
            let fd = withUnsafeMutablePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    accept(listener.fd, $0, &length)
                }
            }
            if fd < 0 {
                let error = errno
                switch error {
                case EAGAIN, EWOULDBLOCK:
                    return
                case EINTR, ECONNABORTED, EPROTO:
                    continue
                case EMFILE, ENFILE, ENOBUFS, ENOMEM:
                    // Out of descriptors: the pending connection stays queued and the source would
                    // fire again at once. Pause accepting briefly instead of spinning, and keep
                    // the listener.
                    logger.warning("accept paused: out of file descriptors", metadata: ["errno": "\(error)"])
                    lock.lock()
                    descriptorExhaustionCount += 1
                    lock.unlock()
                    pauseAccepting(for: 0.1)
                    return
                default:
                    logger.error("accept failed", metadata: ["errno": "\(error)"])
                    return
                }
            }
            // accept4 is not exported to Swift; set the flags the accepted socket needs here.
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            admit(fd: fd, peer: storage)
        }
    }

    private func listenerIfRunning() -> ListeningSocket? {
        lock.lock()
        defer { lock.unlock() }
        return state == .running ? listener : nil
    }

    private func pauseAccepting(for seconds: Double) {
        guard let source = acceptSource, !acceptSuspended else { return }
        acceptSuspended = true
        source.suspend()
        acceptQueue.asyncAfter(deadline: .now() + seconds) { [self] in
            guard acceptSuspended, let source = acceptSource else { return }
            acceptSuspended = false
            source.resume()
        }
    }

    /// Over the cap, at most this many refusals linger at once; beyond it sockets are just closed.
    static let maxRefusing = 64

    private func admit(fd: Int32, peer: sockaddr_storage) {
        lock.lock()
        if state != .running {
            lock.unlock()
            Glibc.close(fd)
            return
        }
        let refusing = connectionCount >= configuration.maxConnections
        if refusing {
            guard refusingCount < Self.maxRefusing else {
                lock.unlock()
                logger.warning("connection dropped: too many open connections", metadata: ["limit": "\(configuration.maxConnections)"])
                Glibc.close(fd)
                return
            }
            refusingCount += 1
        } else {
            connectionCount += 1
        }
        nextConnectionID += 1
        let id = nextConnectionID
        lock.unlock()

        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        let info = ConnectionInfo(
            remoteAddress: SocketAddress.host(of: peer), remotePort: SocketAddress.port(of: peer), connectionID: id)
        let loop = loops[Int(id % UInt64(loops.count))]
        let connection = Connection(fd: fd, info: info, loop: loop, server: self, refusing: refusing)
        if refusing {
            logger.warning("connection refused: too many open connections", metadata: ["limit": "\(configuration.maxConnections)"])
        }
        loop.execute {
            loop.add(connection)
            connection.start()
        }
    }

    // MARK: - Connection bookkeeping

    /// Called once per connection, after its descriptor was closed.
    func connectionDidClose(_ connection: Connection) {
        lock.lock()
        if connection.isRefusal { refusingCount -= 1 } else { connectionCount -= 1 }
        lock.unlock()
        finishShutdownIfDone()
    }

    // MARK: - Shutdown

    /// Graceful shutdown: stop accepting, let in-flight requests finish (answered with
    /// `Connection: close`), close idle keep-alive connections at once. `completion` runs once,
    /// when every connection is gone or when `deadline` seconds have passed (remaining
    /// connections are then closed abruptly).
    public func shutdown(deadline seconds: Double, completion: @escaping @Sendable () -> Void) {
        lock.lock()
        switch state {
        case .idle, .stopped:
            state = .stopped
            lock.unlock()
            completion()
            return
        case .shuttingDown:
            shutdownCompletions.append(completion)
            lock.unlock()
            return
        case .running:
            state = .shuttingDown
            shutdownCompletions.append(completion)
            lock.unlock()
        }
        logger.info("shutting down", metadata: ["deadline": "\(seconds)"])

        acceptQueue.async { [self] in
            guard let source = acceptSource else { return }
            if acceptSuspended {
                acceptSuspended = false
                source.resume()
            }
            source.cancel()
            acceptSource = nil
        }
        for loop in loops {
            loop.execute {
                for connection in loop.allConnections { connection.beginShutdown() }
            }
        }
        DispatchQueue.global().asyncAfter(deadline: .now() + max(0, seconds)) { [self] in
            lock.lock()
            let pending = state == .shuttingDown
            lock.unlock()
            guard pending else { return }
            logger.warning("shutdown deadline passed; closing remaining connections", metadata: ["open": "\(openConnectionCount)"])
            for loop in loops {
                loop.execute {
                    for connection in loop.allConnections { connection.close() }
                }
            }
            finishShutdown()
        }
    }

    private func finishShutdownIfDone() {
        lock.lock()
        let done = state == .shuttingDown && connectionCount == 0 && refusingCount == 0 && listenerClosed
        lock.unlock()
        if done { finishShutdown() }
    }

    private func finishShutdown() {
        lock.lock()
        guard state == .shuttingDown else {
            lock.unlock()
            return
        }
        state = .stopped
        let completions = shutdownCompletions
        shutdownCompletions = []
        lock.unlock()
        for loop in loops { loop.stop() }
        logger.info("shut down")
        for completion in completions { completion() }
    }
}
