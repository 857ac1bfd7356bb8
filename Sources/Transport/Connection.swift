import Dispatch
import Foundation
import CEpoll
import Glibc
import HTTP1
import Logging

/// One accepted TCP connection: the I/O shell around `ConnectionStateMachine`. It reads into
/// the machine, performs the actions it returns (write, call the responder, half-close, close)
/// and reports back what the socket did.
///
/// Lifetime of the descriptor: it is owned here and closed exactly once, in `closeNow`, after
/// it left the loop's epoll set and the loop's table, so no event can reach it afterwards; every
/// system call on it is made only while `closed` is false.
final class Connection: @unchecked Sendable {  // all mutable state is confined to the loop's thread
    /// Bytes read in one readable event before yielding the loop to other connections.
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

    /// What the loop currently waits for on the socket (EPOLLIN, EPOLLOUT); 0 when nothing.
    private var interest: UInt32 = 0
    private var wantsRead = false
    private var wantsWrite = false

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

    // MARK: - Readiness

    /// On the loop's thread: registers for reading and arms the first deadline.
    func start() {
        wantsRead = true
        updateInterest()
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

    /// Tells the loop what to wait for, when that changed.
    private func updateInterest() {
        guard !closed else { return }
        var wanted: UInt32 = 0
        if wantsRead { wanted |= EPOLLIN.rawValue }
        if wantsWrite { wanted |= EPOLLOUT.rawValue }
        loop.setInterest(self, from: interest, to: wanted)
        interest = wanted
    }

    private func setReading(_ wanted: Bool) {
        guard !closed, wanted != wantsRead else { return }
        wantsRead = wanted
        updateInterest()
    }

    /// On the loop's thread: the socket is ready for what `events` says.
    func handle(events: UInt32) {
        let failed = events & (EPOLLERR.rawValue | EPOLLHUP.rawValue) != 0
        if wantsWrite && (events & EPOLLOUT.rawValue != 0 || failed) {
            writable()
        }
        if !closed && wantsRead && (events & EPOLLIN.rawValue != 0 || failed) {
            readable()
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
                // A short read took everything the socket had: the usual request fits in one, and
                // asking again would only return EAGAIN. Interest is level-triggered, so bytes (or
                // the end of input) arriving later are announced by the next wait.
                if n < loop.scratch.count { break }
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
        // loop, so that the other connections it serves get theirs (parsing on in a loop here let
        // one pipelining client that never reads hold its loop for ~4 MB of answers).
        if !closed && machine.pendingOutput >= ConnectionStateMachine.outputHighWater {
            flush()
            if machine.canProcessMore {
                loop.execute { [self] in run() }
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
                if !closed { Glibc.shutdown(fd, Int32(SHUT_WR)) }
            case .close:
                closeNow()
            }
        }
    }

    private func dispatch(_ request: HTTPRequest) {
        let responder = server.responder
        let info = info
        let configuration = server.configuration
        let inPlace = configuration.respondsOnIOQueue
            || (configuration.respondsInPlaceUnlessPipelined && !machine.hasBufferedInput && loop.readyThisTurn <= 1)
        guard inPlace else {
            DispatchQueue.global(qos: .userInitiated).async { [self] in
                let slot = ResponseSlot()
                responder.respond(to: request, connection: info) { [self] response in
                    if slot.offer(response) { return }
                    loop.execute { self.responseReady(response) }
                }
                if let response = slot.leaveCall() {
                    loop.execute { self.responseReady(response) }
                }
            }
            return
        }
        let slot = ResponseSlot()
        responder.respond(to: request, connection: info) { [self] response in
            if slot.offer(response) { return }
            loop.execute { self.responseReady(response) }
        }
        if let response = slot.leaveCall() {
            // Answered synchronously: queue it now so pipelined answers leave in one write.
            perform(machine.responseReady(response, now: Clock.now()))
            processAgain = true
        }
    }

    /// On the loop's thread: the responder answered asynchronously.
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
                armWriting()
                return
            }
            logger.debug("send failed", metadata: ["connection": "\(info.connectionID)", "errno": "\(error)"])
            perform(machine.abort())
            return
        }
        if output.capacity > 64 * 1024 { output = [] } else { output.removeAll(keepingCapacity: true) }
        outputOffset = 0
        disarmWriting()
    }

    /// Write readiness is asked for only while output is queued, so idle connections wait for reading only.
    private func armWriting() {
        guard !wantsWrite, !closed else { return }
        wantsWrite = true
        updateInterest()
    }

    private func disarmWriting() {
        guard wantsWrite else { return }
        wantsWrite = false
        updateInterest()
    }

    private func writable() {
        guard !closed else { return }
        flush()
        // Output drained below the high-water mark: parsing may go on.
        run()
    }

    // MARK: - Closing

    /// Leaves the loop's epoll set and table, then closes the descriptor: once, and before any
    /// other descriptor can be given its number by this loop.
    private func closeNow() {
        guard !closed else { return }
        loop.setInterest(self, from: interest, to: 0)
        interest = 0
        closed = true
        deadline = .max
        output = []
        outputOffset = 0
        wantsRead = false
        wantsWrite = false
        Glibc.close(fd)
        loop.remove(self)
        server.connectionDidClose(self)
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
