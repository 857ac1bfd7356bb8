import XCTest
@testable import HTTP1

final class ResponseSerializerTests: XCTestCase {
    let serializer = ResponseSerializer(serverName: "StoryArchive", dateCache: HTTPDateCache(now: { 784_111_777 }))

    func text(_ response: HTTPResponse, method: HTTPMethod? = .get, version: HTTPVersion = .http1_1, keepAlive: Bool = true) -> String {
        String(decoding: serializer.serialize(response, requestMethod: method, requestVersion: version, keepAlive: keepAlive), as: UTF8.self)
    }

    func testDateFormatting() {
        XCTAssertEqual(HTTPDate.format(secondsSince1970: 784_111_777), "Sun, 06 Nov 1994 08:49:37 GMT")
        XCTAssertEqual(HTTPDate.format(secondsSince1970: 0), "Thu, 01 Jan 1970 00:00:00 GMT")
        XCTAssertEqual(HTTPDate.format(secondsSince1970: 951_782_400), "Tue, 29 Feb 2000 00:00:00 GMT")
        XCTAssertEqual(HTTPDate.format(secondsSince1970: 1_798_761_599), "Thu, 31 Dec 2026 23:59:59 GMT")
    }

    func testOkResponseWithBody() {
        let response = HTTPResponse(status: .ok, headers: ["Content-Type": "text/plain"], body: Array("hi".utf8))
        XCTAssertEqual(
            text(response),
            "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\nServer: StoryArchive\r\nContent-Length: 2\r\n\r\nhi")
    }

    func testCloseAndKeepAliveHeaders() {
        let response = HTTPResponse(status: .ok)
        XCTAssertTrue(text(response, keepAlive: false).contains("\r\nConnection: close\r\n"))
        XCTAssertTrue(text(response, version: .http1_0, keepAlive: true).contains("\r\nConnection: keep-alive\r\n"))
        XCTAssertFalse(text(response, keepAlive: true).contains("Connection"))
    }

    func testHandlerFramingHeadersAreReplaced() {
        let response = HTTPResponse(
            status: .ok, headers: ["Content-Length": "99", "Transfer-Encoding": "chunked", "Connection": "upgrade"],
            body: Array("abc".utf8))
        let out = text(response)
        XCTAssertTrue(out.contains("Content-Length: 3\r\n"))
        XCTAssertFalse(out.contains("Content-Length: 99"))
        XCTAssertFalse(out.contains("chunked"))
        XCTAssertFalse(out.contains("upgrade"))
    }

    func testNoBodyStatusesAndHead() {
        let body = Array("body".utf8)
        let noContent = text(HTTPResponse(status: .noContent, body: body))
        XCTAssertFalse(noContent.contains("Content-Length"))
        XCTAssertTrue(noContent.hasSuffix("\r\n\r\n"))
        let notModified = text(HTTPResponse(status: .notModified, body: body))
        XCTAssertTrue(notModified.hasSuffix("\r\n\r\n"))
        let head = text(HTTPResponse(status: .ok, body: body), method: .head)
        XCTAssertTrue(head.contains("Content-Length: 4\r\n"), "HEAD keeps GET's length")
        XCTAssertTrue(head.hasSuffix("\r\n\r\n"))
        let headExplicit = text(HTTPResponse(status: .ok, headers: ["Content-Length": "42"]), method: .head)
        XCTAssertTrue(headExplicit.contains("Content-Length: 42\r\n"))
    }

    func testHeaderInjectionIsNeutralised() {
        let out = text(HTTPResponse(status: .ok, headers: ["X-Echo": "a\r\nSet-Cookie: evil"]))
        XCTAssertTrue(out.contains("X-Echo: aSet-Cookie: evil\r\n"))
    }

    func testKeepAlivePolicy() {
        let h11 = RequestHead(method: .get, target: "/", headers: ["Host": "x"])
        let h10 = RequestHead(method: .get, target: "/", version: .http1_0)
        let h10ka = RequestHead(method: .get, target: "/", version: .http1_0, headers: ["Connection": "Keep-Alive"])
        let h11close = RequestHead(method: .get, target: "/", headers: ["Host": "x", "Connection": "close"])
        let ok = HTTPResponse(status: .ok)
        XCTAssertTrue(KeepAlivePolicy.shouldKeepAlive(request: h11, response: ok))
        XCTAssertFalse(KeepAlivePolicy.shouldKeepAlive(request: h10, response: ok))
        XCTAssertTrue(KeepAlivePolicy.shouldKeepAlive(request: h10ka, response: ok))
        XCTAssertFalse(KeepAlivePolicy.shouldKeepAlive(request: h11close, response: ok))
        XCTAssertFalse(KeepAlivePolicy.shouldKeepAlive(request: h11, response: ok, draining: true))
        XCTAssertFalse(KeepAlivePolicy.shouldKeepAlive(request: h11, response: HTTPResponse(status: .ok, headers: ["Connection": "close"])))
    }
}
