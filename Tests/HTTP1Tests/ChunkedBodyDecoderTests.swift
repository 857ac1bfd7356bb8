import XCTest
@testable import HTTP1

final class ChunkedBodyDecoderTests: XCTestCase {
    /// Decodes `text` offered in two pieces split at `cut`, as the parser would offer it.
    func decode(_ text: String, cut: Int? = nil) throws -> (body: [UInt8], trailers: HTTPHeaders?, leftover: Int) {
        let bytes = Array(text.utf8)
        let cut = cut ?? bytes.count
        var decoder = ChunkedBodyDecoder()
        var held: [UInt8] = []
        var body: [UInt8] = []
        var consumedTotal = 0
        for piece in [bytes[..<cut], bytes[cut...]] {
            held += piece
            var rounds = 0
            while rounds < 10_000 {
                rounds += 1
                let (event, consumed) = try decoder.next(held[...])
                held.removeFirst(consumed)
                consumedTotal += consumed
                switch event {
                case .data(let b): body += b
                case .end(let trailers): return (body, trailers, bytes.count - consumedTotal)
                case .needMoreData: rounds = 10_000
                }
            }
        }
        return (body, nil, held.count)
    }

    func testEveryBoundaryGivesTheSameBody() throws {
        let text = "4;x=1\r\nWiki\r\n5\r\npedia\r\nE\r\n in\r\n\r\nchunks.\r\n0\r\nExpires: never\r\nX-Y: z\r\n\r\nNEXT"
        for cut in 0...text.utf8.count {
            let result = try decode(text, cut: cut)
            XCTAssertEqual(String(decoding: result.body, as: UTF8.self), "Wikipedia in\r\n\r\nchunks.", "cut \(cut)")
            XCTAssertEqual(result.trailers?.fields.map(\.name), ["Expires", "X-Y"], "cut \(cut)")
            XCTAssertEqual(result.leftover, 4, "bytes after the body stay unconsumed, cut \(cut)")
        }
    }

    func testIncompleteBodyHasNoEnd() throws {
        XCTAssertNil(try decode("5\r\nhel").trailers)
        XCTAssertNil(try decode("0\r\n").trailers)
    }

    func testSizeLineParsing() throws {
        XCTAssertEqual(try ChunkedBodyDecoder.parseSizeLine(Array("1aF".utf8)[...]), 0x1AF)
        XCTAssertEqual(try ChunkedBodyDecoder.parseSizeLine(Array("10 ; ext".utf8)[...]), 16)
        XCTAssertThrowsError(try ChunkedBodyDecoder.parseSizeLine(Array("".utf8)[...]))
        XCTAssertThrowsError(try ChunkedBodyDecoder.parseSizeLine(Array("1 2".utf8)[...]))
        XCTAssertThrowsError(try ChunkedBodyDecoder.parseSizeLine(Array("0x10".utf8)[...]))
        XCTAssertThrowsError(try ChunkedBodyDecoder.parseSizeLine(Array("ffffffffffffffff".utf8)[...]))
    }

    func testLongSizeLineIsRefused() {
        XCTAssertThrowsError(try decode("1;" + String(repeating: "a", count: 2000))) { error in
            XCTAssertEqual((error as? HTTPParseError)?.status.code, 400)
        }
    }
}
