import Dispatch
import Foundation
import Glibc
import HTTP1
import Logging

/// One accepted TCP connection: read → parse → responder → serialize → write, with keep-alive,
/// pipelining, deadlines and an orderly close.
///
/// Lifetime of the descriptor: it is owned here and closed exactly once, in the cancel handler
/// of the last live dispatch source, so no source can ever fire on a reused descriptor number.
final class Connection: @unchecked Sendable {  // all mutable state is confined to `loop.queue`
    enum Phase {
        /// Waiting for (the rest of) a request head.
        case awaitingHead
        /// The head was accepted; its body is being read.
        case readingBody
        /// The whole request was handed to the responder; waiting for its answer.
        case responding
        /// A final answer with `Connection: close` is queued: flush, half-close, drain, close.
        case closing
        case closed
    }

    enum DeadlineKind { case none, idle, header, body, write, linger }

    /// Output queued beyond this stops reading and parsing until the client catches up.
    static let outputHighWater = 1 << 20
    /// Bytes read in one readable event before yielding the queue to other connections.
    static let readBudget = 1 << 20
    /// While a request is being answered, pipelined input is buffered only up to this much.
    static let pipelineBufferLimit = 64 * 1024
    /// Bytes discarded while lingering before the connection is simply closed.
    static let lingerByteLimit = 1 << 20

    let fd: Int32
    let info: ConnectionInfo
    let loop: IOLoop
    let server: HTTPServer

    private var phase: Phase = .awaitingHead
    private var parser: RequestParser
    private var head: RequestHead?
    private var body: [UInt8] = []
    /// precheck answered the current request; its body (if any) is not handed on.
    private var answeredEarly = false
    private var requestsServed = 0
    /// Set by a graceful shutdown: answer what is in flight with `Connection: close`.
    private var draining = false

    private var output: [UInt8] = []
    private var outputOffset = 0
    private var outputPending: Int { output.count - outputOffset }
    private var halfClosed = false
    private var inputClosed = false
    private var lingerBytes = 0

    private var readSource: (any DispatchSourceRead)?
    private var writeSource: (any DispatchSourceWrite)?
    private var readSuspended = false
    private var liveSources = 0

    private var headStartedAt: UInt64
    private var bodyStartedAt: UInt64 = 0
    private var idleSince: UInt64 = 0
    private var lastWriteProgress: UInt64 = 0
    private var closingSince: UInt64 = 0
    /// When the next deadline falls (monotonic ns) and what it is; read by the loop's sweep.
    private(set) var deadline: UInt64 = .max
    private var deadlineKind: DeadlineKind = .none

    private var configuration: ServerConfiguration { server.configuration }
    private var logger: Logger { server.logger }

    init(fd: Int32, info: ConnectionInfo, loop: IOLoop, server: HTTPServer) {
        self.fd = fd
        self.info = info
        self.loop = loop
        self.server = server
        self.parser = RequestParser(limits: server.configuration.limits)
        self.headStartedAt = Clock.now()
    }

    // MARK: - Sources

    /// On the loop's queue: registers the read source and arms the header deadline.
    func start() {
        let source = DispatchSource.makeReadSource(fileDescriptor: fd, queue: loop.queue)
        source.setEventHandler { [unowned self] in self.readable() }
        source.setCancelHandler { [unowned self] in self.sourceCancelled() }
        liveSources += 1
        readSource = source
        source.resume()
        updateDeadline()
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
        guard phase != .closed, let source = readSource else { return }
        if wanted && readSuspended {
            readSuspended = false
            source.resume()
        } else if !wanted && !readSuspended {
            readSuspended = true
            source.suspend()
        }
    }

    /// Reading is wanted unless the input ended, the client is behind on reading our output,
    /// or a request is in flight and enough pipelined input is already buffered.
    private func updateReadInterest() {
        guard phase != .closed, !inputClosed else { return setReading(false) }
        if phase == .closing { return setReading(true) }
        if outputPending >= Self.outputHighWater { return setReading(false) }
        if phase == .responding && parser.bufferedByteCount >= Self.pipelineBufferLimit { return setReading(false) }
        setReading(true)
    }

    // MARK: - Reading

    private func readable() {
        guard phase != .closed else { return }
        var total = 0
        let wasAtBoundary = phase == .awaitingHead && parser.isAtMessageBoundary
        while total < Self.readBudget {
            let n = recv(fd, loop.scratch.baseAddress, loop.scratch.count, 0)
            if n > 0 {
                total += n
                if phase == .closing {
                    lingerBytes += n
                    if lingerBytes > Self.lingerByteLimit { return close() }
                } else {
                    parser.append(UnsafeRawBufferPointer(rebasing: loop.scratch[0..<n]))
                }
                continue
            }
            if n == 0 {
                inputClosed = true
                break
            }
            let error = errno
            if error == EINTR { continue }
            if error == EAGAIN || error == EWOULDBLOCK { break }
            logger.debug("recv failed", metadata: ["connection": "\(info.connectionID)", "errno": "\(error)"])
            return close()
        }
        if phase == .closing {
            if inputClosed { return close() }
            return
        }
        if wasAtBoundary && total > 0 && requestsServed > 0 {
            headStartedAt = Clock.now()
        }
        process()
    }

    // MARK: - Requests

    /// Turns buffered bytes into requests and answers until it has to wait for something.
    private func process() {
        parsing: while phase == .awaitingHead || phase == .readingBody {
            if outputPending >= Self.outputHighWater { break }
            let event: ParserEvent
            do {
                event = try parser.next()
            } catch {
                refuse(status: error.status, detail: error.detail)
                break parsing
            }
            switch event {
            case .needMoreData:
                break parsing
            case .head(let head):
                accept(head)
            case .body(let bytes):
                if !answeredEarly { body.append(contentsOf: bytes) }
            case .end:
                if answeredEarly {
                    answeredEarly = false
                    head = nil
                    phase = .awaitingHead
                    headStartedAt = Clock.now()
                } else {
                    dispatchRequest()
                }
            }
        }
        if inputClosed && (phase == .awaitingHead || phase == .readingBody) {
            // The client stopped sending: everything complete has been answered above; a
            // partial request can never complete.
            if outputPending > 0 { beginClosing() } else { return close() }
        }
        flush()
        updateReadInterest()
        updateDeadline()
    }

    /// A head was parsed: consult the responder's precheck before any body is read.
    private func accept(_ head: RequestHead) {
        self.head = head
        self.body = []
        phase = .readingBody
        bodyStartedAt = Clock.now()

        // RFC 9110 §10.1.1: only "100-continue" is defined; a 1.0 request's Expect is ignored.
        var wantsContinue = false
        if head.version.minor >= 1, head.headers.contains("Expect") {
            let expectations = head.headers.tokens(for: "Expect")
            if expectations == ["100-continue"] {
                wantsContinue = true
            } else {
                return refuse(status: .expectationFailed, detail: "only 100-continue is supported in Expect")
            }
        }

        if let early = server.responder.precheck(head, connection: info) {
            // Answered without reading the body. If one was announced it is still coming and
            // cannot be skipped reliably, so the connection closes after this answer.
            let announced = parser.framing.announcesBody
            let keepAlive = !announced && KeepAlivePolicy.shouldKeepAlive(request: head, response: early, draining: draining)
            enqueue(early, for: head, keepAlive: keepAlive)
            requestsServed += 1
            if keepAlive {
                answeredEarly = true
            } else {
                beginClosing()
            }
            return
        }
        if wantsContinue && parser.framing.announcesBody && parser.bufferedByteCount == 0 {
            output.append(contentsOf: ResponseSerializer.continueResponse)
        }
    }

    private func dispatchRequest() {
        guard let head else { return }
        phase = .responding
        let request = HTTPRequest(head: head, body: body)
        body = []
        let slot = ResponseSlot()
        server.responder.respond(to: request, connection: info) { [self] response in
            if slot.offer(response) { return }
            loop.queue.async { self.finish(response, async: true) }
        }
        if let response = slot.leaveCall() {
            finish(response, async: false)
        }
    }

    /// The responder answered the request in flight. Never answers twice: a second call, or
    /// one arriving after the connection closed, is dropped.
    private func finish(_ response: HTTPResponse, async: Bool) {
        guard phase == .responding, let head else { return }
        let keepAlive = KeepAlivePolicy.shouldKeepAlive(request: head, response: response, draining: draining)
        enqueue(response, for: head, keepAlive: keepAlive)
        requestsServed += 1
        self.head = nil
        if keepAlive {
            phase = .awaitingHead
            idleSince = Clock.now()
            headStartedAt = idleSince
        } else {
            beginClosing()
        }
        if async { process() }
    }

    private func enqueue(_ response: HTTPResponse, for head: RequestHead?, keepAlive: Bool) {
        if outputPending == 0 {
            output.removeAll(keepingCapacity: output.capacity <= 64 * 1024)
            outputOffset = 0
        }
        server.serializer.serialize(
            response, requestMethod: head?.method, requestVersion: head?.version ?? .http1_1,
            keepAlive: keepAlive, into: &output)
    }

    /// Answers an error the transport detected itself, then closes (RFC 9112 §9.6: after a
    /// framing error the rest of the input cannot be trusted).
    private func refuse(status: HTTPStatus, detail: String) {
        guard phase != .closing && phase != .closed else { return }
        logger.debug(
            "refusing request",
            metadata: ["connection": "\(info.connectionID)", "status": "\(status.code)", "detail": "\(detail)"])
        let response = server.responder.protocolErrorResponse(status: status, detail: detail)
        // The head (when there is one) decides HEAD handling; a head-level error has none.
        enqueue(response, for: phase == .readingBody ? head : nil, keepAlive: false)
        head = nil
        beginClosing()
    }

    // MARK: - Writing

    private func flush() {
        while outputPending > 0 {
            let n = output.withUnsafeBytes { buffer in
                send(fd, buffer.baseAddress! + outputOffset, outputPending, Int32(MSG_NOSIGNAL))
            }
            if n > 0 {
                outputOffset += n
                lastWriteProgress = Clock.now()
                continue
            }
            let error = errno
            if n < 0 && error == EINTR { continue }
            if n < 0 && (error == EAGAIN || error == EWOULDBLOCK) {
                armWriteSource()
                return
            }
            logger.debug("send failed", metadata: ["connection": "\(info.connectionID)", "errno": "\(error)"])
            return close()
        }
        if output.capacity > 64 * 1024 { output = [] } else { output.removeAll(keepingCapacity: true) }
        outputOffset = 0
        disarmWriteSource()
        if phase == .closing && !halfClosed { halfClose() }
    }

    /// A write source exists only while output is queued, so idle connections cost one source.
    private func armWriteSource() {
        guard writeSource == nil else { return }
        lastWriteProgress = Clock.now()
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
        guard phase != .closed else { return }
        flush()
        guard phase != .closed else { return }
        if phase == .awaitingHead || phase == .readingBody {
            process()
        } else {
            updateReadInterest()
            updateDeadline()
        }
    }

    // MARK: - Closing

    private func beginClosing() {
        guard phase != .closing && phase != .closed else { return }
        phase = .closing
        closingSince = Clock.now()
        parser = RequestParser(limits: configuration.limits)
        head = nil
        body = []
        if outputPending == 0 { halfClose() }
    }

    /// Sends FIN after the last answer, then keeps reading briefly so that unread request bytes
    /// do not turn the close into a reset that could destroy the answer in flight.
    private func halfClose() {
        halfClosed = true
        shutdown(fd, Int32(SHUT_WR))
        closingSince = Clock.now()
        if inputClosed { close() }
    }

    /// Closes now: cancels every source (resuming a suspended one first, as Dispatch requires);
    /// the last cancel handler closes the descriptor.
    func close() {
        guard phase != .closed else { return }
        phase = .closed
        deadline = .max
        deadlineKind = .none
        parser = RequestParser(limits: configuration.limits)
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

    // MARK: - Deadlines

    private func updateDeadline() {
        let kind: DeadlineKind
        let at: UInt64
        switch phase {
        case .closed:
            (kind, at) = (.none, .max)
        case .closing:
            if outputPending > 0 {
                (kind, at) = (.write, Clock.after(configuration.writeTimeout, from: lastWriteProgress))
            } else {
                (kind, at) = (.linger, Clock.after(configuration.closeLingerTimeout, from: closingSince))
            }
        case _ where outputPending > 0:
            (kind, at) = (.write, Clock.after(configuration.writeTimeout, from: lastWriteProgress))
        case .awaitingHead:
            if parser.isAtMessageBoundary && requestsServed > 0 {
                (kind, at) = (.idle, Clock.after(configuration.idleTimeout, from: idleSince))
            } else {
                (kind, at) = (.header, Clock.after(configuration.headerReadTimeout, from: headStartedAt))
            }
        case .readingBody:
            (kind, at) = (.body, Clock.after(configuration.bodyReadTimeout, from: bodyStartedAt))
        case .responding:
            (kind, at) = (.none, .max)
        }
        deadlineKind = kind
        deadline = at
    }

    /// Called by the loop's sweep when `deadline` has passed.
    func deadlineExpired() {
        switch deadlineKind {
        case .none:
            return
        case .idle, .write, .linger:
            close()
        case .header:
            if parser.bufferedByteCount == 0 {
                close()
            } else {
                refuse(status: .requestTimeout, detail: "request head not received in time")
                flush()
                updateReadInterest()
                updateDeadline()
            }
        case .body:
            refuse(status: .requestTimeout, detail: "request body not received in time")
            flush()
            updateReadInterest()
            updateDeadline()
        }
    }

    // MARK: - Shutdown

    /// Graceful shutdown: close now if idle, else answer what is in flight with `Connection: close`.
    func beginShutdown() {
        draining = true
        if phase == .awaitingHead && parser.isAtMessageBoundary {
            if outputPending == 0 { close() } else { beginClosing(); updateDeadline() }
        }
    }
}

/// Catches a responder completion that runs before `respond` returns, so that answers to
/// pipelined requests handled synchronously go out together in one write.
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
