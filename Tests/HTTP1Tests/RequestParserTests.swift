import XCTest
@testable import HTTP1

/// A request as the parser reports it, body chunks joined, for comparing whole results.
struct ParsedRequest: Equatable {
    var head: RequestHead
    var body: [UInt8]
}

/// Outcome of feeding a whole input: the complete requests, then an error if one came.
struct ParseOutcome: Equatable {
    var requests: [ParsedRequest] = []
    var error: HTTPParseError?
    /// True when the input ended in the middle of a request.
    var incomplete = false
}

extension RequestParser {
    /// Feeds `input` in the given pieces, draining events after each, and gathers the result.
    static func feed(_ pieces: [ArraySlice<UInt8>], limits: HTTPLimits = HTTPLimits()) -> ParseOutcome {
        var parser = RequestParser(limits: limits)
        var outcome = ParseOutcome()
        var head: RequestHead?
        var body: [UInt8] = []
        do {
            for piece in pieces {
                parser.append(piece)
                var guardCount = 0
                loop: while true {
                    guardCount += 1
                    precondition(guardCount < 100_000, "parser does not make progress")
                    switch try parser.next() {
                    case .head(let h): head = h; body = []
                    case .body(let b): body += b
                    case .end:
                        outcome.requests.append(ParsedRequest(head: head!, body: body))
                        head = nil
                    case .needMoreData: break loop
                    }
                }
            }
        } catch {
            outcome.error = error
            return outcome
        }
        outcome.incomplete = head != nil || parser.bufferedByteCount > 0
        return outcome
    }

    /// Parses `text` whole, then split in two at every byte boundary, and checks that every
    /// split gives the same outcome as the whole. Returns the whole outcome.
    static func parseEverySplit(
        _ text: String, limits: HTTPLimits = HTTPLimits(), file: StaticString = #filePath, line: UInt = #line
    ) -> ParseOutcome {
        let bytes = Array(text.utf8)
        let whole = feed([bytes[...]], limits: limits)
        for cut in 0...bytes.count {
            let split = feed([bytes[..<cut], bytes[cut...]], limits: limits)
            if split != whole {
                XCTFail("split at \(cut) gave \(split), whole gave \(whole)", file: file, line: line)
                break
            }
        }
        // And one byte at a time.
        let trickle = feed(bytes.indices.map { bytes[$0...$0] }, limits: limits)
        XCTAssertEqual(trickle, whole, "byte-at-a-time differs", file: file, line: line)
        return whole
    }
}

final class RequestParserTests: XCTestCase {
    func assertError(
        _ text: String, _ code: Int, limits: HTTPLimits = HTTPLimits(), file: StaticString = #filePath, line: UInt = #line
    ) {
        let outcome = RequestParser.parseEverySplit(text, limits: limits, file: file, line: line)
        XCTAssertEqual(outcome.error?.status.code, code, "for \(text.debugDescription): \(outcome)", file: file, line: line)
    }

    func testSimpleGet() {
        let outcome = RequestParser.parseEverySplit("GET /stories/7?q=a%20b HTTP/1.1\r\nHost: x\r\nAccept: */*\r\n\r\n")
        XCTAssertNil(outcome.error)
        XCTAssertEqual(outcome.requests.count, 1)
        let head = outcome.requests[0].head
        XCTAssertEqual(head.method, .get)
        XCTAssertEqual(head.target, "/stories/7?q=a%20b")
        XCTAssertEqual(head.path, "/stories/7")
        XCTAssertEqual(head.query, "q=a%20b")
        XCTAssertEqual(head.version, .http1_1)
        XCTAssertEqual(head.headers.fields.map(\.name), ["Host", "Accept"])
        XCTAssertEqual(head.headers["accept"], "*/*")
        XCTAssertEqual(outcome.requests[0].body, [])
    }

    func testHeadersKeepOrderAndDuplicatesAndTrimOWS() {
        let outcome = RequestParser.parseEverySplit(
            "GET / HTTP/1.1\r\nHost: x\r\nX-A: 1\r\nx-b:\t two \t\r\nX-A: 3\r\nEmpty:\r\n\r\n")
        let headers = outcome.requests.first?.head.headers
        XCTAssertEqual(headers?.fields.map(\.name), ["Host", "X-A", "x-b", "X-A", "Empty"])
        XCTAssertEqual(headers?.values(for: "x-a"), ["1", "3"])
        XCTAssertEqual(headers?["X-B"], "two")
        XCTAssertEqual(headers?["Empty"], "")
    }

    func testContentLengthBodyAndPipelining() {
        let outcome = RequestParser.parseEverySplit(
            "POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhelloGET /b HTTP/1.1\r\nHost: x\r\n\r\n"
                + "PUT /c HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n")
        XCTAssertNil(outcome.error)
        XCTAssertEqual(outcome.requests.map(\.head.path), ["/a", "/b", "/c"])
        XCTAssertEqual(outcome.requests.map { String(decoding: $0.body, as: UTF8.self) }, ["hello", "", ""])
        XCTAssertFalse(outcome.incomplete)
    }

    func testChunkedBodyWithExtensionsAndTrailers() {
        let outcome = RequestParser.parseEverySplit(
            "POST /u HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5;name=val\r\nhello\r\nA ; a=\"q\"\r\n, world!!!\r\n0\r\nX-Sum: 9\r\n\r\n"
                + "GET /next HTTP/1.1\r\nHost: x\r\n\r\n")
        XCTAssertNil(outcome.error)
        XCTAssertEqual(outcome.requests.count, 2)
        XCTAssertEqual(String(decoding: outcome.requests[0].body, as: UTF8.self), "hello, world!!!")
        XCTAssertEqual(outcome.requests[1].head.path, "/next")
    }

    func testLeadingEmptyLinesAreIgnored() {
        let outcome = RequestParser.parseEverySplit("\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n")
        XCTAssertEqual(outcome.requests.count, 1)
    }

    func testIncompleteRequestsAskForMore() {
        XCTAssertTrue(RequestParser.parseEverySplit("GET / HTTP/1.1\r\nHost: x\r\n").incomplete)
        XCTAssertTrue(RequestParser.parseEverySplit("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\nab").incomplete)
    }

    func testAbsoluteFormTarget() {
        let outcome = RequestParser.parseEverySplit("GET http://example.org:8080/s/1?x=2 HTTP/1.1\r\nHost: example.org:8080\r\n\r\n")
        XCTAssertEqual(outcome.requests.first?.head.path, "/s/1")
        XCTAssertEqual(outcome.requests.first?.head.query, "x=2")
        let bare = RequestParser.parseEverySplit("GET HTTPS://example.org HTTP/1.1\r\nHost: example.org\r\n\r\n")
        XCTAssertEqual(bare.requests.first?.head.path, "/")
    }

    func testUnknownMethodIsPassedOn() {
        let outcome = RequestParser.parseEverySplit("BREW /pot HTTP/1.1\r\nHost: x\r\n\r\n")
        XCTAssertEqual(outcome.requests.first?.head.method.rawValue, "BREW")
        assertError("BR(EW / HTTP/1.1\r\nHost: x\r\n\r\n", 400)
    }

    func testVersions() {
        let ten = RequestParser.parseEverySplit("GET / HTTP/1.0\r\n\r\n")
        XCTAssertEqual(ten.requests.first?.head.version, .http1_0)
        let twelve = RequestParser.parseEverySplit("GET / HTTP/1.2\r\nHost: x\r\n\r\n")
        XCTAssertEqual(twelve.requests.first?.head.version, .http1_1)
        assertError("GET / HTTP/2.0\r\nHost: x\r\n\r\n", 505)
        assertError("GET / HTTP/0.9\r\nHost: x\r\n\r\n", 505)
        assertError("GET / HTTP/1.10\r\nHost: x\r\n\r\n", 400)
        assertError("GET / http/1.1\r\nHost: x\r\n\r\n", 400)
    }

    func testHostRules() {
        assertError("GET / HTTP/1.1\r\n\r\n", 400)
        assertError("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400)
        assertError("GET / HTTP/1.0\r\nHost: a\r\nHost: a\r\n\r\n", 400)
    }

    func testMalformedHeads() {
        assertError("GET / HTTP/1.1\r\nHost : x\r\n\r\n", 400)  // whitespace before colon
        assertError("GET / HTTP/1.1\r\nHost: x\r\nX-A: a\r\n  folded\r\n\r\n", 400)  // obs-fold
        assertError("GET / HTTP/1.1\r\nHost: x\r\nX-A: a\rb\r\n\r\n", 400)  // CR in value
        assertError("GET / HTTP/1.1\r\nHost: x\r\nX-A: a\nb\r\n\r\n", 400)  // bare LF
        assertError("GET / HTTP/1.1\r\nHost: x\r\nX-A: a\u{0}b\r\n\r\n", 400)  // NUL
        assertError("GET / HTTP/1.1\r\nHost: x\r\nNoColon\r\n\r\n", 400)
        assertError("GET / HTTP/1.1\r\nHost: x\r\n: empty\r\n\r\n", 400)
        assertError("GET  / HTTP/1.1\r\nHost: x\r\n\r\n", 400)  // double space
        assertError("GET / HTTP/1.1 \r\nHost: x\r\n\r\n", 400)
        assertError("GET\r\nHost: x\r\n\r\n", 400)
        assertError("GET /%zz HTTP/1.1\r\nHost: x\r\n\r\n", 400)
        assertError("GET /a%2 HTTP/1.1\r\nHost: x\r\n\r\n", 400)
        assertError("GET /a#frag HTTP/1.1\r\nHost: x\r\n\r\n", 400)
        assertError("GET /a\"b HTTP/1.1\r\nHost: x\r\n\r\n", 400)
        assertError("GET relative HTTP/1.1\r\nHost: x\r\n\r\n", 400)
        assertError("GET * HTTP/1.1\r\nHost: x\r\n\r\n", 400)
        XCTAssertEqual(RequestParser.parseEverySplit("OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n").requests.first?.head.path, "*")
    }

    func testContentLengthRules() {
        assertError("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: +1\r\n\r\na", 400)
        assertError("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n", 400)
        assertError("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 0x10\r\n\r\n", 400)
        assertError("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1 2\r\n\r\n", 400)
        assertError("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: \r\n\r\n", 400)
        assertError("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab", 400)
        assertError("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1, 2\r\n\r\nab", 400)
        assertError("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999999\r\n\r\n", 400)
        // Identical repeated values are one length (RFC 9110 §8.6).
        let same = RequestParser.parseEverySplit("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nab")
        XCTAssertEqual(same.requests.first?.body, Array("ab".utf8))
    }

    func testTransferEncodingRules() {
        assertError("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n", 501)
        assertError("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", 501)
        assertError("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, chunked\r\n\r\n", 400)
        assertError("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n", 400)
        assertError("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", 400)
        let mixedCase = RequestParser.parseEverySplit(
            "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: Chunked\r\n\r\n1\r\na\r\n0\r\n\r\n")
        XCTAssertEqual(mixedCase.requests.first?.body, [UInt8(ascii: "a")])
    }

    func testBadChunks() {
        let prefix = "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
        assertError(prefix + "zz\r\n", 400)
        assertError(prefix + "\r\n", 400)
        assertError(prefix + "-1\r\n", 400)
        assertError(prefix + "+1\r\na\r\n0\r\n\r\n", 400)
        assertError(prefix + "1000000000000000\r\n", 400)  // 16 hex digits: overflow
        assertError(prefix + "3\r\nabcX\r\n", 400)  // no CRLF after data
        assertError(prefix + "3\nabc\r\n0\r\n\r\n", 400)  // bare LF
        assertError(prefix + "1;a\u{1}\r\na\r\n0\r\n\r\n", 400)  // control byte in extension
        assertError(prefix + "1\r\na\r\n0\r\nBad Trailer: x\r\n\r\n", 400)
    }

    func testLimits() {
        let limits = HTTPLimits(maxRequestLineBytes: 64, maxHeaderBytes: 128, maxHeaderCount: 3, maxBodyBytes: 10)
        let longTarget = "/" + String(repeating: "a", count: 100)
        assertError("GET \(longTarget) HTTP/1.1\r\nHost: x\r\n\r\n", 414, limits: limits)
        // Also before the end of the line has arrived.
        let partial = RequestParser.feed([Array("GET \(longTarget)".utf8)[...]], limits: limits)
        XCTAssertEqual(partial.error?.status.code, 414)
        assertError("GET / HTTP/1.1\r\nHost: x\r\nX: \(String(repeating: "v", count: 200))\r\n\r\n", 431, limits: limits)
        assertError("GET / HTTP/1.1\r\nHost: x\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n", 431, limits: limits)
        assertError("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\n\r\n", 413, limits: limits)
        assertError(
            "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n6\r\nabcdef\r\n5\r\nabcde\r\n0\r\n\r\n", 413,
            limits: limits)
        let fits = RequestParser.parseEverySplit("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n0123456789", limits: limits)
        XCTAssertEqual(fits.requests.first?.body.count, 10)
        // Headers that never end are refused once they pass the limit, not buffered forever.
        let endless = RequestParser.feed([Array(("GET / HTTP/1.1\r\n" + String(repeating: "X: y\r\n", count: 40)).utf8)[...]], limits: limits)
        XCTAssertEqual(endless.error?.status.code, 431)
    }

    /// Found by the fuzzer: the answer to a long line ended by a bare LF depended on whether the
    /// end of the head had arrived (414 before, 400 after).
    func testOverlongLineWithBareLFGetsTheSameAnswerHoweverSplit() {
        let limits = HTTPLimits(maxRequestLineBytes: 32)
        assertError("GET /\(String(repeating: "a", count: 40)) HTTP/1.1\nHost: x\r\n\r\n", 414, limits: limits)
        assertError("GET / HTTP/1.1\nHost: x\r\n\r\n", 400, limits: limits)
    }

    /// Found by the fuzzer: a chunk-size line exactly at the limit was refused as too long when
    /// its LF had not arrived yet, but parsed once it had.
    func testChunkLineAtTheLimitGetsTheSameAnswerHoweverSplit() {
        let limits = HTTPLimits(maxChunkLineBytes: 16)
        let prefix = "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
        let atLimit = "1;" + String(repeating: "e", count: 14)  // 16 bytes before CRLF
        let accepted = RequestParser.parseEverySplit(prefix + atLimit + "\r\na\r\n0\r\n\r\n", limits: limits)
        XCTAssertEqual(accepted.requests.first?.body, [UInt8(ascii: "a")])
        assertError(prefix + atLimit + "e\r\na\r\n0\r\n\r\n", 400, limits: limits)
        // Trailers exactly at the limit (a 40-byte field line), likewise; the head fits in 40 too.
        let trailerLimits = HTTPLimits(maxHeaderBytes: 40)
        let fits = "X-T: " + String(repeating: "v", count: 35)
        let trailers = RequestParser.parseEverySplit(prefix + "0\r\n" + fits + "\r\n\r\n", limits: trailerLimits)
        XCTAssertEqual(trailers.requests.count, 1)
        assertError(prefix + "0\r\n" + fits + "v\r\n\r\n", 431, limits: trailerLimits)
    }

    func testManyLeadingEmptyLinesAreSkippedHoweverSplit() {
        let outcome = RequestParser.parseEverySplit(String(repeating: "\r\n", count: 9) + "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        XCTAssertEqual(outcome.requests.count, 1)
    }

    func testErrorIsSticky() {
        var parser = RequestParser()
        parser.append(Array("GET / HTTP/3.0\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8))
        XCTAssertThrowsError(try parser.next())
        XCTAssertThrowsError(try parser.next())
    }

    func testFramingIsExposed() throws {
        var parser = RequestParser()
        parser.append(Array("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\n".utf8))
        guard case .head = try parser.next() else { return XCTFail("expected a head") }
        XCTAssertEqual(parser.framing, .contentLength(3))
        XCTAssertTrue(parser.isReadingBody)
        XCTAssertEqual(try parser.next(), .needMoreData)
        parser.append(Array("abc".utf8))
        XCTAssertEqual(try parser.next(), .body(Array("abc".utf8)))
        XCTAssertEqual(try parser.next(), .end)
        XCTAssertTrue(parser.isAtMessageBoundary)
    }
}
