import Deflate
import HTTP1
import Logging
import Routing
import Synchronization
import XCTest

final class ResponseCacheTests: XCTestCase {
    /// A route whose handler counts its calls, behind a router with a cache on a settable generation.
    /// What the handler and the generation read, shared with the test.
    private final class State: Sendable {
        let calls = Atomic<Int>(0)
        let generation = Atomic<UInt64>(1)
        let body = Mutex("first")
    }

    private final class Fixture: Sendable {
        let state = State()
        let router: Router
        let cache: ResponseCache

        init() {
            let state = self.state
            cache = ResponseCache { state.generation.load(ordering: .relaxed) }
            var table = RouteTable()
            table.add(.get, "/things/:id", policy: RoutePolicy(cacheControl: "no-cache", cacheable: true), async: { request in
                state.calls.add(1, ordering: .relaxed)
                let text = state.body.withLock { $0 } + " " + (request.parameters["id"] ?? "") + String(repeating: " padding", count: 200)
                return .json(Array("{\"text\":\"\(text)\"}".utf8))
            })
            var logger = Logger(label: "test")
            logger.logLevel = .critical
            router = Router(routes: table, authorizer: BearerTokenAuthorizer(tokens: []), cache: cache, logger: logger)
        }

        func get(_ target: String, headers: HTTPHeaders = [:], test: XCTestCase) -> HTTPResponse {
            let done = test.expectation(description: target)
            let box = ResponseBox()
            router.respond(to: HTTPRequest(head: RequestHead(method: .get, target: target, headers: headers)),
                           connection: ConnectionInfo(remoteAddress: "::1")) { response in
                box.response = response
                done.fulfill()
            }
            test.wait(for: [done], timeout: 10)
            return box.response!
        }
    }

    func testRepeatedReadsAreServedWithoutTheHandler() throws {
        let f = Fixture()
        let first = f.get("/things/1", test: self)
        let second = f.get("/things/1", test: self)
        XCTAssertEqual(f.state.calls.load(ordering: .relaxed), 1)
        XCTAssertEqual(second.body, first.body)
        XCTAssertEqual(second.headers["ETag"], first.headers["ETag"])
        XCTAssertEqual(second.headers["Cache-Control"], "no-cache")
        XCTAssertNotEqual(second.headers["X-Request-ID"], first.headers["X-Request-ID"], "each response still has its own id")
        _ = f.get("/things/2", test: self)
        _ = f.get("/things/1?x=1", test: self)
        XCTAssertEqual(f.state.calls.load(ordering: .relaxed), 3, "the query is part of the key")
    }

    func testANewGenerationDropsEverything() throws {
        let f = Fixture()
        _ = f.get("/things/1", test: self)
        f.state.body.withLock { $0 = "second" }
        XCTAssertTrue(String(decoding: f.get("/things/1", test: self).body, as: UTF8.self).contains("first"), "still the cached one")
        f.state.generation.add(1, ordering: .relaxed)
        XCTAssertTrue(String(decoding: f.get("/things/1", test: self).body, as: UTF8.self).contains("second"))
        XCTAssertEqual(f.state.calls.load(ordering: .relaxed), 2)
    }

    func testConditionalAndGzipVariantsComeFromTheCache() throws {
        let f = Fixture()
        let plain = f.get("/things/1", test: self)
        let tag = try XCTUnwrap(plain.headers["ETag"])
        let zipped = f.get("/things/1", headers: ["Accept-Encoding": "gzip"], test: self)
        XCTAssertEqual(zipped.headers["Content-Encoding"], "gzip")
        XCTAssertEqual(try Deflate.gunzip(zipped.body, limit: 1 << 20), plain.body)
        XCTAssertNotEqual(zipped.headers["ETag"], tag)
        XCTAssertEqual(f.get("/things/1", headers: ["If-None-Match": tag], test: self).status.code, 304)
        XCTAssertEqual(f.state.calls.load(ordering: .relaxed), 1)
    }

    /// The gzip form made for the request that filled the entry is kept with it, so a later gzip
    /// request (answered on an I/O loop) does not have to compress again.
    func testTheGzipFormMadeWhenStoringIsKept() throws {
        let zippedFirst = Fixture()
        let first = zippedFirst.get("/things/1", headers: ["Accept-Encoding": "gzip"], test: self)
        XCTAssertEqual(first.headers["Content-Encoding"], "gzip")
        let bytesWithGzip = zippedFirst.cache.bytes
        let again = zippedFirst.get("/things/1", headers: ["Accept-Encoding": "gzip"], test: self)
        XCTAssertEqual(again.body, first.body)
        XCTAssertEqual(zippedFirst.cache.bytes, bytesWithGzip, "nothing was added by the second gzip request")

        let plainFirst = Fixture()
        _ = plainFirst.get("/things/1", test: self)
        XCTAssertEqual(bytesWithGzip - plainFirst.cache.bytes, first.body.count, "the entry holds the gzip body too")
    }

    func testAResponseComputedAcrossAChangeIsNotKept() throws {
        let state = State()
        let cache = ResponseCache { state.generation.load(ordering: .relaxed) }
        var table = RouteTable()
        table.add(.get, "/slow", policy: RoutePolicy(cacheable: true), async: { _ in
            state.calls.add(1, ordering: .relaxed)
            state.generation.add(1, ordering: .relaxed)  // a write lands while this read runs
            return .text("read before the write")
        })
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let router = Router(routes: table, authorizer: BearerTokenAuthorizer(tokens: []), cache: cache, logger: logger)
        for _ in 0..<2 {
            let done = expectation(description: "slow")
            router.respond(to: HTTPRequest(head: RequestHead(method: .get, target: "/slow")), connection: ConnectionInfo(remoteAddress: "::1")) { _ in
                done.fulfill()
            }
            wait(for: [done], timeout: 10)
        }
        XCTAssertEqual(state.calls.load(ordering: .relaxed), 2, "the first response was not cached")
        XCTAssertEqual(cache.count, 0)
    }
}

final class ResponseCacheEvictionTests: XCTestCase {
    /// A full cache drops some entries to make room, not all of them.
    func testAFullCacheKeepsMostOfWhatItHeld() throws {
        var table = RouteTable()
        table.add(.get, "/n/:id", policy: RoutePolicy(cacheable: true), sync: { request in
            .text("value " + (request.parameters["id"] ?? ""))
        })
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let cache = ResponseCache(capacity: 64) { 1 }
        let router = Router(routes: table, authorizer: BearerTokenAuthorizer(tokens: []), cache: cache, logger: logger)
        for id in 0..<200 {
            let done = expectation(description: "\(id)")
            router.respond(to: HTTPRequest(head: RequestHead(method: .get, target: "/n/\(id)")), connection: ConnectionInfo(remoteAddress: "::1")) { response in
                XCTAssertEqual(String(decoding: response.body, as: UTF8.self), "value \(id)")
                done.fulfill()
            }
            wait(for: [done], timeout: 5)
            XCTAssertLessThanOrEqual(cache.count, 64)
        }
        XCTAssertGreaterThan(cache.count, 60, "eviction drops what it must, not everything")
    }

    /// Entries asked for again survive a stream of one-off reads that overflows the cache.
    func testEntriesInUseOutliveOneOffReads() throws {
        let computed = Mutex([String: Int]())
        var table = RouteTable()
        table.add(.get, "/n/:id", policy: RoutePolicy(cacheable: true), sync: { request in
            let id = request.parameters["id"] ?? ""
            computed.withLock { $0[id, default: 0] += 1 }
            return .text("value " + id)
        })
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let cache = ResponseCache(capacity: 64) { 1 }
        let router = Router(routes: table, authorizer: BearerTokenAuthorizer(tokens: []), cache: cache, logger: logger)
        func get(_ id: String) {
            let done = expectation(description: id)
            router.respond(to: HTTPRequest(head: RequestHead(method: .get, target: "/n/\(id)")), connection: ConnectionInfo(remoteAddress: "::1")) { response in
                XCTAssertEqual(String(decoding: response.body, as: UTF8.self), "value \(id)")
                done.fulfill()
            }
            wait(for: [done], timeout: 5)
        }
        let hot = (0..<8).map { "hot\($0)" }
        for round in 0..<1000 {
            get(hot[round % hot.count])
            get("cold\(round)")
        }
        XCTAssertLessThanOrEqual(cache.count, 64)
        // Each hot entry was asked for 125 times among 1,000 one-off reads that overflowed the
        // cache 15 times over: computed once, answered from the cache ever after.
        XCTAssertEqual(computed.withLock { state in hot.map { state[$0] ?? 0 } }, Array(repeating: 1, count: hot.count))
    }
}

/// Requests for one target that miss the cache while its response is being computed wait for
/// that computation instead of repeating it.
final class ResponseCacheSingleFlightTests: XCTestCase {
    private final class Gate: Sendable {
        let open = Atomic<Bool>(false)
        let calls = Atomic<Int>(0)
        let failFirst: Bool

        init(failFirst: Bool = false) { self.failFirst = failFirst }

        /// Returns once the test opens the gate (polled, so nothing here depends on timing).
        func pass() async {
            while !open.load(ordering: .acquiring) { try? await Task.sleep(for: .milliseconds(2)) }
        }
    }

    private func router(_ gate: Gate, cache: ResponseCache) -> Router {
        var table = RouteTable()
        table.add(.get, "/slow/:id", policy: RoutePolicy(cacheable: true), async: { request in
            let call = gate.calls.add(1, ordering: .relaxed).newValue
            await gate.pass()
            if gate.failFirst && call == 1 { throw HTTPError(.notFound, detail: "not yet") }
            return .json(Array("{\"id\":\"\(request.parameters["id"] ?? "")\"}".utf8))
        })
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        return Router(routes: table, authorizer: BearerTokenAuthorizer(tokens: []), cache: cache, logger: logger)
    }

    /// Sends `count` requests for `target` before opening the gate; returns the responses.
    private func concurrentGets(_ target: String, count: Int, router: Router, gate: Gate) -> [HTTPResponse] {
        let responses = Mutex([HTTPResponse]())
        let done = expectation(description: "all answered")
        done.expectedFulfillmentCount = count
        for _ in 0..<count {
            router.respond(to: HTTPRequest(head: RequestHead(method: .get, target: target)), connection: ConnectionInfo(remoteAddress: "::1")) { response in
                responses.withLock { $0.append(response) }
                done.fulfill()
            }
        }
        gate.open.store(true, ordering: .releasing)
        wait(for: [done], timeout: 20)
        return responses.withLock { $0 }
    }

    func testConcurrentMissesOfOneTargetRunTheHandlerOnce() {
        let gate = Gate()
        let cache = ResponseCache { 1 }
        let responses = concurrentGets("/slow/7", count: 8, router: router(gate, cache: cache), gate: gate)
        XCTAssertEqual(gate.calls.load(ordering: .relaxed), 1, "one computation for eight requests")
        XCTAssertEqual(responses.map(\.status.code), Array(repeating: 200, count: 8))
        XCTAssertEqual(Set(responses.map { String(decoding: $0.body, as: UTF8.self) }), ["{\"id\":\"7\"}"])
        XCTAssertEqual(Set(responses.compactMap { $0.headers["X-Request-ID"] }).count, 8, "each keeps its own request id")
        XCTAssertEqual(cache.count, 1)
    }

    /// When the computation they waited for is not kept (here a 404), each waiting request runs the handler itself.
    func testWaitersComputeTheirOwnWhenTheFirstResponseIsNotKept() {
        let gate = Gate(failFirst: true)
        let cache = ResponseCache { 1 }
        let responses = concurrentGets("/slow/8", count: 5, router: router(gate, cache: cache), gate: gate)
        XCTAssertEqual(responses.map(\.status.code).sorted(), [200, 200, 200, 200, 404])
        XCTAssertGreaterThanOrEqual(gate.calls.load(ordering: .relaxed), 2)
    }

    func testTheByteBudgetBoundsWhatIsKept() {
        let gate = Gate()
        gate.open.store(true, ordering: .releasing)
        let cache = ResponseCache(byteBudget: 64 << 10) { 1 }
        let router = router(gate, cache: cache)
        for id in 0..<400 {
            let done = expectation(description: "\(id)")
            router.respond(to: HTTPRequest(head: RequestHead(method: .get, target: "/slow/\(id)")), connection: ConnectionInfo(remoteAddress: "::1")) { _ in
                done.fulfill()
            }
            wait(for: [done], timeout: 10)
            XCTAssertLessThanOrEqual(cache.bytes, 64 << 10)
        }
        // Each entry costs its body, key and headers plus a fixed allowance: about a kilobyte here.
        XCTAssertGreaterThan(cache.count, 32)
        XCTAssertLessThan(cache.count, 80)
    }
}
