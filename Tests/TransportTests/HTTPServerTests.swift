import Dispatch
import Foundation
import Glibc
import HTTP1
import Logging
import XCTest
@testable import Transport

final class HTTPServerTests: XCTestCase {
    func testKeepAliveServesSeveralRequestsOnOneConnection() throws {
        try withServer { server, port in
            let client = try RawClient(port: port)
            client.send("POST /echo?x=1 HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhello")
            let first = try XCTUnwrap(client.readResponse())
            XCTAssertEqual(first.statusLine, "HTTP/1.1 200 OK")
            XCTAssertEqual(first.text, "hello")
            XCTAssertEqual(first.headers["X-Method"], "POST")
            XCTAssertEqual(first.headers["X-Path"], "/echo")
            XCTAssertEqual(first.headers["X-Query"], "x=1")
            XCTAssertEqual(first.headers["Content-Length"], "5")
            XCTAssertEqual(first.headers["Server"], "StoryArchive")
            XCTAssertTrue(first.headers["Date"]?.hasSuffix(" GMT") ?? false)
            XCTAssertNil(first.headers["Connection"])
            client.send("GET /again HTTP/1.1\r\nHost: t\r\n\r\n")
            let second = try XCTUnwrap(client.readResponse())
            XCTAssertEqual(second.headers["X-Path"], "/again")
            XCTAssertEqual(server.openConnectionCount, 1)
        }
    }

    func testPipelinedRequestsAreAnsweredInOrder() throws {
        for (_, configuration) in everyResponsePlacement {
            try pipelinedRequestsAreAnsweredInOrder(configuration)
        }
    }

    func pipelinedRequestsAreAnsweredInOrder(_ configuration: ServerConfiguration) throws {
        try withServer(configuration) { _, port in
            let client = try RawClient(port: port)
            client.send(
                "GET /1 HTTP/1.1\r\nHost: t\r\n\r\nPOST /2 HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n\r\nabc"
                    + "GET /async HTTP/1.1\r\nHost: t\r\n\r\nHEAD /4 HTTP/1.1\r\nHost: t\r\n\r\n"
                    + "POST /5 HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nxy\r\n0\r\n\r\n"
                    + "GET /6 HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
            let paths = (0..<6).compactMap { i in client.readResponse(bodyless: i == 3)?.headers["X-Path"] }
            XCTAssertEqual(paths, ["/1", "/2", "/async", "/4", "/5", "/6"])
            XCTAssertTrue(client.isClosedByPeer())
        }
    }

    /// Regression: answered in place, the answers to buffered pipelined requests passed the output
    /// high-water mark; once a fast reader had taken them, nothing parsed the requests still buffered,
    /// and the head deadline answered 408 although every head had arrived at the start.
    func testPipelinedAnswersBeyondTheOutputHighWaterMarkAreAllSent() throws {
        for (inline, configuration) in everyResponsePlacement {
            try withServer(configuration) { _, port in
                let client = try RawClient(port: port)
                let count = 40  // 40 × 64 KiB = 2.5 MiB of answers
                client.send(String(repeating: "GET /medium HTTP/1.1\r\nHost: t\r\n\r\n", count: count))
                var statuses: [Int] = []
                while statuses.count < count, let response = client.readResponse() {
                    statuses.append(response.code)
                    XCTAssertEqual(response.body.count, 64 << 10)
                }
                XCTAssertEqual(statuses, Array(repeating: 200, count: count), "responses \(inline)")
            }
        }
    }

    func testThousandsOfPipelinedRequestsAreAllAnsweredInOrder() throws {
        for (inline, configuration) in everyResponsePlacement {
            try withServer(configuration) { _, port in
                let client = try RawClient(port: port)
                let count = 3000
                client.send((0..<count).map { "GET /\($0) HTTP/1.1\r\nHost: t\r\n\r\n" }.joined())
                var answered = 0
                while answered < count, let response = client.readResponse(), response.headers["X-Path"] == "/\(answered)" {
                    answered += 1
                }
                XCTAssertEqual(answered, count, "responses \(inline)")
            }
        }
    }

    func testConnectionCloseIsAnsweredWithCloseThenClosed() throws {
        try withServer { server, port in
            let client = try RawClient(port: port)
            client.send("GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
            let response = try XCTUnwrap(client.readResponse())
            XCTAssertEqual(response.code, 200)
            XCTAssertEqual(response.headers["Connection"], "close")
            XCTAssertTrue(client.isClosedByPeer())
            XCTAssertTrue(eventually { server.openConnectionCount == 0 }, "descriptor released")
        }
    }

    func testResponderAskingToCloseClosesTheConnection() throws {
        try withServer { _, port in
            let client = try RawClient(port: port)
            client.send("GET /close HTTP/1.1\r\nHost: t\r\n\r\n")
            let response = try XCTUnwrap(client.readResponse())
            XCTAssertEqual(response.headers["Connection"], "close")
            XCTAssertEqual(response.text, "bye")
            XCTAssertTrue(client.isClosedByPeer())
        }
    }

    func testHTTP10ClosesUnlessKeepAliveIsAsked() throws {
        try withServer { _, port in
            let plain = try RawClient(port: port)
            plain.send("GET /a HTTP/1.0\r\n\r\n")
            let first = try XCTUnwrap(plain.readResponse())
            XCTAssertEqual(first.statusLine, "HTTP/1.1 200 OK")
            XCTAssertEqual(first.headers["Connection"], "close")
            XCTAssertTrue(plain.isClosedByPeer())

            let keep = try RawClient(port: port)
            keep.send("GET /b HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
            let kept = try XCTUnwrap(keep.readResponse())
            XCTAssertEqual(kept.headers["Connection"], "keep-alive")
            keep.send("GET /c HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
            XCTAssertEqual(keep.readResponse()?.headers["X-Path"], "/c")
        }
    }

    func testHTTP12IsServedAs11() throws {
        try withServer { _, port in
            let client = try RawClient(port: port)
            client.send("GET / HTTP/1.2\r\nHost: t\r\n\r\n")
            let response = try XCTUnwrap(client.readResponse())
            XCTAssertEqual(response.statusLine, "HTTP/1.1 200 OK")
            XCTAssertEqual(response.headers["X-Version"], "HTTP/1.1")
        }
    }

    func testHeadKeepsLengthWithoutBodyAnd204HasNoBody() throws {
        try withServer { _, port in
            let client = try RawClient(port: port)
            client.send("HEAD /x HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\n\r\n")
            let head = try XCTUnwrap(client.readResponse(bodyless: true))
            XCTAssertEqual(head.headers["Content-Length"], "0")
            client.send("GET /nocontent HTTP/1.1\r\nHost: t\r\n\r\n")
            let noContent = try XCTUnwrap(client.readResponse())
            XCTAssertEqual(noContent.code, 204)
            XCTAssertNil(noContent.headers["Content-Length"])
            // Had a body leaked after either, this next response would not parse.
            client.send("POST /y HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\n\r\nok")
            XCTAssertEqual(client.readResponse()?.text, "ok")
        }
    }

    func testHeadOfARequestWithBodyKeepsGetLength() throws {
        try withServer { _, port in
            let client = try RawClient(port: port)
            // The echo responder returns the request body; for HEAD only its length goes out.
            client.send("HEAD /x HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\n\r\nabcd")
            let head = try XCTUnwrap(client.readResponse(bodyless: true))
            XCTAssertEqual(head.headers["Content-Length"], "4")
            client.send("GET /next HTTP/1.1\r\nHost: t\r\n\r\n")
            XCTAssertEqual(client.readResponse()?.headers["X-Path"], "/next")
        }
    }

    /// Every framing error: answered once with problem+json and `Connection: close`, then closed.
    func testFramingErrorsAreAnsweredAndClosed() throws {
        let cases: [(String, Int)] = [
            ("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n", 400),
            ("POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: gzip\r\n\r\n", 501),
            ("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: +1\r\n\r\na", 400),
            ("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab", 400),
            ("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400),
            ("POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 400),
            ("POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\nfffffffffffffffff\r\n", 400),
            ("GET / HTTP/2.0\r\nHost: t\r\n\r\n", 505),
            ("GET / HTTP/1.1\r\n\r\n", 400),
            ("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400),
            ("GET /%zz HTTP/1.1\r\nHost: t\r\n\r\n", 400),
            ("GET / HTTP/1.1\r\nHost: t\r\nX: a\r\n b\r\n\r\n", 400),
            ("GET / HTTP/1.1\r\nHost : t\r\n\r\n", 400),
            ("GET / HTTP/1.1\r\nHost: t\r\nX: a\u{0}b\r\n\r\n", 400),
            ("G(T / HTTP/1.1\r\nHost: t\r\n\r\n", 400),
            ("GET /\r\nHost: t\r\n\r\n", 400),
            ("PUT / HTTP/1.1\r\nHost: t\r\nExpect: teapot\r\nContent-Length: 1\r\n\r\nx", 417),
        ]
        try withServer { server, port in
            for (request, status) in cases {
                let client = try RawClient(port: port)
                // A valid request pipelined after the bad one must never be answered.
                client.send(request + "GET /after HTTP/1.1\r\nHost: t\r\n\r\n")
                let response = try XCTUnwrap(client.readResponse(), request.debugDescription)
                XCTAssertEqual(response.code, status, request.debugDescription)
                XCTAssertEqual(response.headers["Connection"], "close", request.debugDescription)
                XCTAssertEqual(response.headers["Content-Type"], "application/problem+json", request.debugDescription)
                XCTAssertTrue(response.text.contains("\"status\":\(status)"), request.debugDescription)
                XCTAssertTrue(client.isClosedByPeer(), "answered twice or kept open: \(request.debugDescription)")
            }
            XCTAssertTrue(eventually { server.openConnectionCount == 0 }, "descriptors released")
        }
    }

    func testUnknownMethodIsPassedToTheResponder() throws {
        try withServer { _, port in
            let client = try RawClient(port: port)
            client.send("BREW /pot HTTP/1.1\r\nHost: t\r\n\r\n")
            let response = try XCTUnwrap(client.readResponse())
            XCTAssertEqual(response.code, 501)
            XCTAssertEqual(response.text, "unknown method")
            XCTAssertNil(response.headers["Connection"], "a routed 501 keeps the connection")
        }
    }

    func testAbsoluteFormTarget() throws {
        try withServer { _, port in
            let client = try RawClient(port: port)
            client.send("GET http://t:80/stories/1?q=2 HTTP/1.1\r\nHost: t:80\r\n\r\n")
            let response = try XCTUnwrap(client.readResponse())
            XCTAssertEqual(response.headers["X-Path"], "/stories/1")
            XCTAssertEqual(response.headers["X-Query"], "q=2")
        }
    }

    func testLimitsAreAnsweredBeforeTheBody() throws {
        let limits = HTTPLimits(maxRequestLineBytes: 100, maxHeaderBytes: 200, maxHeaderCount: 5, maxBodyBytes: 1000)
        try withServer(testConfiguration(limits: limits)) { _, port in
            let long = try RawClient(port: port)
            long.send("GET /\(String(repeating: "a", count: 200)) HTTP/1.1\r\nHost: t\r\n\r\n")
            XCTAssertEqual(long.readResponse()?.code, 414)

            let fat = try RawClient(port: port)
            fat.send("GET / HTTP/1.1\r\nHost: t\r\nX-Big: \(String(repeating: "b", count: 300))\r\n\r\n")
            XCTAssertEqual(fat.readResponse()?.code, 431)

            let many = try RawClient(port: port)
            many.send("GET / HTTP/1.1\r\nHost: t\r\n" + (1...6).map { "X-\($0): v\r\n" }.joined() + "\r\n")
            XCTAssertEqual(many.readResponse()?.code, 431)

            // No body is sent: the 413 must come from the head alone.
            let big = try RawClient(port: port)
            big.send("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 1001\r\n\r\n")
            let tooLarge = try XCTUnwrap(big.readResponse())
            XCTAssertEqual(tooLarge.code, 413)
            XCTAssertEqual(tooLarge.headers["Connection"], "close")

            let chunked = try RawClient(port: port)
            chunked.send("POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n3e9\r\n")
            XCTAssertEqual(chunked.readResponse()?.code, 413)
        }
    }

    func testChunkedUploadWithTrailers() throws {
        try withServer { _, port in
            let client = try RawClient(port: port)
            client.send("POST /up HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n")
            client.send("4;ext=1\r\nWiki\r\n")
            client.send("5\r\npedia\r\n0\r\nX-Checksum: 1\r\n\r\n")
            let response = try XCTUnwrap(client.readResponse())
            XCTAssertEqual(response.text, "Wikipedia")
            XCTAssertEqual(response.headers["X-Body-Length"], "9")
        }
    }

    func testExpectContinueIsSentOnlyWhenAccepted() throws {
        try withServer { _, port in
            let client = try RawClient(port: port)
            client.send("PUT /up HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n")
            let interim = try XCTUnwrap(client.readResponse())
            XCTAssertEqual(interim.statusLine, "HTTP/1.1 100 Continue")
            client.send("data")
            let final = try XCTUnwrap(client.readResponse())
            XCTAssertEqual(final.code, 200)
            XCTAssertEqual(final.text, "data")
        }
    }

    func testExpectContinueRefusedByPrecheckGetsFinalAnswerAndClose() throws {
        try withServer { _, port in
            let client = try RawClient(port: port)
            client.send("PUT /refuse HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n")
            let response = try XCTUnwrap(client.readResponse())
            XCTAssertEqual(response.code, 403, "no 100 Continue before a refusal")
            XCTAssertEqual(response.text, "refused")
            XCTAssertEqual(response.headers["Connection"], "close", "the announced body was never read")
            XCTAssertTrue(client.isClosedByPeer())
        }
    }

    func testPrecheckRefusalWithoutBodyKeepsTheConnection() throws {
        try withServer { _, port in
            let client = try RawClient(port: port)
            client.send("GET /refuse HTTP/1.1\r\nHost: t\r\n\r\nGET /ok HTTP/1.1\r\nHost: t\r\n\r\n")
            let refused = try XCTUnwrap(client.readResponse())
            XCTAssertEqual(refused.code, 403)
            XCTAssertNil(refused.headers["Connection"])
            XCTAssertEqual(client.readResponse()?.headers["X-Path"], "/ok")
        }
    }

    func testResponderCompletingTwiceIsAnsweredOnce() throws {
        for inline in [false, true] {
            try withServer(testConfiguration(respondsOnIOQueue: inline)) { _, port in
                let client = try RawClient(port: port)
                client.send("GET /twice HTTP/1.1\r\nHost: t\r\n\r\nGET /next HTTP/1.1\r\nHost: t\r\n\r\n")
                XCTAssertEqual(client.readResponse()?.text, "first")
                XCTAssertEqual(client.readResponse()?.headers["X-Path"], "/next")
            }
        }
    }

    /// A handler that blocks its thread must not stall other connections on the same I/O queue.
    func testBlockingHandlerDoesNotStallOtherConnections() throws {
        try withServer(testConfiguration(ioQueueCount: 1)) { _, port in
            let blocked = try RawClient(port: port)
            blocked.send("GET /wait HTTP/1.1\r\nHost: t\r\n\r\n")
            let other = try RawClient(port: port, receiveTimeout: 2)
            other.send("GET /meanwhile HTTP/1.1\r\nHost: t\r\n\r\n")
            XCTAssertEqual(other.readResponse()?.headers["X-Path"], "/meanwhile")
            testGate.signal()
            XCTAssertEqual(blocked.readResponse()?.text, "released")
        }
    }

    func testSlowlorisIsCutOffByHeaderDeadlineWhileOthersAreServed() throws {
        try withServer(testConfiguration(headerReadTimeout: 0.6)) { _, port in
            let slow = try RawClient(port: port)
            slow.send("GET / HTTP/1.1\r\nHo")
            // Meanwhile another client is served normally, repeatedly.
            let other = try RawClient(port: port)
            for i in 0..<5 {
                slow.send("s")  // drip: must not extend the head deadline
                other.send("GET /\(i) HTTP/1.1\r\nHost: t\r\n\r\n")
                XCTAssertEqual(other.readResponse()?.headers["X-Path"], "/\(i)")
                usleep(50_000)
            }
            let response = try XCTUnwrap(slow.readResponse())
            XCTAssertEqual(response.code, 408)
            XCTAssertEqual(response.headers["Connection"], "close")
            XCTAssertTrue(slow.isClosedByPeer())
        }
    }

    func testSilentConnectionIsClosedWithoutAnswer() throws {
        try withServer(testConfiguration(headerReadTimeout: 0.3)) { _, port in
            let client = try RawClient(port: port)
            XCTAssertTrue(client.isClosedByPeer())
        }
    }

    func testIdleKeepAliveConnectionIsClosedSilently() throws {
        try withServer(testConfiguration(idleTimeout: 0.3)) { server, port in
            let client = try RawClient(port: port)
            client.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n")
            XCTAssertEqual(client.readResponse()?.code, 200)
            XCTAssertTrue(client.isClosedByPeer())
            XCTAssertTrue(eventually { server.openConnectionCount == 0 })
        }
    }

    func testBodyDeadline() throws {
        try withServer(testConfiguration(bodyReadTimeout: 0.3)) { _, port in
            let client = try RawClient(port: port)
            client.send("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\nabc")
            let response = try XCTUnwrap(client.readResponse())
            XCTAssertEqual(response.code, 408)
            XCTAssertTrue(client.isClosedByPeer())
        }
    }

    func testClientThatNeverReadsIsDroppedAfterWriteDeadline() throws {
        try withServer(testConfiguration(writeTimeout: 0.3)) { server, port in
            let client = try RawClient(port: port)
            var small: Int32 = 4096
            setsockopt(client.fd, SOL_SOCKET, SO_RCVBUF, &small, socklen_t(MemoryLayout<Int32>.size))
            client.send(String(repeating: "GET /big HTTP/1.1\r\nHost: t\r\n\r\n", count: 4))
            XCTAssertTrue(eventually { server.openConnectionCount == 1 })
            XCTAssertTrue(eventually { server.openConnectionCount == 0 }, "the stuck connection was not dropped")
            // The server is still fine.
            let other = try RawClient(port: port)
            other.send("GET /ok HTTP/1.1\r\nHost: t\r\n\r\n")
            XCTAssertEqual(other.readResponse()?.code, 200)
        }
    }

    func testConnectionCapRefusesWith503AndKeepsServing() throws {
        try withServer(testConfiguration(maxConnections: 2)) { server, port in
            let a = try RawClient(port: port)
            let b = try RawClient(port: port)
            for client in [a, b] {
                client.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n")
                XCTAssertEqual(client.readResponse()?.code, 200)
            }
            let refused = try RawClient(port: port)
            let response = try XCTUnwrap(refused.readResponse())
            XCTAssertEqual(response.code, 503)
            XCTAssertEqual(response.headers["Connection"], "close")
            XCTAssertTrue(refused.isClosedByPeer())
            XCTAssertEqual(server.openConnectionCount, 2)
            // A refused client that sends its request at once still reads the 503 (no reset).
            for _ in 0..<5 {
                let eager = try RawClient(port: port)
                eager.send("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 5000\r\n\r\n" + String(repeating: "x", count: 5000))
                XCTAssertEqual(eager.readResponse()?.code, 503)
            }
            a.send("GET /still HTTP/1.1\r\nHost: t\r\n\r\n")
            XCTAssertEqual(a.readResponse()?.headers["X-Path"], "/still")
        }
    }

    /// EMFILE on accept: the server pauses accepting instead of spinning, keeps its listener,
    /// and serves the waiting connections once descriptors are available again.
    func testAcceptSurvivesRunningOutOfDescriptors() throws {
        try withServer { server, port in
            let clients = try (0..<3).map { _ in try RawClient() }
            var original = rlimit()
            getrlimit(Int32(RLIMIT_NOFILE.rawValue), &original)
            defer { setrlimit(Int32(RLIMIT_NOFILE.rawValue), &original) }
            // Listing /proc/self/fd uses one descriptor itself, so the count is one over.
            let open = try FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count - 1
            var tight = original
            tight.rlim_cur = rlim_t(open)
            XCTAssertEqual(setrlimit(Int32(RLIMIT_NOFILE.rawValue), &tight), 0)
            for client in clients { try client.connect(port: port) }  // connect needs no new descriptor
            XCTAssertTrue(eventually { server.acceptPausesForDescriptors >= 2 })
            XCTAssertLessThan(server.openConnectionCount, clients.count, "some connections wait in the backlog")
            setrlimit(Int32(RLIMIT_NOFILE.rawValue), &original)
            for (i, client) in clients.enumerated() {
                client.send("GET /after-emfile/\(i) HTTP/1.1\r\nHost: t\r\n\r\n")
                XCTAssertEqual(client.readResponse()?.headers["X-Path"], "/after-emfile/\(i)")
            }
            // Paused and retried, not spun: at most a handful of retries per 100 ms pause.
            XCTAssertLessThan(server.acceptPausesForDescriptors, 200)
        }
    }

    func testGracefulShutdownFinishesInFlightRequestAndClosesIdle() throws {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let server = HTTPServer(configuration: testConfiguration(), responder: TestResponder(), logger: logger)
        try server.start()
        let port = server.localPort
        let idle = try RawClient(port: port)
        idle.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n")
        XCTAssertEqual(idle.readResponse()?.code, 200)
        let busy = try RawClient(port: port)
        busy.send("GET /slow HTTP/1.1\r\nHost: t\r\n\r\n")
        XCTAssertTrue(eventually { server.openConnectionCount == 2 })
        usleep(100_000)  // let the slow request reach the responder

        let done = expectation(description: "shutdown completed")
        server.shutdown(deadline: 5) { done.fulfill() }
        XCTAssertTrue(idle.isClosedByPeer(), "idle keep-alive connection closed at once")
        let response = try XCTUnwrap(busy.readResponse())
        XCTAssertEqual(response.text, "slow")
        XCTAssertEqual(response.headers["Connection"], "close")
        XCTAssertTrue(busy.isClosedByPeer())
        wait(for: [done], timeout: 5)
        XCTAssertEqual(server.openConnectionCount, 0)
        XCTAssertThrowsError(try RawClient(port: port), "the listener is closed")
    }

    func testShutdownDeadlineClosesStragglers() throws {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let server = HTTPServer(configuration: testConfiguration(), responder: TestResponder(), logger: logger)
        try server.start()
        let client = try RawClient(port: server.localPort)
        client.send("GET /slow HTTP/1.1\r\nHost: t\r\n\r\n")
        XCTAssertTrue(eventually { server.openConnectionCount == 1 })
        let done = expectation(description: "shutdown completed")
        server.shutdown(deadline: 0.1) { done.fulfill() }
        wait(for: [done], timeout: 5)
        XCTAssertTrue(eventually { server.openConnectionCount == 0 })
    }

    func testBindingAPortInUseThrowsTypedError() throws {
        try withServer { _, port in
            var logger = Logger(label: "test")
            logger.logLevel = .critical
            var configuration = testConfiguration()
            configuration.port = port
            let second = HTTPServer(configuration: configuration, responder: TestResponder(), logger: logger)
            XCTAssertThrowsError(try second.start()) { error in
                XCTAssertEqual((error as? TransportError)?.code, EADDRINUSE)
                XCTAssertEqual((error as? TransportError)?.operation, "bind")
            }
        }
    }

    func testHalfClosedClientStillGetsItsAnswers() throws {
        try withServer { server, port in
            let client = try RawClient(port: port)
            client.send("GET /a HTTP/1.1\r\nHost: t\r\n\r\nGET /async HTTP/1.1\r\nHost: t\r\n\r\n")
            client.shutdownWrite()
            XCTAssertEqual(client.readResponse()?.headers["X-Path"], "/a")
            XCTAssertEqual(client.readResponse()?.headers["X-Path"], "/async")
            XCTAssertTrue(client.isClosedByPeer())
            XCTAssertTrue(eventually { server.openConnectionCount == 0 }, "descriptor released")
        }
    }

    /// Answers with the name of the thread it was called on.
    private struct ThreadNamingResponder: HTTPResponder {
        func respond(to request: HTTPRequest, connection: ConnectionInfo, completion: @escaping @Sendable (HTTPResponse) -> Void) {
            // The kernel's name of the calling thread.
            let name = (try? String(contentsOfFile: "/proc/thread-self/comm", encoding: .utf8)) ?? "unknown"
            completion(HTTPResponse(status: .ok, headers: ["X-Thread": name.trimmingCharacters(in: .whitespacesAndNewlines)], body: []))
        }
    }

    /// With `respondsInPlaceUnlessPipelined`, a request that arrives alone is answered on its I/O
    /// loop's thread, and requests pipelined behind each other are answered off it (so that one
    /// client cannot keep a loop busy with a megabyte of answers).
    func testOnlyALoneRequestIsAnsweredOnTheLoop() throws {
        try withServer(testConfiguration(respondsInPlaceUnlessPipelined: true), responder: ThreadNamingResponder()) { _, port in
            let client = try RawClient(port: port)
            for _ in 0..<3 {
                client.send("GET /alone HTTP/1.1\r\nHost: t\r\n\r\n")
                let thread = try XCTUnwrap(client.readResponse()?.headers["X-Thread"])
                XCTAssertTrue(thread.hasPrefix("sa.io."), "a lone request was answered on \(thread)")
            }
            client.send(String(repeating: "GET /piped HTTP/1.1\r\nHost: t\r\n\r\n", count: 3))
            let first = try XCTUnwrap(client.readResponse()?.headers["X-Thread"])
            XCTAssertFalse(first.hasPrefix("sa.io."), "the first of three pipelined requests was answered on the loop")
            for _ in 0..<2 { XCTAssertEqual(client.readResponse()?.code, 200) }
        }
    }
}
