import XCTest
@testable import TranscriptParsing

/// Only input with nothing usable is an error, and each error says why.
final class TranscriptErrorTests: XCTestCase {
    func assertThrows(_ bytes: [UInt8], _ expected: TranscriptError, line: UInt = #line) {
        XCTAssertThrowsError(try TranscriptParser.parse(bytes: bytes), line: line) { error in
            XCTAssertEqual(error as? TranscriptError, expected, line: line)
        }
    }

    func testEmptyInput() {
        assertThrows([], .empty)
        XCTAssertThrowsError(try TranscriptParser.parse("")) { XCTAssertEqual($0 as? TranscriptError, .empty) }
    }

    func testWhitespaceOnlyInput() {
        assertThrows(Array(" \n\t\r\n \u{00A0}\u{200B} ".utf8), .blank)
    }

    func testBinaryInputIsNotText() {
        var bytes: [UInt8] = []
        var state: UInt32 = 12345
        for _ in 0..<4096 {
            state = state &* 1_103_515_245 &+ 12345
            bytes.append(UInt8(truncatingIfNeeded: state >> 16))
        }
        XCTAssertThrowsError(try TranscriptParser.parse(bytes: bytes)) { error in
            guard case .notText(let detail)? = error as? TranscriptError else { return XCTFail("\(error)") }
            XCTAssertTrue(detail.contains("binary"), detail)
        }
    }

    func testNulBytesMakeBinary() {
        var bytes = Array(String(repeating: "word ", count: 20).utf8)
        bytes += [UInt8](repeating: 0, count: 10)
        XCTAssertThrowsError(try TranscriptParser.parse(bytes: bytes)) { error in
            XCTAssertEqual((error as? TranscriptError)?.code, "not_text")
        }
    }

    func testPunctuationOnlyIsNotText() {
        XCTAssertThrowsError(try TranscriptParser.parse("--- *** ... !!!")) { error in
            guard case .notText(let detail)? = error as? TranscriptError else { return XCTFail("\(error)") }
            XCTAssertTrue(detail.contains("no letters"), detail)
        }
    }

    func testTooLargeInputIsRefusedBeforeWork() {
        let bytes = [UInt8](repeating: UInt8(ascii: "a"), count: TranscriptParser.maximumInputBytes + 1)
        assertThrows(bytes, .tooLarge(byteCount: TranscriptParser.maximumInputBytes + 1, limit: TranscriptParser.maximumInputBytes))
    }

    func testEveryErrorHasACodeAndAHumanDetail() {
        let errors: [TranscriptError] = [.empty, .blank, .notText(detail: "Binary."), .tooLarge(byteCount: 10, limit: 5)]
        XCTAssertEqual(errors.map(\.code), ["empty", "blank", "not_text", "too_large"])
        for e in errors {
            XCTAssertFalse(e.detail.isEmpty)
            XCTAssertTrue(e.description.hasPrefix(e.code + ": "))
        }
        XCTAssertEqual(TranscriptError.tooLarge(byteCount: 10, limit: 5).detail, "The transcript is 10 bytes; at most 5 bytes are accepted.")
    }

    func testALittleJunkInsideTextIsRepairedNotRefused() throws {
        var bytes = Array("Harbour reopens after storm. Boats return to the quay.".utf8)
        bytes.insert(0x07, at: 8)
        bytes.insert(0xC3, at: 20)
        let result = try TranscriptParser.parse(bytes: bytes)
        XCTAssertTrue(result.warningCodes.contains("control_characters_removed"))
        XCTAssertTrue(result.warningCodes.contains("text_repaired"))
    }
}
