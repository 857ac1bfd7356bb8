import Deflate
import Foundation
import XCTest

/// The walking-skeleton contract, each test run in-process and over a real socket.
final class StoriesAPITests: XCTestCase {
    private func eachPath(_ body: (APIHarness) throws -> Void) throws {
        for path in APIHarness.Path.allCases {
            let harness = try APIHarness(path: path)
            try body(harness)
        }
    }

    func testPostCreatesAStoryAndReturnsIt() throws {
        try eachPath { api in
            let response = try api.post(try Fixture.text("electric-ferry.txt"))
            XCTAssertEqual(response.status, 201, "\(api.path): \(response.text)")
            let story = try response.json()
            let id = try XCTUnwrap(story["id"] as? Int)
            XCTAssertGreaterThan(id, 0)
            XCTAssertEqual(response.header("Location"), "/stories/\(id)")
            XCTAssertEqual(response.header("Content-Type"), "application/json")
            XCTAssertEqual(story["title"] as? String, "Norway: Fjord town opens its first electric ferry terminal")
            XCTAssertEqual(story["location"] as? String, "Norway")
            XCTAssertEqual(story["duration_seconds"] as? Int, 195)
            XCTAssertEqual(story["restrictions"] as? [String], ["No access Norwegian broadcasters"])
            XCTAssertNotNil(story["created_at"] as? String)
            let quotes = try XCTUnwrap(story["quotes"] as? [[String: Any]])
            XCTAssertEqual(quotes.count, 3)
        }
    }

    func testQuotesComeInTranscriptOrderWithTheirSpeakers() throws {
        try eachPath { api in
            let created = try api.post(try Fixture.text("electric-ferry.txt")).json()
            let id = try XCTUnwrap(created["id"] as? Int)
            let response = try api.send("GET", "/stories/\(id)/quotes")
            XCTAssertEqual(response.status, 200)
            let body = try response.json()
            XCTAssertEqual(body["story_id"] as? Int, id)
            let items = try XCTUnwrap(body["items"] as? [[String: Any]])
            XCTAssertEqual(items.map { $0["position"] as? Int }, [1, 2, 3])
            let speakers = items.map { $0["speaker"] as? [String: Any] }
            XCTAssertEqual(speakers.map { $0?["name"] as? String }, ["Ingrid Solberg", "Tomas Berg", "Amira Haddad"])
            XCTAssertEqual(speakers.map { $0?["title"] as? String }, ["Mayor", "Chief Engineer", "Director"])
            XCTAssertEqual(speakers.map { $0?["organization"] as? String },
                           ["Nordvik Municipality", "Fjordline Electric Ferries", "Coastal Transport Research Institute"])
            XCTAssertTrue(speakers.allSatisfy { ($0?["id"] as? Int ?? 0) > 0 })
            XCTAssertTrue(items.allSatisfy { ($0["id"] as? Int ?? 0) > 0 })
            let first = try XCTUnwrap(items.first?["text"] as? String)
            XCTAssertTrue(first.hasPrefix("We waited twenty years for this."), first)
            XCTAssertTrue(first.hasSuffix("hear the gulls again."), first)
            XCTAssertFalse(first.contains("\""), "quotation marks are stripped")
        }
    }

    func testStoryHasSegmentsSpeakersAndQuotes() throws {
        try eachPath { api in
            let id = try XCTUnwrap(try api.post(try Fixture.text("electric-ferry.txt")).json()["id"] as? Int)
            let response = try api.send("GET", "/stories/\(id)")
            XCTAssertEqual(response.status, 200)
            XCTAssertNotNil(response.header("ETag"))
            let story = try response.json()
            for key in ["id", "title", "location", "duration_seconds", "restrictions", "segments", "speakers", "quotes", "created_at"] {
                XCTAssertTrue(story.keys.contains(key), "missing \(key)")
            }
            let segments = try XCTUnwrap(story["segments"] as? [[String: Any]])
            let kinds = segments.compactMap { $0["kind"] as? String }
            XCTAssertEqual(kinds.filter { $0 == "voice_over" }.count, 3)
            XCTAssertEqual(kinds.filter { $0 == "sound_bite" }.count, 3)
            XCTAssertEqual(segments.map { $0["position"] as? Int }, Array(1...segments.count))
            let narration = segments.filter { $0["kind"] as? String == "voice_over" }.compactMap { $0["text"] as? String }.joined(separator: " ")
            XCTAssertTrue(narration.contains("twelve minutes"))
            XCTAssertFalse(narration.contains("Buy video"), "page clutter is not narration")
            XCTAssertFalse(narration.contains("teaser paragraph"), "the blog teaser is not part of the story")
            let speakers = try XCTUnwrap(story["speakers"] as? [[String: Any]])
            XCTAssertEqual(speakers.count, 3)
            XCTAssertEqual(Set(speakers.flatMap { $0.keys }), ["id", "name", "title", "organization"])
        }
    }

    func testUnknownStoryIs404Problem() throws {
        try eachPath { api in
            let response = try api.send("GET", "/stories/987654")
            XCTAssertEqual(response.status, 404)
            XCTAssertEqual(response.header("Content-Type"), "application/problem+json")
            let problem = try response.json()
            XCTAssertEqual(problem["status"] as? Int, 404)
            XCTAssertTrue((problem["detail"] as? String)?.contains("987654") == true)
            XCTAssertEqual(try api.send("GET", "/stories/987654/quotes").status, 404)
            XCTAssertEqual(try api.send("GET", "/stories/abc").status, 400)
        }
    }

    func testHealthz() throws {
        try eachPath { api in
            let response = try api.send("GET", "/healthz")
            XCTAssertEqual(response.status, 200)
            XCTAssertEqual(try response.json()["status"] as? String, "ok")
            // Never stored, so never revalidated: no validator to compute on every probe.
            XCTAssertEqual(response.header("Cache-Control"), "no-store")
            XCTAssertNil(response.header("ETag"))
            XCTAssertEqual(try api.send("GET", "/readyz").status, 200)
        }
    }

    func testWritesWithoutAValidTokenAre401() throws {
        try eachPath { api in
            let body = Array(try Fixture.text("electric-ferry.txt").utf8)
            let missing = try api.send("POST", "/stories", headers: [("Content-Type", "text/plain")], body: body)
            XCTAssertEqual(missing.status, 401)
            XCTAssertTrue(missing.header("WWW-Authenticate")?.hasPrefix("Bearer") == true)
            XCTAssertEqual(missing.header("Content-Type"), "application/problem+json")
            let wrong = try api.send("POST", "/stories", headers: [("Authorization", "Bearer nope"), ("Content-Type", "text/plain")], body: body)
            XCTAssertEqual(wrong.status, 401)
            XCTAssertEqual(try api.send("GET", "/stories/1").status, 404, "nothing was stored")
        }
    }

    func testSameTranscriptTwiceGivesTheSameStory() throws {
        try eachPath { api in
            let text = try Fixture.text("electric-ferry.txt")
            let first = try api.post(text)
            let second = try api.post(text)
            XCTAssertEqual(first.status, 201)
            XCTAssertEqual(second.status, 200)
            XCTAssertEqual(try second.json()["id"] as? Int, try first.json()["id"] as? Int)
            XCTAssertEqual(second.header("Location"), first.header("Location"))
        }
    }

    func testJSONBodyCarriesMetadata() throws {
        try eachPath { api in
            let payload: [String: Any] = [
                "transcript": try Fixture.text("electric-ferry.txt"),
                "source_url": "https://example.org/ferry", "language": "en", "published_at": "2026-03-01",
            ]
            let response = try api.post(String(decoding: try JSONSerialization.data(withJSONObject: payload), as: UTF8.self), contentType: "application/json")
            XCTAssertEqual(response.status, 201, response.text)
            let story = try response.json()
            XCTAssertEqual(story["source_url"] as? String, "https://example.org/ferry")
            XCTAssertEqual(story["language"] as? String, "en")
            let bad = try api.post(#"{"text": "no transcript member"}"#, contentType: "application/json")
            XCTAssertEqual(bad.status, 400)
            XCTAssertTrue((try bad.json()["detail"] as? String)?.contains("transcript") == true)
        }
    }

    func testGzipBodiesAreAcceptedAndBombsRefused() throws {
        try eachPath { api in
            let packed = Deflate.gzip(Array(try Fixture.text("electric-ferry.txt").utf8))
            let response = try api.send("POST", "/stories", headers: [
                ("Authorization", "Bearer \(APIHarness.token)"), ("Content-Type", "text/plain"), ("Content-Encoding", "gzip"),
            ], body: packed)
            XCTAssertEqual(response.status, 201, response.text)
            let bomb = Deflate.gzip([UInt8](repeating: 0x20, count: 40 << 20))
            let refused = try api.send("POST", "/stories", headers: [
                ("Authorization", "Bearer \(APIHarness.token)"), ("Content-Type", "text/plain"), ("Content-Encoding", "gzip"),
            ], body: bomb)
            XCTAssertEqual(refused.status, 413, refused.text)
        }
    }

    func testOtherMediaTypesAre415AndEmptyTranscriptsAre422() throws {
        try eachPath { api in
            let xml = try api.post("<story/>", contentType: "application/xml")
            XCTAssertEqual(xml.status, 415)
            let empty = try api.post("   \n\n  ")
            XCTAssertEqual(empty.status, 422, empty.text)
            XCTAssertEqual(empty.header("Content-Type"), "application/problem+json")
            let markersOnly = try api.post("[Voice_over]\n[Sound_bite]\n[SOT]\n")
            XCTAssertEqual(markersOnly.status, 422, markersOnly.text)
            XCTAssertTrue((try markersOnly.json()["detail"] as? String)?.contains("nothing to archive") == true)
            XCTAssertEqual((try api.send("GET", "/stories").json()["items"] as? [Any])?.count, 0, "nothing was stored")
        }
    }
}
