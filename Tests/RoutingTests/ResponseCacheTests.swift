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
        XCTAssertGreaterThan(cache.count, 48, "eviction drops about an eighth, not everything")
    }
}
