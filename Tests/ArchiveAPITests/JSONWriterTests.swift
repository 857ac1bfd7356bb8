@testable import ArchiveAPI
import ArchiveModel
import Foundation
import XCTest

/// The hand-written quotes JSON must be byte for byte what the API's encoder writes, so that
/// responses and their ETags do not depend on the path that produced them.
final class JSONWriterTests: XCTestCase {
    private var awkward: String {
        var text = ""
        for i in 0..<0x20 { text.unicodeScalars.append(Unicode.Scalar(UInt8(i))) }
        return text + "\"quoted\" \\ back/slash é ü ß 中文 \u{2028} \u{7f} 😀 </script>"
    }

    func testQuotesBytesEqualTheEncoders() {
        let speakers = [
            Speaker(id: 1, name: "Ingrid Solberg", title: "Mayor", organization: "Nordvik Municipality"),
            Speaker(id: 22, name: awkward, title: nil, organization: nil),
        ]
        let quotes = [
            Quote(id: 5, storyID: 3, position: 1, text: "We waited twenty years.", speaker: speakers[0]),
            Quote(id: 9_000_000_001, storyID: 3, position: 2, text: awkward, speaker: speakers[1],
                  language: "Norwegian", interpreted: true, truncated: true),
            Quote(id: 7, storyID: 3, position: 3, text: "", speaker: speakers[0], language: awkward),
        ]
        for items in [[], quotes] {
            let value = StoryQuotesJSON(storyID: 3, items: items.map { QuoteJSON($0) })
            XCTAssertEqual(String(decoding: value.bytes, as: UTF8.self), String(decoding: APIJSON.encode(value), as: UTF8.self))
            XCTAssertEqual(value.bytes, APIJSON.encode(value))
        }
        for quote in quotes.map({ QuoteJSON($0, includeStory: true) }) {
            var writer = JSONWriter()
            quote.write(to: &writer)
            XCTAssertEqual(writer.bytes, APIJSON.encode(quote))
        }
    }
}
