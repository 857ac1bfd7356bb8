import Foundation
import Logging
import XCTest
@testable import Transport

/// Real clients against the real server: curl and Python's http.client, run as subprocesses.
final class ClientInteropTests: XCTestCase {
    func testCurlLargePostUsesExpectContinue() throws {
        let curl = try executable("curl")
        let size = 1_500_000
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("transport-curl-\(getpid()).bin")
        try Data(repeating: 0x42, count: size).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        try withServer { _, port in
            let (status, out) = try run(curl, [
                "-sS", "-D", "-", "-o", "/dev/null", "--data-binary", "@\(file.path)",
                "-H", "Content-Type: application/octet-stream", "http://127.0.0.1:\(port)/upload",
            ])
            XCTAssertEqual(status, 0)
            // Headers of every response curl saw: the interim 100 and then the final 200.
            XCTAssertTrue(out.contains("HTTP/1.1 100 Continue"), out)
            XCTAssertTrue(out.contains("HTTP/1.1 200 OK"), out)
            XCTAssertTrue(out.lowercased().contains("x-body-length: \(size)"), out)
            XCTAssertTrue(out.lowercased().contains("x-expect: 100-continue"), out)
        }
    }

    func testCurlChunkedUpload() throws {
        let curl = try executable("curl")
        let text = (0..<20_000).map { "line \($0)\n" }.joined()
        let payload = Data(text.utf8)
        try withServer { _, port in
            // -T - reads stdin, whose length is unknown, so curl sends Transfer-Encoding: chunked.
            let (status, echoed) = try run(curl, ["-sS", "-T", "-", "http://127.0.0.1:\(port)/put"], stdin: payload)
            XCTAssertEqual(status, 0)
            XCTAssertEqual(echoed, text, "the echoed body is the uploaded one")
            let (status2, headers) = try run(curl, ["-sS", "-D", "-", "-o", "/dev/null", "-T", "-", "http://127.0.0.1:\(port)/put"], stdin: payload)
            XCTAssertEqual(status2, 0)
            XCTAssertTrue(headers.lowercased().contains("x-transfer-encoding: chunked"), headers)
            XCTAssertTrue(headers.lowercased().contains("x-body-length: \(payload.count)"), headers)
        }
    }

    func testPythonHTTPClientKeepAliveChunkedAndHead() throws {
        let python = try executable("python3")
        let script = """
            import http.client, json, sys
            port = int(sys.argv[1])
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            out = {}
            c.request("GET", "/first?a=1")
            r = c.getresponse(); r.read()
            out["first"] = [r.status, r.getheader("X-Path"), r.getheader("X-Connection-ID")]
            c.request("POST", "/chunked", body=iter([b"abc", b"defg"]), encode_chunked=True)
            r = c.getresponse(); body = r.read()
            out["chunked"] = [r.status, body.decode(), r.getheader("X-Transfer-Encoding"), r.getheader("X-Connection-ID")]
            c.request("HEAD", "/head")
            r = c.getresponse(); r.read()
            out["head"] = [r.status, r.getheader("Content-Length"), r.getheader("X-Connection-ID")]
            c.request("GET", "/last", headers={"Connection": "close"})
            r = c.getresponse(); r.read()
            out["last"] = [r.status, r.getheader("Connection"), r.getheader("X-Connection-ID")]
            print(json.dumps(out))
            """
        try withServer { _, port in
            let (status, out) = try run(python, ["-c", script, String(port)])
            XCTAssertEqual(status, 0, out)
            let result = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: [Any]], out)
            let first = try XCTUnwrap(result["first"])
            XCTAssertEqual(first[0] as? Int, 200)
            XCTAssertEqual(first[1] as? String, "/first")
            XCTAssertEqual(result["chunked"]?[0] as? Int, 200)
            XCTAssertEqual(result["chunked"]?[1] as? String, "abcdefg")
            XCTAssertEqual(result["chunked"]?[2] as? String, "chunked")
            XCTAssertEqual(result["head"]?[1] as? String, "0")
            XCTAssertEqual(result["last"]?[1] as? String, "close")
            // One connection carried all four requests.
            let ids = Set(["first", "chunked", "head", "last"].compactMap { result[$0]?.last as? String })
            XCTAssertEqual(ids.count, 1, "\(result)")
        }
    }

    func testIPv6LoopbackWithCurl() throws {
        let curl = try executable("curl")
        var configuration = testConfiguration()
        configuration.host = "::1"
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let server = HTTPServer(configuration: configuration, responder: TestResponder(), logger: logger)
        do {
            try server.start()
        } catch {
            throw XCTSkip("no IPv6 loopback here: \(error)")
        }
        defer {
            let done = expectation(description: "shutdown")
            server.shutdown(deadline: 1) { done.fulfill() }
            wait(for: [done], timeout: 5)
        }
        let (status, headers) = try run(curl, ["-sS", "-g", "-D", "-", "-o", "/dev/null", "http://[::1]:\(server.localPort)/six"])
        XCTAssertEqual(status, 0)
        XCTAssertTrue(headers.lowercased().contains("x-path: /six"), headers)
        XCTAssertTrue(headers.lowercased().contains("x-remote: ::1"), headers)
    }
}
