import Dispatch
import Foundation
import Glibc
import HTTP1
import Logging

/// One accepted TCP connection: the I/O shell around `ConnectionStateMachine`. It reads into
/// the machine, performs the actions it returns (write, call the responder, half-close, close)
/// and reports back what the socket did.
///
/// Lifetime of the descriptor: it is owned here and closed exactly once, in the cancel handler
/// of the last live dispatch source, so no source can ever fire on a reused descriptor number.
final class Connection: @unchecked Sendable {  // all mutable state is confined to `loop.queue`
    /// Bytes read in one readable event before yielding the queue to other connections.
    static let readBudget = 1 << 20

    let fd: Int32
    let info: ConnectionInfo
    let loop: IOLoop
    let server: HTTPServer
    /// Accepted over the connection cap: answered 503 at once, then closed.
    let isRefusal: Bool

    private var machine: ConnectionStateMachine
    private var closed = false
    /// Set when a synchronous answer freed the machine to parse the next pipelined request.
    private var processAgain = false
    private var output: [UInt8] = []
    private var outputOffset = 0
    private var outputPending: Int { output.count - outputOffset }

    private var readSource: (any DispatchSourceRead)?
    private var writeSource: (any DispatchSourceWrite)?
    private var readSuspended = false
    private var liveSources = 0

    /// When the machine's next deadline falls (monotonic ns); read by the loop's sweep.
    private(set) var deadline: UInt64 = .max

    private var logger: Logger { server.logger }

    init(fd: Int32, info: ConnectionInfo, loop: IOLoop, server: HTTPServer, refusing: Bool = false) {
        self.isRefusal = refusing
        self.fd = fd
        self.info = info
        self.loop = loop
        self.server = server
        self.machine = ConnectionStateMachine(
            limits: server.configuration.limits, timeouts: .init(server.configuration), serializer: server.serializer,
            responder: server.responder, info: info, now: Clock.now())
    }

    // MARK: - Sources

    /// On the loop's queue: registers the read source and arms the first deadline.
    func start() {
        let source = DispatchSource.makeReadSource(fileDescriptor: fd, queue: loop.queue)
        source.setEventHandler { [unowned self] in self.readable() }
        source.setCancelHandler { [unowned self] in self.sourceCancelled() }
        liveSources += 1
        readSource = source
        source.resume()
        if server.isShuttingDown {
            // Admitted just before shutdown began, after the loop's shutdown pass: drain now.
            perform(machine.beginShutdown(now: Clock.now()))
        } else if isRefusal {
            // Refused like any protocol error, so the 503 gets the same half-close and linger
            // and is not destroyed by a reset when the client already sent its request.
            perform(machine.refuseAtOnce(status: .serviceUnavailable, detail: "too many open connections", now: Clock.now()))
        }
        settle()
    }

    private func sourceCancelled() {
        liveSources -= 1
        guard liveSources == 0 else { return }
        Glibc.close(fd)
        readSource = nil
        writeSource = nil
        loop.remove(self)
        server.connectionDidClose(self)
    }

    private func setReading(_ wanted: Bool) {
        // Never suspend a cancelled source: its cancel handler would not run and the
        // descriptor would leak.
        guard !closed, let source = readSource else { return }
        if wanted && readSuspended {
            readSuspended = false
            source.resume()
        } else if !wanted && !readSuspended {
            readSuspended = true
            source.suspend()
        }
    }

    /// After every batch of actions: flush, then align read interest and deadline with the machine.
    private func settle() {
        flush()
        guard !closed else { return }
        setReading(machine.wantsToRead)
        deadline = machine.deadline.at
    }

    // MARK: - Events into the machine

    private func readable() {
        guard !closed else { return }
        var total = 0
        while total < Self.readBudget {
            let n = recv(fd, loop.scratch.baseAddress, loop.scratch.count, 0)
            if n > 0 {
                total += n
                perform(machine.received(UnsafeRawBufferPointer(rebasing: loop.scratch[0..<n]), now: Clock.now()))
                if closed { return }
                continue
            }
            if n == 0 {
                perform(machine.inputDidEnd())
                break
            }
            let error = errno
            if error == EINTR { continue }
            if error == EAGAIN || error == EWOULDBLOCK { break }
            logger.debug("recv failed", metadata: ["connection": "\(info.connectionID)", "errno": "\(error)"])
            perform(machine.abort())
            return
        }
        run()
    }

    /// Lets the machine parse and answer what is buffered, then settles.
    private func run() {
        guard !closed else { return }
        // A loop, not recursion: thousands of pipelined requests answered synchronously must
        // not grow the stack.
        repeat {
            processAgain = false
            perform(machine.process(now: Clock.now()))
        } while processAgain && !closed
        // Answers given in place can fill the output to the high-water mark, which stops the
        // parsing. If the kernel then takes all of it, no write event will come and the client
        // sent its requests already: writing made room, so parse on — on a later turn of the
        // queue, so that the other connections it serves get theirs (parsing on in a loop here let
        // one pipelining client that never reads hold its queue for ~4 MB of answers).
        if !closed && machine.pendingOutput >= ConnectionStateMachine.outputHighWater {
            flush()
            if machine.canProcessMore {
                loop.queue.async { [self] in run() }
            }
        }
        settle()
    }

    private func perform(_ actions: [ConnectionStateMachine.Action]) {
        for action in actions {
            switch action {
            case .send(let bytes):
                if outputPending == 0 {
                    output.removeAll(keepingCapacity: output.capacity <= 64 * 1024)
                    outputOffset = 0
                }
                output.append(contentsOf: bytes)
            case .respond(let request):
                dispatch(request)
            case .halfClose:
                Glibc.shutdown(fd, Int32(SHUT_WR))
            case .close:
                closeNow()
            }
        }
    }

    private func dispatch(_ request: HTTPRequest) {
        let responder = server.responder
        let info = info
        guard server.configuration.respondsOnIOQueue else {
            DispatchQueue.global(qos: .userInitiated).async { [self] in
                let slot = ResponseSlot()
                responder.respond(to: request, connection: info) { [self] response in
                    if slot.offer(response) { return }
                    loop.queue.async { self.responseReady(response) }
                }
                if let response = slot.leaveCall() {
                    loop.queue.async { self.responseReady(response) }
                }
            }
            return
        }
        let slot = ResponseSlot()
        responder.respond(to: request, connection: info) { [self] response in
            if slot.offer(response) { return }
            loop.queue.async { self.responseReady(response) }
        }
        if let response = slot.leaveCall() {
            // Answered synchronously: queue it now so pipelined answers leave in one write.
            perform(machine.responseReady(response, now: Clock.now()))
            processAgain = true
        }
    }

    /// On the loop's queue: the responder answered asynchronously.
    private func responseReady(_ response: HTTPResponse) {
        guard !closed else { return }
        perform(machine.responseReady(response, now: Clock.now()))
        run()
    }

    /// Called by the loop's sweep when `deadline` has passed.
    func deadlineExpired() {
        guard !closed else { return }
        perform(machine.deadlinePassed(now: Clock.now()))
        settle()
    }

    /// Graceful shutdown: close now if idle, else answer what is in flight with `Connection: close`.
    func beginShutdown() {
        guard !closed else { return }
        perform(machine.beginShutdown(now: Clock.now()))
        settle()
    }

    /// Forced close (shutdown deadline passed).
    func close() {
        guard !closed else { return }
        perform(machine.abort())
    }

    // MARK: - Writing

    private func flush() {
        while !closed && outputPending > 0 {
            let n = output.withUnsafeBytes { buffer in
                send(fd, buffer.baseAddress! + outputOffset, outputPending, Int32(MSG_NOSIGNAL))
            }
            if n > 0 {
                outputOffset += n
                perform(machine.wrote(n, now: Clock.now()))
                continue
            }
            let error = errno
            if n < 0 && error == EINTR { continue }
            if n < 0 && (error == EAGAIN || error == EWOULDBLOCK) {
                armWriteSource()
                return
            }
            logger.debug("send failed", metadata: ["connection": "\(info.connectionID)", "errno": "\(error)"])
            perform(machine.abort())
            return
        }
        if output.capacity > 64 * 1024 { output = [] } else { output.removeAll(keepingCapacity: true) }
        outputOffset = 0
        disarmWriteSource()
    }

    /// A write source exists only while output is queued, so idle connections cost one source.
    private func armWriteSource() {
        guard writeSource == nil, !closed else { return }
        let source = DispatchSource.makeWriteSource(fileDescriptor: fd, queue: loop.queue)
        source.setEventHandler { [unowned self] in self.writable() }
        source.setCancelHandler { [unowned self] in self.sourceCancelled() }
        liveSources += 1
        writeSource = source
        source.resume()
    }

    private func disarmWriteSource() {
        guard let source = writeSource else { return }
        writeSource = nil
        source.cancel()
    }

    private func writable() {
        guard !closed else { return }
        flush()
        // Output drained below the high-water mark: parsing may go on.
        run()
    }

    // MARK: - Closing

    /// Cancels every source (resuming a suspended one first, as Dispatch requires); the last
    /// cancel handler closes the descriptor.
    private func closeNow() {
        guard !closed else { return }
        closed = true
        deadline = .max
        output = []
        outputOffset = 0
        if let source = writeSource {
            writeSource = nil
            source.cancel()
        }
        if let source = readSource {
            if readSuspended {
                readSuspended = false
                source.resume()
            }
            source.cancel()
        }
    }
}

/// Catches a responder completion that runs before `respond` returns, so that answers to
/// pipelined requests handled synchronously go out together in one write; and drops any
/// completion after the first, so a request is never answered twice.
final class ResponseSlot: @unchecked Sendable {  // state guarded by `lock`
    private let lock = NSLock()
    private var insideCall = true
    private var delivered = false
    private var stored: HTTPResponse?

    /// Returns true when the response was taken here (or was a duplicate and dropped), false
    /// when the caller must deliver it to the connection's queue itself.
    func offer(_ response: HTTPResponse) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        if delivered { return true }
        delivered = true
        if insideCall {
            stored = response
            return true
        }
        return false
    }

    /// Called once `respond` returned: the response if it was already given.
    func leaveCall() -> HTTPResponse? {
        lock.lock()
        defer { lock.unlock() }
        insideCall = false
        return stored
    }
}
