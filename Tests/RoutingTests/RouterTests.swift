import Deflate
import Foundation
import HTTP1
import Logging
import Routing
import XCTest

final class RouterTests: XCTestCase {
    private func makeRouter(trustedProxies: Set<String> = []) -> Router {
        var table = RouteTable()
        table.add(.get, "/healthz", sync: { _ in .json(Array(#"{"status":"ok"}"#.utf8)) })
        table.add(.get, "/items/:id", policy: RoutePolicy(cacheControl: "no-cache"), sync: { request in
            let id = try request.idParameter("id")
            return .json(Array("{\"id\":\(id),\"who\":\"\(request.clientAddress)\"}".utf8))
        })
        table.add(.get, "/big", async: { _ in
            .json(Array(("[" + Array(repeating: "\"the same words again\"", count: 200).joined(separator: ",") + "]").utf8))
        })
        table.add(.get, "/search", sync: { request in .text(request.queryValue("q") ?? "-") })
        table.add(.get, "/metrics", policy: RoutePolicy(cacheControl: "no-store"), sync: { _ in
            .text(String(repeating: "requests_total{route=\"/stories/:id\"} 42\n", count: 100))
        })
        table.add(.post, "/items", policy: RoutePolicy(requiresAuthorization: true, maxBodyBytes: 100, acceptedContentTypes: ["text/plain"]), async: { request in
            HTTPResponse(status: .created, headers: ["Location": "/items/1"], body: request.body)
        })
        table.add(.get, "/boom", sync: { _ in throw CocoaError(.fileNoSuchFile) })
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        return Router(routes: table, authorizer: BearerTokenAuthorizer(tokens: ["s3cret", "other"]),
                      options: RouterOptions(trustedProxies: trustedProxies), logger: logger)
    }

    private func send(_ router: Router, _ method: HTTPMethod, _ target: String, headers: HTTPHeaders = [:], body: [UInt8] = [],
                      peer: String = "127.0.0.1") -> HTTPResponse {
        let head = RequestHead(method: method, target: target, headers: headers)
        let connection = ConnectionInfo(remoteAddress: peer)
        if let early = router.precheck(head, connection: connection) { return early }
        let done = expectation(description: "response")
        let box = ResponseBox()
        router.respond(to: HTTPRequest(head: head, body: body), connection: connection) { response in
            box.response = response
            done.fulfill()
        }
        wait(for: [done], timeout: 10)
        return box.response!
    }

    private func json(_ response: HTTPResponse) throws -> [String: Any] {
        try XCTUnwrap(JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
    }

    func testMatchesPathParameters() throws {
        let response = send(makeRouter(), .get, "/items/42")
        XCTAssertEqual(response.status.code, 200)
        XCTAssertEqual(response.headers["Content-Type"], "application/json")
        XCTAssertEqual(try json(response)["id"] as? Int, 42)
        XCTAssertEqual(response.headers["Cache-Control"], "no-cache")
    }

    func testUnknownPathIs404Problem() throws {
        let response = send(makeRouter(), .get, "/nothing/here")
        XCTAssertEqual(response.status.code, 404)
        XCTAssertEqual(response.headers["Content-Type"], "application/problem+json")
        let problem = try json(response)
        XCTAssertEqual(problem["status"] as? Int, 404)
        XCTAssertEqual(problem["title"] as? String, "Not Found")
        XCTAssertEqual(problem["type"] as? String, "about:blank")
        XCTAssertTrue((problem["detail"] as? String)?.contains("/nothing/here") == true)
    }

    func testBadIdNamesTheParameter() throws {
        for bad in ["abc", "0", "-1", "+1", "99999999999999999999"] {
            let response = send(makeRouter(), .get, "/items/\(bad)")
            XCTAssertEqual(response.status.code, 400, bad)
            XCTAssertEqual(try json(response)["parameter"] as? String, "id")
        }
    }

    func testWrongMethodIs405WithAllow() throws {
        let response = send(makeRouter(), .delete, "/items")
        XCTAssertEqual(response.status.code, 405)
        XCTAssertEqual(response.headers["Allow"], "POST, OPTIONS")
    }

    func testOptionsListsMethods() {
        let response = send(makeRouter(), .options, "/items/7")
        XCTAssertEqual(response.status.code, 204)
        XCTAssertEqual(response.headers["Allow"], "GET, HEAD, OPTIONS")
        XCTAssertTrue(response.body.isEmpty)
    }

    func testUnknownMethodIs501() {
        XCTAssertEqual(send(makeRouter(), HTTPMethod("BREW"), "/items/7").status.code, 501)
    }

    func testHeadUsesTheGetRoute() {
        let response = send(makeRouter(), .head, "/items/7")
        XCTAssertEqual(response.status.code, 200)
        XCTAssertNotNil(response.headers["ETag"])
    }

    func testWritesNeedABearerToken() throws {
        let router = makeRouter()
        let missing = send(router, .post, "/items", headers: ["Content-Type": "text/plain", "Content-Length": "2"], body: Array("hi".utf8))
        XCTAssertEqual(missing.status.code, 401)
        XCTAssertEqual(missing.headers["WWW-Authenticate"], "Bearer realm=\"storyarchive\"")
        let wrong = send(router, .post, "/items", headers: ["Authorization": "Bearer s3cre", "Content-Type": "text/plain"])
        XCTAssertEqual(wrong.status.code, 401)
        XCTAssertTrue(wrong.headers["WWW-Authenticate"]?.contains("invalid_token") == true)
        let basic = send(router, .post, "/items", headers: ["Authorization": "Basic czNjcmV0", "Content-Type": "text/plain"])
        XCTAssertEqual(basic.status.code, 401)
        let ok = send(router, .post, "/items", headers: ["Authorization": "Bearer other", "Content-Type": "text/plain; charset=utf-8", "Content-Length": "2"], body: Array("hi".utf8))
        XCTAssertEqual(ok.status.code, 201)
        XCTAssertEqual(ok.body, Array("hi".utf8))
    }

    func testPrecheckRefusesLargeBodiesAndWrongTypesBeforeTheBody() throws {
        let router = makeRouter()
        let large = RequestHead(method: .post, target: "/items", headers: ["Authorization": "Bearer s3cret", "Content-Type": "text/plain", "Content-Length": "101"])
        XCTAssertEqual(router.precheck(large, connection: ConnectionInfo(remoteAddress: "::1"))?.status.code, 413)
        let json = RequestHead(method: .post, target: "/items", headers: ["Authorization": "Bearer s3cret", "Content-Type": "application/json", "Content-Length": "2"])
        let refused = try XCTUnwrap(router.precheck(json, connection: ConnectionInfo(remoteAddress: "::1")))
        XCTAssertEqual(refused.status.code, 415)
        XCTAssertEqual(refused.headers["Accept-Post"], "text/plain")
        let fine = RequestHead(method: .post, target: "/items", headers: ["Authorization": "Bearer s3cret", "Content-Type": "text/plain", "Content-Length": "100"])
        XCTAssertNil(router.precheck(fine, connection: ConnectionInfo(remoteAddress: "::1")))
    }

    func testETagAndIfNoneMatch() {
        let router = makeRouter()
        let first = send(router, .get, "/items/5")
        let tag = first.headers["ETag"]
        XCTAssertNotNil(tag)
        XCTAssertEqual(send(router, .get, "/items/5").headers["ETag"], tag, "same data, same tag")
        XCTAssertNotEqual(send(router, .get, "/items/6").headers["ETag"], tag)
        let cached = send(router, .get, "/items/5", headers: ["If-None-Match": "\"other\", \(tag!)"])
        XCTAssertEqual(cached.status.code, 304)
        XCTAssertTrue(cached.body.isEmpty)
        XCTAssertEqual(cached.headers["ETag"], tag)
        XCTAssertEqual(send(router, .get, "/items/5", headers: ["If-None-Match": "W/\(tag!)"]).status.code, 304)
        XCTAssertEqual(send(router, .get, "/items/5", headers: ["If-None-Match": "\"nope\""]).status.code, 200)
    }

    func testGzipWhenAcceptedAndWorthIt() throws {
        let router = makeRouter()
        let plain = send(router, .get, "/big")
        XCTAssertNil(plain.headers["Content-Encoding"])
        XCTAssertEqual(plain.headers["Vary"], "Accept-Encoding")
        let zipped = send(router, .get, "/big", headers: ["Accept-Encoding": "br;q=1, gzip;q=0.5"])
        XCTAssertEqual(zipped.headers["Content-Encoding"], "gzip")
        XCTAssertLessThan(zipped.body.count, plain.body.count / 4)
        XCTAssertEqual(try Deflate.gunzip(zipped.body, limit: 1 << 20), plain.body)
        XCTAssertNotEqual(zipped.headers["ETag"], plain.headers["ETag"], "each variant has its own strong tag")
        XCTAssertNil(send(router, .get, "/big", headers: ["Accept-Encoding": "gzip;q=0"]).headers["Content-Encoding"])
        XCTAssertNil(send(router, .get, "/healthz", headers: ["Accept-Encoding": "gzip"]).headers["Content-Encoding"], "tiny bodies stay plain")
        let revalidated = send(router, .get, "/big", headers: ["Accept-Encoding": "gzip", "If-None-Match": zipped.headers["ETag"]!])
        XCTAssertEqual(revalidated.status.code, 304)
    }

    /// no-store responses (metrics, health) carry no validator, yet are still compressed for a
    /// client that asks: a Prometheus scraper sends Accept-Encoding: gzip.
    func testNoStoreResponsesHaveNoETagButAreStillCompressed() throws {
        let router = makeRouter()
        let plain = send(router, .get, "/metrics")
        XCTAssertEqual(plain.headers["Cache-Control"], "no-store")
        XCTAssertNil(plain.headers["ETag"])
        let zipped = send(router, .get, "/metrics", headers: ["Accept-Encoding": "gzip"])
        XCTAssertEqual(zipped.headers["Content-Encoding"], "gzip")
        XCTAssertEqual(zipped.headers["Vary"], "Accept-Encoding")
        XCTAssertNil(zipped.headers["ETag"])
        XCTAssertEqual(try Deflate.gunzip(zipped.body, limit: 1 << 20), plain.body)
    }

    func testUnexpectedErrorsAre500ProblemsWithTheRequestID() throws {
        let response = send(makeRouter(), .get, "/boom", headers: ["X-Request-ID": "abc-123"])
        XCTAssertEqual(response.status.code, 500)
        XCTAssertEqual(response.headers["X-Request-ID"], "abc-123")
        XCTAssertTrue((try json(response)["detail"] as? String)?.contains("abc-123") == true)
    }

    func testRequestIDIsGeneratedWhenMissingOrUnsafe() {
        let router = makeRouter()
        let a = send(router, .get, "/healthz").headers["X-Request-ID"]
        let b = send(router, .get, "/healthz").headers["X-Request-ID"]
        XCTAssertNotNil(a)
        XCTAssertNotEqual(a, b)
        let forged = send(router, .get, "/healthz", headers: ["X-Request-ID": "x\" status=200"]).headers["X-Request-ID"]
        XCTAssertNotEqual(forged, "x\" status=200")
    }

    func testQueryIsDecoded() {
        let router = makeRouter()
        XCTAssertEqual(String(decoding: send(router, .get, "/search?q=caf%C3%A9+au+lait").body, as: UTF8.self), "café au lait")
        XCTAssertEqual(send(router, .get, "/search?q=%zz").status.code, 400)
    }

    func testForwardedForIsBelievedOnlyFromTrustedProxies() throws {
        let direct = send(makeRouter(), .get, "/items/1", headers: ["X-Forwarded-For": "203.0.113.9"], peer: "127.0.0.1")
        XCTAssertEqual(try json(direct)["who"] as? String, "127.0.0.1")
        let router = makeRouter(trustedProxies: ["127.0.0.1"])
        let proxied = send(router, .get, "/items/1", headers: ["X-Forwarded-For": "198.51.100.7, 203.0.113.9"], peer: "127.0.0.1")
        XCTAssertEqual(try json(proxied)["who"] as? String, "203.0.113.9")
        let forwarded = send(router, .get, "/items/1", headers: ["Forwarded": "for=\"[2001:db8::1]:4711\";proto=http"], peer: "127.0.0.1")
        XCTAssertEqual(try json(forwarded)["who"] as? String, "2001:db8::1")
    }
}

/// Carries a response out of a completion handler in tests.
final class ResponseBox: @unchecked Sendable {
    var response: HTTPResponse?
}
