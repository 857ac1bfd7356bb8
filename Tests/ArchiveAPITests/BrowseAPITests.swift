import Foundation
import XCTest

/// Lists, speakers, search, replace and delete: each test run in-process and over a real socket.
final class BrowseAPITests: XCTestCase {
    private func eachPath(_ body: (APIHarness) throws -> Void) throws {
        for path in APIHarness.Path.allCases { try body(try APIHarness(path: path)) }
    }

    /// The ferry fixture with a distinguishing sentence, so each copy is a different transcript.
    private func variant(_ n: Int) throws -> String {
        try Fixture.text("electric-ferry.txt").replacingOccurrences(
            of: "[Restrictions:", with: "[Voice_over] Crossing number \(n) was on time. [Restrictions:")
    }

    private func postID(_ api: APIHarness, _ text: String) throws -> Int {
        let response = try api.post(text)
        XCTAssertEqual(response.status, 201, response.text)
        return try XCTUnwrap(try response.json()["id"] as? Int)
    }

    func testStoriesListNewestFirstAndWalksEveryPageOnceWhileInserting() throws {
        try eachPath { api in
            var ids: [Int] = []
            for n in 1...7 { ids.append(try postID(api, try variant(n))) }
            var seen: [Int] = []
            var target = "/stories?limit=3"
            var pages = 0
            while pages < 10 {
                let response = try api.send("GET", target)
                XCTAssertEqual(response.status, 200, response.text)
                let body = try response.json()
                let items = try XCTUnwrap(body["items"] as? [[String: Any]])
                XCTAssertLessThanOrEqual(items.count, 3)
                seen += items.compactMap { $0["id"] as? Int }
                pages += 1
                if pages == 1 {
                    // A story arriving mid-walk must not shift later pages.
                    _ = try postID(api, try variant(100))
                    XCTAssertEqual(items.first?["title"] as? String, "Norway: Fjord town opens its first electric ferry terminal")
                    XCTAssertEqual(items.first?["quote_count"] as? Int, 3)
                }
                guard let next = body["next"] as? String else {
                    XCTAssertNil(response.header("Link"))
                    break
                }
                let link = try XCTUnwrap(response.header("Link"))
                XCTAssertTrue(link.hasSuffix(">; rel=\"next\""), link)
                XCTAssertTrue(link.contains("limit=3"), "the link keeps the other parameters: \(link)")
                target = "/stories?limit=3&cursor=\(next)"
            }
            XCTAssertEqual(seen, ids.reversed(), "newest first, every story exactly once")
            XCTAssertEqual(pages, 3)
        }
    }

    func testStoryFiltersAndParameterErrors() throws {
        try eachPath { api in
            let ferry = try postID(api, try Fixture.text("electric-ferry.txt"))
            let solar = try postID(api, try Fixture.text("solar-pumps.txt"))
            let ids = { (target: String) throws -> [Int] in
                let response = try api.send("GET", target)
                XCTAssertEqual(response.status, 200, "\(target): \(response.text)")
                return (try response.json()["items"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? Int }
            }
            XCTAssertEqual(try ids("/stories?location=kenya"), [solar])
            XCTAssertEqual(try ids("/stories?q=harbour"), [ferry])
            XCTAssertEqual(try ids("/stories?q=daughters"), [solar], "quote text is searched too")
            let haddad = try XCTUnwrap(
                (try api.send("GET", "/speakers?q=haddad").json()["items"] as? [[String: Any]])?.first?["id"] as? Int)
            XCTAssertEqual(try ids("/stories?speaker=\(haddad)"), [solar, ferry])
            for (target, parameter) in [
                ("/stories?limit=0", "limit"), ("/stories?limit=101", "limit"), ("/stories?limit=ten", "limit"),
                ("/stories?from=2026-02-30", "from"), ("/stories?to=yesterday", "to"), ("/stories?speaker=-3", "speaker"),
                ("/stories?cursor=%21%21", "cursor"), ("/stories?limt=5", "limt"),
                ("/stories?from=2026-05-01&to=2026-04-01", "from"),
            ] {
                let response = try api.send("GET", target)
                XCTAssertEqual(response.status, 400, target)
                XCTAssertEqual(response.header("Content-Type"), "application/problem+json")
                XCTAssertEqual(try response.json()["parameter"] as? String, parameter, target)
            }
        }
    }

    func testOneSpeakerAcrossStoriesWithEachStorysTitle() throws {
        try eachPath { api in
            let ferry = try postID(api, try Fixture.text("electric-ferry.txt"))
            let solar = try postID(api, try Fixture.text("solar-pumps.txt"))
            let list = try api.send("GET", "/speakers?q=amira")
            XCTAssertEqual(list.status, 200)
            let items = try XCTUnwrap(try list.json()["items"] as? [[String: Any]])
            XCTAssertEqual(items.count, 1)
            XCTAssertEqual(items.first?["appearance_count"] as? Int, 2)
            let id = try XCTUnwrap(items.first?["id"] as? Int)

            let profile = try api.send("GET", "/speakers/\(id)").json()
            XCTAssertEqual(profile["name"] as? String, "Amira Haddad")
            let appearances = try XCTUnwrap(profile["appearances"] as? [[String: Any]])
            XCTAssertEqual(appearances.compactMap { $0["story_id"] as? Int }, [solar, ferry])
            XCTAssertEqual(appearances.compactMap { $0["title"] as? String }, ["Senior Adviser", "Director"])

            let quotes = try api.send("GET", "/speakers/\(id)/quotes").json()
            XCTAssertEqual(quotes["speaker_id"] as? Int, id)
            XCTAssertEqual((quotes["items"] as? [[String: Any]])?.compactMap { $0["story_id"] as? Int }, [solar, ferry])

            let inStory = try api.send("GET", "/stories/\(ferry)/speakers").json()
            XCTAssertEqual((inStory["items"] as? [[String: Any]])?.compactMap { $0["name"] as? String },
                           ["Ingrid Solberg", "Tomas Berg", "Amira Haddad"])
            XCTAssertEqual(try api.send("GET", "/speakers/999999").status, 404)
            XCTAssertEqual(try api.send("GET", "/speakers/999999/quotes").status, 404)
        }
    }

    func testQuoteSearchIsRankedWithHighlightedSnippets() throws {
        try eachPath { api in
            _ = try postID(api, try Fixture.text("electric-ferry.txt"))
            _ = try postID(api, try Fixture.text("solar-pumps.txt"))
            let response = try api.send("GET", "/quotes?q=batteries")
            XCTAssertEqual(response.status, 200, response.text)
            let hits = try XCTUnwrap(try response.json()["items"] as? [[String: Any]])
            XCTAssertEqual(hits.count, 2)
            XCTAssertTrue(hits.allSatisfy { ($0["snippet"] as? String)?.lowercased().contains("<mark>batteries</mark>") == true }, "\(hits)")
            XCTAssertTrue(hits.allSatisfy { $0["story_title"] is String && $0["speaker"] is [String: Any] })

            let tomas = try XCTUnwrap(
                (try api.send("GET", "/speakers?q=tomas").json()["items"] as? [[String: Any]])?.first?["id"] as? Int)
            let filtered = try XCTUnwrap(try api.send("GET", "/quotes?q=batteries&speaker=\(tomas)").json()["items"] as? [[String: Any]])
            XCTAssertEqual(filtered.count, 1)
            XCTAssertEqual((filtered.first?["speaker"] as? [String: Any])?["name"] as? String, "Tomas Berg")

            let paged = try api.send("GET", "/quotes?q=batteries&limit=1").json()
            let next = try XCTUnwrap(paged["next"] as? String)
            let second = try api.send("GET", "/quotes?q=batteries&limit=1&cursor=\(next)").json()
            XCTAssertEqual((second["items"] as? [Any])?.count, 1)
            XCTAssertTrue(second["next"] is NSNull)

            XCTAssertEqual(try api.send("GET", "/quotes").status, 400, "q is required")
            XCTAssertEqual(try api.send("GET", "/quotes?q=%20").status, 400)
            XCTAssertEqual((try api.send("GET", "/quotes?q=zeppelin").json()["items"] as? [Any])?.count, 0)
            XCTAssertEqual(try api.send("GET", "/quotes?q=%22unbalanced").status, 200, "search syntax never becomes a 500")
        }
    }

    func testSegmentsOfAStory() throws {
        try eachPath { api in
            let id = try postID(api, try Fixture.text("solar-pumps.txt"))
            let body = try api.send("GET", "/stories/\(id)/segments").json()
            XCTAssertEqual(body["story_id"] as? Int, id)
            let items = try XCTUnwrap(body["items"] as? [[String: Any]])
            XCTAssertEqual(items.compactMap { $0["kind"] as? String }, ["voice_over", "sound_bite", "voice_over", "sound_bite"])
            XCTAssertEqual((items.dropFirst().first?["speaker"] as? [String: Any])?["name"] as? String, "Joseph Mwangi")
            XCTAssertEqual(try api.send("GET", "/stories/424242/segments").status, 404)
        }
    }

    func testReplaceReparsesAndDeleteRemovesOrphanSpeakers() throws {
        try eachPath { api in
            let auth = [("Authorization", "Bearer \(APIHarness.token)"), ("Content-Type", "text/plain")]
            let id = try postID(api, try Fixture.text("electric-ferry.txt"))
            let replaced = try api.send("PUT", "/stories/\(id)", headers: auth, body: Array(try Fixture.text("solar-pumps.txt").utf8))
            XCTAssertEqual(replaced.status, 200, replaced.text)
            XCTAssertEqual(try replaced.json()["id"] as? Int, id)
            XCTAssertEqual(try replaced.json()["location"] as? String, "Kenya")
            XCTAssertEqual((try api.send("GET", "/speakers?q=ingrid").json()["items"] as? [Any])?.count, 0,
                           "a speaker left without appearances is gone")
            XCTAssertEqual(try api.send("PUT", "/stories/99999", headers: auth, body: Array("Some words.".utf8)).status, 404)
            XCTAssertEqual(try api.send("PUT", "/stories/\(id)", headers: [("Content-Type", "text/plain")], body: Array("x".utf8)).status, 401)

            XCTAssertEqual(try api.send("DELETE", "/stories/\(id)").status, 401)
            let deleted = try api.send("DELETE", "/stories/\(id)", headers: [("Authorization", "Bearer \(APIHarness.token)")])
            XCTAssertEqual(deleted.status, 204)
            XCTAssertTrue(deleted.body.isEmpty)
            XCTAssertEqual(try api.send("GET", "/stories/\(id)").status, 404)
            XCTAssertEqual(try api.send("GET", "/stories/\(id)/quotes").status, 404)
            XCTAssertEqual((try api.send("GET", "/speakers").json()["items"] as? [Any])?.count, 0)
            XCTAssertEqual(try api.send("DELETE", "/stories/\(id)", headers: [("Authorization", "Bearer \(APIHarness.token)")]).status, 404)
        }
    }

    func testConditionalGetOnEveryReadEndpoint() throws {
        try eachPath { api in
            let id = try postID(api, try Fixture.text("electric-ferry.txt"))
            for target in ["/stories", "/stories/\(id)", "/stories/\(id)/quotes", "/stories/\(id)/segments", "/stories/\(id)/speakers",
                           "/speakers", "/quotes?q=quiet", "/openapi.json"] {
                let first = try api.send("GET", target)
                XCTAssertEqual(first.status, 200, target)
                let tag = try XCTUnwrap(first.header("ETag"), target)
                XCTAssertNotNil(first.header("Cache-Control"), target)
                let again = try api.send("GET", target, headers: [("If-None-Match", tag)])
                XCTAssertEqual(again.status, 304, target)
                XCTAssertTrue(again.body.isEmpty, target)
            }
            // A write changes the data, and so the tag.
            let before = try XCTUnwrap(try api.send("GET", "/stories").header("ETag"))
            _ = try postID(api, try Fixture.text("solar-pumps.txt"))
            XCTAssertEqual(try api.send("GET", "/stories", headers: [("If-None-Match", before)]).status, 200)
        }
    }

    func testHeadAndOptions() throws {
        try eachPath { api in
            let id = try postID(api, try Fixture.text("electric-ferry.txt"))
            let get = try api.send("GET", "/stories/\(id)")
            let head = try api.send("HEAD", "/stories/\(id)")
            XCTAssertEqual(head.status, 200)
            XCTAssertTrue(head.body.isEmpty)
            XCTAssertEqual(head.header("ETag"), get.header("ETag"))
            let options = try api.send("OPTIONS", "/stories/\(id)")
            XCTAssertEqual(options.status, 204)
            XCTAssertEqual(options.header("Allow"), "GET, PUT, DELETE, HEAD, OPTIONS")
            let wrong = try api.send("PATCH", "/stories/\(id)")
            XCTAssertEqual(wrong.status, 405)
            XCTAssertEqual(wrong.header("Allow"), "GET, PUT, DELETE, HEAD, OPTIONS")
        }
    }
}
