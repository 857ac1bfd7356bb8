import HTTP1

/// The policy of one HTTP/1.1 connection — keep-alive, pipelining, precheck and 100-continue,
/// deadlines, orderly close, graceful shutdown — as a state machine without I/O.
///
/// The connection feeds it what happened (bytes received, input ended, bytes written, a
/// response ready, a tick of the clock) and performs the actions it returns. Time is passed in
/// as monotonic nanoseconds, so tests drive it with a fake clock and no sockets.
struct ConnectionStateMachine {
    enum Phase: Equatable {
        /// Waiting for (the rest of) a request head.
        case awaitingHead
        /// The head was accepted; its body is being read.
        case readingBody
        /// The whole request went to the responder; waiting for its answer.
        case responding
        /// A final answer with `Connection: close` is queued: flush, half-close, linger, close.
        case closing
        case closed
    }

    enum Action: Equatable {
        /// Queue these bytes for writing (head and body of one or more responses).
        case send([UInt8])
        /// Hand this request to the responder; report its answer with `responseReady`.
        case respond(HTTPRequest)
        /// All output was written: send FIN (shutdown SHUT_WR) and keep reading briefly.
        case halfClose
        /// Close the socket now.
        case close
    }

    enum DeadlineKind: Equatable { case none, idle, header, body, write, linger }

    struct Timeouts: Equatable {
        var header: Double
        var body: Double
        var idle: Double
        var write: Double
        var linger: Double

        init(header: Double, body: Double, idle: Double, write: Double, linger: Double) {
            (self.header, self.body, self.idle, self.write, self.linger) = (header, body, idle, write, linger)
        }

        init(_ configuration: ServerConfiguration) {
            self.init(
                header: configuration.headerReadTimeout, body: configuration.bodyReadTimeout,
                idle: configuration.idleTimeout, write: configuration.writeTimeout, linger: configuration.closeLingerTimeout)
        }
    }

    /// Output queued beyond this stops parsing until the client catches up.
    static let outputHighWater = 1 << 20
    /// While a request is being answered, pipelined input is buffered only up to this much.
    static let pipelineBufferLimit = 64 * 1024
    /// Bytes discarded while lingering before the connection is simply closed.
    static let lingerByteLimit = 1 << 20

    private let limits: HTTPLimits
    private let timeouts: Timeouts
    private let serializer: ResponseSerializer
    private let responder: any HTTPResponder
    private let info: ConnectionInfo

    private(set) var phase: Phase = .awaitingHead
    private var parser: RequestParser
    private var head: RequestHead?
    private var body: [UInt8] = []
    /// precheck answered the current request; its remaining events are skipped.
    private var answeredEarly = false
    private(set) var requestsServed = 0
    private var draining = false
    private var inputEnded = false
    private var halfClosed = false
    private var lingerBytes = 0
    /// Bytes handed out in `.send` and not yet reported written.
    private(set) var pendingOutput = 0
    /// `process` stopped with requests still buffered because too much output was queued.
    private var stoppedForOutput = false

    private var headStartedAt: UInt64
    private var bodyStartedAt: UInt64 = 0
    private var idleSince: UInt64 = 0
    private var lastWriteProgress: UInt64 = 0
    private var closingSince: UInt64 = 0

    init(
        limits: HTTPLimits, timeouts: Timeouts, serializer: ResponseSerializer, responder: any HTTPResponder,
        info: ConnectionInfo, now: UInt64
    ) {
        self.limits = limits
        self.timeouts = timeouts
        self.serializer = serializer
        self.responder = responder
        self.info = info
        self.parser = RequestParser(limits: limits)
        // A new connection has `header` seconds to deliver its first head, counted from accept.
        self.headStartedAt = now
    }

    // MARK: - Events

    /// Bytes arrived. Parsing happens in `process`.
    /// - Returns: `.close` when a closing connection received more than it will discard.
    mutating func received(_ bytes: UnsafeRawBufferPointer, now: UInt64) -> [Action] {
        switch phase {
        case .closed:
            return []
        case .closing:
            lingerBytes += bytes.count
            return lingerBytes > Self.lingerByteLimit ? close() : []
        case .awaitingHead, .readingBody, .responding:
            if phase == .awaitingHead && parser.isAtMessageBoundary && requestsServed > 0 && !bytes.isEmpty {
                // The idle wait is over; the head deadline counts from its first byte. Later bytes
                // do not move it, so a slow drip cannot hold the connection (slowloris).
                headStartedAt = now
            }
            parser.append(bytes)
            return []
        }
    }

    /// The peer sent FIN. Requests already complete are still answered (`process` closes after).
    mutating func inputDidEnd() -> [Action] {
        inputEnded = true
        if phase == .closing { return close() }
        return []
    }

    /// Turns buffered bytes into requests and answers until something has to be waited for.
    mutating func process(now: UInt64) -> [Action] {
        var actions: [Action] = []
        stoppedForOutput = false
        parsing: while phase == .awaitingHead || phase == .readingBody {
            if pendingOutput >= Self.outputHighWater {
                stoppedForOutput = true
                break
            }
            let event: ParserEvent
            do {
                event = try parser.next()
            } catch {
                actions += refuse(status: error.status, detail: error.detail, now: now)
                break parsing
            }
            switch event {
            case .needMoreData:
                break parsing
            case .head(let head):
                actions += accept(head, now: now)
            case .body(let bytes):
                if !answeredEarly { body.append(contentsOf: bytes) }
            case .end:
                if answeredEarly {
                    answeredEarly = false
                    head = nil
                    phase = .awaitingHead
                    headStartedAt = now
                } else if let head {
                    phase = .responding
                    actions.append(.respond(HTTPRequest(head: head, body: body)))
                    body = []
                }
            }
        }
        if inputEnded && (phase == .awaitingHead || phase == .readingBody) {
            // Everything complete was answered above; a partial request can never complete.
            actions += pendingOutput > 0 ? beginClosing(now: now) : close()
        }
        return actions
    }

    /// The responder answered. A second answer, or one after the connection closed, is dropped.
    mutating func responseReady(_ response: HTTPResponse, now: UInt64) -> [Action] {
        guard phase == .responding, let head else { return [] }
        let keepAlive = KeepAlivePolicy.shouldKeepAlive(request: head, response: response, draining: draining)
        var actions = [send(response, for: head, keepAlive: keepAlive, now: now)]
        requestsServed += 1
        self.head = nil
        if keepAlive {
            phase = .awaitingHead
            idleSince = now
            headStartedAt = now
        } else {
            actions += beginClosing(now: now)
        }
        return actions
    }

    /// `count` bytes of queued output were written.
    mutating func wrote(_ count: Int, now: UInt64) -> [Action] {
        pendingOutput -= count
        lastWriteProgress = now
        if pendingOutput == 0 && phase == .closing && !halfClosed {
            return halfClose(now: now)
        }
        return []
    }

    /// Graceful shutdown: close now if idle; otherwise the answer in flight says `Connection: close`.
    mutating func beginShutdown(now: UInt64) -> [Action] {
        draining = true
        guard phase == .awaitingHead && parser.isAtMessageBoundary else { return [] }
        return pendingOutput == 0 ? close() : beginClosing(now: now)
    }

    /// Called when `deadline` has passed.
    mutating func deadlinePassed(now: UInt64) -> [Action] {
        switch deadline.kind {
        case .none:
            return []
        case .idle, .write, .linger:
            return close()
        case .header:
            // Nothing received: nobody to answer. Part of a head: tell the client why.
            if parser.bufferedByteCount == 0 { return close() }
            return refuse(status: .requestTimeout, detail: "request head not received in time", now: now)
        case .body:
            return refuse(status: .requestTimeout, detail: "request body not received in time", now: now)
        }
    }

    /// Refuses the connection before reading anything (over the connection cap): the answer
    /// with `Connection: close`, then half-close, linger and close.
    mutating func refuseAtOnce(status: HTTPStatus, detail: String, now: UInt64) -> [Action] {
        refuse(status: status, detail: detail, now: now)
    }

    /// Closes at once (a socket error, a forced shutdown).
    mutating func abort() -> [Action] { close() }

    // MARK: - Queries

    /// True when bytes of a further request are buffered: the client is pipelining.
    var hasBufferedInput: Bool { parser.bufferedByteCount > 0 }

    /// Whether `process` should run again: it stopped on queued output that has since been written.
    /// Without this, answers written at once (a fast reader) would leave buffered pipelined requests
    /// unparsed until their head deadline.
    var canProcessMore: Bool {
        stoppedForOutput && pendingOutput < Self.outputHighWater && (phase == .awaitingHead || phase == .readingBody)
    }

    /// Whether the connection should be reading: not once input ended, not while the client is
    /// behind on reading our output, and not while a request is in flight with enough pipelined
    /// input already buffered. A closing connection reads to discard (linger).
    var wantsToRead: Bool {
        switch phase {
        case .closed: return false
        case .closing: return !inputEnded
        case .awaitingHead, .readingBody, .responding:
            if inputEnded || pendingOutput >= Self.outputHighWater { return false }
            if phase == .responding && parser.bufferedByteCount >= Self.pipelineBufferLimit { return false }
            return true
        }
    }

    /// The next deadline (monotonic ns) and what happens then.
    var deadline: (kind: DeadlineKind, at: UInt64) {
        switch phase {
        case .closed:
            return (.none, .max)
        case .closing:
            if pendingOutput > 0 { return (.write, Self.after(timeouts.write, from: lastWriteProgress)) }
            return (.linger, Self.after(timeouts.linger, from: closingSince))
        case _ where pendingOutput > 0:
            return (.write, Self.after(timeouts.write, from: lastWriteProgress))
        case .awaitingHead:
            if parser.isAtMessageBoundary && requestsServed > 0 {
                return (.idle, Self.after(timeouts.idle, from: idleSince))
            }
            return (.header, Self.after(timeouts.header, from: headStartedAt))
        case .readingBody:
            return (.body, Self.after(timeouts.body, from: bodyStartedAt))
        case .responding:
            // The responder's time is not bounded here; graceful shutdown's deadline bounds it.
            return (.none, .max)
        }
    }

    static func after(_ seconds: Double, from start: UInt64) -> UInt64 {
        let delta = seconds <= 0 ? 0 : (seconds >= 1e9 ? UInt64.max / 2 : UInt64(seconds * 1e9))
        return start &+ delta
    }

    // MARK: - Transitions

    /// A head was parsed: consult precheck before any of the body is read.
    private mutating func accept(_ head: RequestHead, now: UInt64) -> [Action] {
        self.head = head
        body = []
        phase = .readingBody
        bodyStartedAt = now

        // RFC 9110 §10.1.1: only "100-continue" is defined, and a 1.0 request's Expect is ignored.
        var wantsContinue = false
        if head.version.minor >= 1, head.headers.contains("Expect") {
            guard head.headers.tokens(for: "Expect") == ["100-continue"] else {
                return refuse(status: .expectationFailed, detail: "only 100-continue is supported in Expect", now: now)
            }
            wantsContinue = true
        }

        if let early = responder.precheck(head, connection: info) {
            // Answered without reading the body. An announced body is still coming and cannot be
            // skipped reliably, so the connection closes after this answer.
            let keepAlive = !parser.framing.announcesBody
                && KeepAlivePolicy.shouldKeepAlive(request: head, response: early, draining: draining)
            var actions = [send(early, for: head, keepAlive: keepAlive, now: now)]
            requestsServed += 1
            if keepAlive {
                answeredEarly = true
            } else {
                actions += beginClosing(now: now)
            }
            return actions
        }
        // Only when the client is actually waiting: no body byte has been sent yet.
        if wantsContinue && parser.framing.announcesBody && parser.bufferedByteCount == 0 {
            return [sendRaw(ResponseSerializer.continueResponse, now: now)]
        }
        return []
    }

    /// Answers an error the transport detected itself, then closes: after a framing error the
    /// rest of the input cannot be trusted (RFC 9112 §9.6, §11.2).
    private mutating func refuse(status: HTTPStatus, detail: String, now: UInt64) -> [Action] {
        guard phase == .awaitingHead || phase == .readingBody else { return [] }
        let response = responder.protocolErrorResponse(status: status, detail: detail)
        // The method matters for HEAD; a head-level error has no head.
        let action = send(response, for: phase == .readingBody ? head : nil, keepAlive: false, now: now)
        return [action] + beginClosing(now: now)
    }

    private mutating func send(_ response: HTTPResponse, for head: RequestHead?, keepAlive: Bool, now: UInt64) -> Action {
        let bytes = serializer.serialize(
            response, requestMethod: head?.method, requestVersion: head?.version ?? .http1_1, keepAlive: keepAlive)
        return sendRaw(bytes, now: now)
    }

    private mutating func sendRaw(_ bytes: [UInt8], now: UInt64) -> Action {
        if pendingOutput == 0 { lastWriteProgress = now }
        pendingOutput += bytes.count
        return .send(bytes)
    }

    private mutating func beginClosing(now: UInt64) -> [Action] {
        guard phase != .closing && phase != .closed else { return [] }
        phase = .closing
        closingSince = now
        parser = RequestParser(limits: limits)
        head = nil
        body = []
        return pendingOutput == 0 ? halfClose(now: now) : []
    }

    /// FIN after the last answer; reading goes on briefly so that unread request bytes do not turn
    /// the close into a reset that could destroy the answer before the client reads it.
    private mutating func halfClose(now: UInt64) -> [Action] {
        halfClosed = true
        closingSince = now
        return inputEnded ? [.halfClose] + close() : [.halfClose]
    }

    private mutating func close() -> [Action] {
        guard phase != .closed else { return [] }
        phase = .closed
        parser = RequestParser(limits: limits)
        head = nil
        body = []
        return [.close]
    }
}
