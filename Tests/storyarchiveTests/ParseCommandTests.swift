import Foundation
import XCTest

final class ParseCommandTests: XCTestCase {
    func testParsePrintsTheStoryJSONWithoutIDs() throws {
        let output = try StoryArchiveProcess.run(["parse", Fixtures.url("electric-ferry.txt").path])
        XCTAssertEqual(output.status, 0, output.stderr)
        let story = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(story["title"] as? String, "Norway: Fjord town opens its first electric ferry terminal")
        XCTAssertNil(story["id"], "a parsed story has no id")
        XCTAssertNil(story["created_at"], "nor a timestamp")
        let quotes = try XCTUnwrap(story["quotes"] as? [[String: Any]])
        XCTAssertEqual(quotes.compactMap { ($0["speaker"] as? [String: Any])?["name"] as? String },
                       ["Ingrid Solberg", "Tomas Berg", "Amira Haddad"])
        XCTAssertTrue(quotes.allSatisfy { $0["id"] == nil })
    }

    func testParseReadsStandardInput() throws {
        let text = try Data(contentsOf: Fixtures.url("electric-ferry.txt"))
        let output = try StoryArchiveProcess.run(["parse", "-"], input: text)
        XCTAssertEqual(output.status, 0, output.stderr)
        let story = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(story["duration_seconds"] as? Int, 195)
    }

    func testParseOfNothingFailsWithAReason() throws {
        let output = try StoryArchiveProcess.run(["parse", "-"], input: Data("  \n\n ".utf8))
        XCTAssertNotEqual(output.status, 0)
        XCTAssertTrue(output.stdout.isEmpty)
        XCTAssertTrue(output.stderr.contains("empty") || output.stderr.contains("whitespace"), output.stderr)
    }

    func testParseOfAMissingFileSaysSo() throws {
        let output = try StoryArchiveProcess.run(["parse", "/nonexistent/story.txt"])
        XCTAssertNotEqual(output.status, 0)
        XCTAssertTrue(output.stderr.contains("/nonexistent/story.txt"), output.stderr)
    }
}
