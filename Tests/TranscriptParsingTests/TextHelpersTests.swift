import XCTest
@testable import TranscriptParsing

/// The byte-level fast paths must give exactly what their Unicode definitions give.
final class TextHelpersTests: XCTestCase {
    private func unicodeKey(_ text: String, digits: Bool) -> String {
        String(text.lowercased().filter { $0.isLetter || (digits && $0.isNumber) })
    }

    func testFoldedKeyMatchesTheUnicodeDefinition() {
        let samples = [
            "", "Harbour Ferry: Day 2", "SOUNDBITE (English) Mayor", "[Voice_over]", "Ruta 66, km 12!",
            "Zoë Ngata-Brown", "ÉTÉ à Montréal", "İstanbul", "Straße", "東京 2026", "١٢٣ arabic digits",
            "tab\there\r\nCRLF", "Ｆｕｌｌ ｗｉｄｔｈ", "e\u{301}cole", "@[\\]^_`{|}~",
        ]
        for text in samples {
            for digits in [false, true] {
                XCTAssertEqual(text.foldedKey(keepingDigits: digits), unicodeKey(text, digits: digits), "\(text) digits: \(digits)")
                XCTAssertEqual(Substring(text).foldedKey(keepingDigits: digits), unicodeKey(text, digits: digits))
            }
        }
    }

    func testFoldedKeyOnEveryASCIIByte() {
        let all = String(decoding: (0..<128).map { UInt8($0) }, as: UTF8.self)
        XCTAssertEqual(all.foldedKey(keepingDigits: true), "0123456789abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz")
        XCTAssertEqual(all.foldedKey(keepingDigits: false), unicodeKey(all, digits: false))
    }
}
