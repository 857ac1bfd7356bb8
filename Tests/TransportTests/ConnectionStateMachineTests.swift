import HTTP1
import XCTest
@testable import Transport

/// The connection policy on its own: no sockets, a fake clock (nanoseconds passed in).
final class ConnectionStateMachineTests: XCTestCase {
    typealias Machine = ConnectionStateMachine
    static let second: UInt64 = 1_000_000_000
    let timeouts = Machine.Timeouts(header: 10, body: 20, idle: 30, write: 5, linger: 2)

    func makeMachine(limits: HTTPLimits = HTTPLimits(), now: UInt64 = 0) -> Machine {
        Machine(
            limits: limits, timeouts: timeouts,
            serializer: ResponseSerializer(serverName: "T", dateCache: HTTPDateCache(now: { 0 })),
            responder: TestResponder(), info: ConnectionInfo(remoteAddress: "127.0.0.1"), now: now)
    }

    /// Feeds text and processes it.
    func feed(_ machine: inout Machine, _ text: String, at now: UInt64) -> [Machine.Action] {
        let bytes = Array(text.utf8)
        var actions = bytes.withUnsafeBytes { machine.received($0, now: now) }
        actions += machine.process(now: now)
        return actions
    }

    /// The text of every `.send` action.
    func sent(_ actions: [Machine.Action]) -> [String] {
        actions.compactMap { if case .send(let bytes) = $0 { String(decoding: bytes, as: UTF8.self) } else { nil } }
    }

    /// Reports every queued byte as written.
    func drain(_ machine: inout Machine, _ actions: [Machine.Action], at now: UInt64) -> [Machine.Action] {
        let total = actions.reduce(0) { if case .send(let b) = $1 { $0 + b.count } else { $0 } }
        return total > 0 ? machine.wrote(total, now: now) : []
    }

    func testRequestIsHandedToTheResponderThenKeptAlive() {
        var machine = makeMachine()
        let actions = feed(&machine, "POST /a HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\n\r\nhi", at: 1)
        XCTAssertEqual(actions, [.respond(HTTPRequest(head: RequestHead(
            method: .post, target: "/a", headers: ["Host": "t", "Content-Length": "2"]), body: Array("hi".utf8)))])
        XCTAssertEqual(machine.phase, .responding)
        XCTAssertEqual(machine.deadline.kind, .none, "the responder's time is not bounded here")
        let answer = machine.responseReady(HTTPResponse(status: .ok), now: 2 * Self.second)
        XCTAssertEqual(sent(answer).count, 1)
        XCTAssertFalse(sent(answer)[0].contains("Connection"))
        XCTAssertEqual(machine.deadline.kind, .write)
        XCTAssertEqual(drain(&machine, answer, at: 2 * Self.second), [])
        XCTAssertEqual(machine.deadline.kind, .idle)
        XCTAssertEqual(machine.deadline.at, 32 * Self.second)
        XCTAssertEqual(machine.responseReady(HTTPResponse(status: .ok), now: 3), [], "a second answer is dropped")
    }

    func testHeaderDeadlineDoesNotMoveWithADrip() {
        var machine = makeMachine(now: 0)
        XCTAssertEqual(machine.deadline.kind, .header)
        XCTAssertEqual(machine.deadline.at, 10 * Self.second)
        for t in 1...9 {
            _ = feed(&machine, "G", at: UInt64(t) * Self.second)
        }
        XCTAssertEqual(machine.deadline.at, 10 * Self.second)
        let actions = machine.deadlinePassed(now: 10 * Self.second)
        XCTAssertTrue(sent(actions).first?.hasPrefix("HTTP/1.1 408 Request Timeout\r\n") ?? false)
        XCTAssertTrue(sent(actions).first?.contains("Connection: close\r\n") ?? false)
        XCTAssertEqual(machine.phase, .closing)
        XCTAssertEqual(drain(&machine, actions, at: 11 * Self.second), [.halfClose])
        XCTAssertEqual(machine.deadline.kind, .linger)
        XCTAssertEqual(machine.deadlinePassed(now: 13 * Self.second), [.close])
    }

    func testSilentNewConnectionIsClosedWithoutAnswer() {
        var machine = makeMachine(now: 5)
        XCTAssertEqual(machine.deadlinePassed(now: 5 + 10 * Self.second), [.close])
    }

    func testNextHeadDeadlineCountsFromItsFirstByteAfterIdle() {
        var machine = makeMachine()
        _ = feed(&machine, "GET / HTTP/1.1\r\nHost: t\r\n\r\n", at: 0)
        _ = drain(&machine, machine.responseReady(HTTPResponse(status: .ok), now: 0), at: 0)
        _ = feed(&machine, "GET / HT", at: 25 * Self.second)
        XCTAssertEqual(machine.deadline.kind, .header)
        XCTAssertEqual(machine.deadline.at, 35 * Self.second)
    }

    func testBodyDeadlineAnswers408() {
        var machine = makeMachine()
        _ = feed(&machine, "POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 9\r\n\r\nabc", at: Self.second)
        XCTAssertEqual(machine.deadline.kind, .body)
        XCTAssertEqual(machine.deadline.at, 21 * Self.second)
        XCTAssertTrue(sent(machine.deadlinePassed(now: 21 * Self.second)).first?.hasPrefix("HTTP/1.1 408") ?? false)
    }

    func testWriteDeadlineRestartsOnProgress() {
        var machine = makeMachine()
        _ = feed(&machine, "GET / HTTP/1.1\r\nHost: t\r\n\r\n", at: 0)
        let answer = machine.responseReady(HTTPResponse(status: .ok, body: [UInt8](repeating: 1, count: 100)), now: 0)
        XCTAssertEqual(machine.deadline.kind, .write)
        XCTAssertEqual(machine.deadline.at, 5 * Self.second)
        _ = machine.wrote(10, now: 4 * Self.second)
        XCTAssertEqual(machine.deadline.at, 9 * Self.second)
        XCTAssertEqual(machine.deadlinePassed(now: 9 * Self.second), [.close])
        XCTAssertEqual(sent(answer).count, 1)
    }

    func testFramingErrorIsAnsweredOnceThenInputIsDiscarded() {
        var machine = makeMachine()
        let actions = feed(&machine, "GET / HTTP/1.1\r\nHost: t\r\nContent-Length: x\r\n\r\nGET / HTTP/1.1\r\nHost: t\r\n\r\n", at: 0)
        XCTAssertEqual(sent(actions).count, 1)
        XCTAssertTrue(sent(actions)[0].hasPrefix("HTTP/1.1 400 Bad Request\r\n"))
        XCTAssertFalse(actions.contains { if case .respond = $0 { true } else { false } })
        _ = drain(&machine, actions, at: 0)
        XCTAssertEqual(feed(&machine, "more", at: 1), [], "lingering input is discarded")
        XCTAssertTrue(machine.wantsToRead, "reads on to drain while lingering")
        XCTAssertEqual(machine.inputDidEnd(), [.close])
    }

    func testExpectContinueOnlyWhenAcceptedAndWaiting() {
        var accepted = makeMachine()
        let go = feed(&accepted, "PUT /a HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n", at: 0)
        XCTAssertEqual(sent(go), ["HTTP/1.1 100 Continue\r\n\r\n"])

        var alreadySending = makeMachine()
        let noInterim = feed(&alreadySending, "PUT /a HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\nab", at: 0)
        XCTAssertEqual(sent(noInterim), [], "the body is already coming")

        var refused = makeMachine()
        let no = feed(&refused, "PUT /refuse HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n", at: 0)
        XCTAssertEqual(sent(no).count, 1)
        XCTAssertTrue(sent(no)[0].hasPrefix("HTTP/1.1 403 Forbidden\r\n"))
        XCTAssertTrue(sent(no)[0].contains("Connection: close\r\n"))
        XCTAssertEqual(refused.phase, .closing)

        var http10 = makeMachine()
        let ignored = feed(&http10, "PUT /a HTTP/1.0\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n", at: 0)
        XCTAssertEqual(sent(ignored), [], "RFC 9110 §10.1.1: ignored in HTTP/1.0")
    }

    func testShutdownClosesIdleAndDrainsBusy() {
        var idle = makeMachine()
        XCTAssertEqual(idle.beginShutdown(now: 0), [.close])

        var busy = makeMachine()
        _ = feed(&busy, "GET / HTTP/1.1\r\nHost: t\r\n\r\n", at: 0)
        XCTAssertEqual(busy.beginShutdown(now: 0), [])
        let answer = busy.responseReady(HTTPResponse(status: .ok), now: 0)
        XCTAssertTrue(sent(answer)[0].contains("Connection: close\r\n"))
        XCTAssertEqual(busy.phase, .closing)
    }

    func testInputEndAfterPipelinedRequestsAnswersThemThenCloses() {
        var machine = makeMachine()
        var actions = feed(&machine, "GET /1 HTTP/1.1\r\nHost: t\r\n\r\nGET /2 HTTP/1.1\r\nHost: t\r\n\r\n", at: 0)
        XCTAssertEqual(actions.count, 1)
        XCTAssertEqual(machine.inputDidEnd(), [])
        XCTAssertFalse(machine.wantsToRead)
        actions = machine.responseReady(HTTPResponse(status: .ok), now: 0) + machine.process(now: 0)
        XCTAssertEqual(actions.count, 2, "answer to /1, then /2 handed on")
        actions = machine.responseReady(HTTPResponse(status: .ok), now: 0) + machine.process(now: 0)
        XCTAssertEqual(sent(actions).count, 1)
        XCTAssertEqual(machine.phase, .closing, "nothing more can come: close after the answer")
        XCTAssertEqual(machine.wrote(machine.pendingOutput, now: 0), [.halfClose, .close], "input already ended: no linger")
    }

    func testOutputHighWaterPausesParsing() {
        var machine = makeMachine()
        _ = feed(&machine, "GET /1 HTTP/1.1\r\nHost: t\r\n\r\n", at: 0)
        _ = machine.responseReady(HTTPResponse(status: .ok, body: [UInt8](repeating: 0, count: Machine.outputHighWater)), now: 0)
        XCTAssertEqual(feed(&machine, "GET /2 HTTP/1.1\r\nHost: t\r\n\r\n", at: 0), [], "nothing parsed while the client lags")
        XCTAssertFalse(machine.wantsToRead)
        _ = machine.wrote(Machine.outputHighWater, now: 0)
        XCTAssertEqual(machine.process(now: 0).count, 1, "parsing resumes once output drains")
    }

    func testRefusalAtOnceAnswersThenLingers() {
        var machine = makeMachine()
        let actions = machine.refuseAtOnce(status: .serviceUnavailable, detail: "full", now: 0)
        XCTAssertTrue(sent(actions).first?.hasPrefix("HTTP/1.1 503 Service Unavailable\r\n") ?? false)
        XCTAssertTrue(sent(actions).first?.contains("application/problem+json") ?? false)
        XCTAssertEqual(machine.phase, .closing)
        XCTAssertEqual(drain(&machine, actions, at: 0), [.halfClose])
        XCTAssertEqual(feed(&machine, "GET / HTTP/1.1\r\nHost: t\r\n\r\n", at: 0), [], "a request sent anyway is discarded")
    }

    /// Random sequences of events (seeded, bounded) must keep the machine's promises: one request
    /// in flight at a time, nothing after `.close`, at most one half-close, output accounted.
    func testRandomEventSequencesKeepInvariants() {
        var random = SeededGenerator(seed: 0x5EED)
        let pieces = [
            "GET / HTTP/1.1\r\nHost: t\r\n\r\n", "POST /p HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n\r\nabc",
            "PUT /refuse HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\n\r\nxy", "GET /refuse HTTP/1.1\r\nHost: t\r\n\r\n",
            "POST /c HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab\r\n0\r\n\r\n",
            "GET / HTTP/1.0\r\n\r\n", "GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n",
            "PUT /e HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 1\r\n\r\n", "z",
            "GET / HTTP/1.1\r\n", "Host: t\r\n\r\n", "GET /%zz HTTP/1.1\r\nHost: t\r\n\r\n", "\r\n", "garbage\r\n\r\n",
        ]
        var seen = (responds: 0, closes: 0, halfCloses: 0)
        for round in 0..<400 {
            var machine = makeMachine(limits: HTTPLimits(maxRequestLineBytes: 64, maxHeaderBytes: 256, maxBodyBytes: 64))
            var now: UInt64 = 0
            var inFlight = false
            var closed = false
            var halfClosed = false
            var queued = 0
            for step in 0..<80 {
                now += UInt64.random(in: 0...(Self.second / 2), using: &random)
                var actions: [Machine.Action]
                // Weighted: mostly traffic, answers and writes; ends of input and shutdowns are rare.
                switch Int.random(in: 0..<60, using: &random) {
                case 0..<20:
                    let piece = Array(pieces.randomElement(using: &random)!.utf8)
                    actions = piece.withUnsafeBytes { machine.received($0, now: now) }
                case 20..<30:
                    actions = machine.process(now: now)
                case 30..<42:
                    let response = HTTPResponse(status: [.ok, .noContent, .notFound].randomElement(using: &random)!,
                                                headers: Bool.random(using: &random) ? ["Connection": "close"] : [:])
                    actions = machine.responseReady(response, now: now)
                    if !inFlight { XCTAssertEqual(actions, [], "an answer nobody asked for was sent (round \(round))") }
                    if inFlight && !actions.isEmpty { inFlight = false }
                case 42..<54:
                    let n = queued == 0 ? 0 : Int.random(in: 1...queued, using: &random)
                    actions = n > 0 ? machine.wrote(n, now: now) : []
                    queued -= n
                case 54..<58:
                    actions = machine.deadline.at <= now ? machine.deadlinePassed(now: now) : []
                case 58:
                    actions = machine.inputDidEnd()
                default:
                    actions = machine.beginShutdown(now: now)
                }
                for action in actions {
                    XCTAssertFalse(closed, "action \(action) after close (round \(round), step \(step))")
                    switch action {
                    case .send(let bytes): queued += bytes.count
                    case .respond:
                        seen.responds += 1
                        XCTAssertFalse(inFlight, "two requests in flight (round \(round), step \(step))")
                        inFlight = true
                    case .halfClose:
                        XCTAssertFalse(halfClosed, "half-closed twice (round \(round))")
                        halfClosed = true
                        seen.halfCloses += 1
                    case .close:
                        closed = true
                        seen.closes += 1
                    }
                }
                XCTAssertEqual(machine.pendingOutput, closed ? machine.pendingOutput : queued, "output accounting (round \(round))")
                if closed {
                    XCTAssertEqual(machine.phase, .closed)
                    XCTAssertFalse(machine.wantsToRead)
                    XCTAssertEqual(machine.deadline.kind, .none)
                    break
                }
                if machine.phase != .responding { XCTAssertNotEqual(machine.deadline.kind, .none, "no deadline while \(machine.phase)") }
            }
        }
        // The sequences must actually reach the interesting states for the checks to mean anything.
        XCTAssertGreaterThan(seen.responds, 200, "\(seen)")
        XCTAssertGreaterThan(seen.closes, 200, "\(seen)")
        XCTAssertGreaterThan(seen.halfCloses, 100, "\(seen)")
    }
}

/// A small deterministic generator (SplitMix64), so a failing random sequence can be replayed.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
