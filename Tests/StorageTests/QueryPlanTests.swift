import ArchiveModel
import Foundation
import GRDB
import Synchronization
import XCTest

@testable import Storage

/// Every statement the repositories run, captured while exercising the whole storage API, must be
/// answered through an index: no full scan of a table and no sort of a table, checked with
/// EXPLAIN QUERY PLAN (https://sqlite.org/eqp.html).
final class QueryPlanTests: XCTestCase {
    func testEveryStatementTheAPIRunsUsesAnIndex() throws {
        let directory = try makeTemporaryDirectory()
        let captured = Mutex<[String]>([])
        let database = try ArchiveDatabase(
            path: directory.file("archive.sqlite"), migrate: true, busyTimeout: .seconds(5),
            migrations: Migration.embedded, trace: { sql in captured.withLock { $0.append(sql) } }
        )
        let stories = StoryRepository(database: database)
        let speakers = SpeakerRepository(database: database)
        let quotes = QuoteRepository(database: database)

        // Enough rows that a scan and an index look different to the planner.
        var ids: [Int64] = []
        for n in 0 ..< 30 {
            let draft = StoryDraft.make(
                title: "Story \(n) about floods", location: n % 2 == 0 ? "Germany" : "China",
                isoDate: String(format: "2020-02-%02d", n % 28 + 1),
                speakers: [
                    SpeakerDraft(name: "Anna Schmidt", title: "Mayor", rawLabel: "ANNA SCHMIDT"),
                    SpeakerDraft(name: "Person \(n)", rawLabel: "PERSON \(n)"),
                ]
            )
            ids.append(try stories.insert(draft, transcript: transcriptBytes("t\(n)"), metadata: StoryMetadata()).story.id)
        }
        let anna = try XCTUnwrap(try stories.story(id: ids[0])?.speakers.first?.id)

        captured.withLock { $0.removeAll() }
        _ = try stories.insert(.make(title: "Another"), transcript: transcriptBytes("another"), metadata: StoryMetadata())
        _ = try stories.insert(.make(), transcript: transcriptBytes("t1"), metadata: StoryMetadata())  // duplicate
        _ = try stories.story(id: ids[3])
        _ = try stories.quotes(storyID: ids[3])
        _ = try stories.transcript(storyID: ids[3])
        let page = try stories.list(StoryQuery(limit: 5))
        _ = try stories.list(StoryQuery(limit: 5, after: page.nextCursor))
        _ = try stories.list(StoryQuery(location: "germany", limit: 5))
        _ = try stories.list(StoryQuery(from: "2020-02-03", to: "2020-02-09", limit: 5))
        _ = try stories.list(StoryQuery(speakerID: anna, limit: 5, after: ids[20]))
        _ = try stories.list(StoryQuery(text: "floods", limit: 5))
        _ = try stories.list(StoryQuery(text: "prepared", location: "China", limit: 5, after: ids[25]))
        _ = try speakers.list(limit: 5)
        _ = try speakers.list(limit: 5, after: "anna schmidt")
        _ = try speakers.list(search: "pers", limit: 5)
        _ = try speakers.speaker(id: anna)
        let quotePage = try XCTUnwrap(try speakers.quotes(speakerID: anna, limit: 3))
        _ = try speakers.quotes(speakerID: anna, limit: 3, after: quotePage.nextCursor)
        try speakers.addAlias("A. Schmidt", speakerID: anna)
        _ = try quotes.search("walls hold", limit: 5)
        _ = try quotes.search("prepared", speakerID: anna, limit: 5)
        _ = try stories.stories(afterID: ids[10], limit: 3)
        _ = try stories.replace(id: ids[4], with: .make(title: "Replaced"), metadata: StoryMetadata())
        _ = try stories.delete(id: ids[5])

        let statements = captured.withLock { $0 }.filter(Self.isQuery)
        XCTAssertGreaterThan(statements.count, 20)
        var checked = 0
        for sql in Set(statements).sorted() {
            let plan = try database.pool.read { db in
                try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql).map { $0["detail"] as String }
            }
            checked += 1
            for problem in Self.problems(in: plan, of: sql) {
                XCTFail("\(problem) in the plan of\n\(sql)\nplan:\n  \(plan.joined(separator: "\n  "))")
            }
        }
        XCTAssertGreaterThan(checked, 20)
    }

    /// What a plan must not do: scan a whole table, build an automatic index, or sort a table.
    ///
    /// Three deliberate exceptions: the unfiltered story list walks `stories` by rowid newest first and
    /// stops at the page size (a rowid-ordered SCAN with LIMIT, no sort); a sort is accepted when
    /// it orders only rows an index or full-text match already selected (ranked search, matching
    /// names, a date range) rather than a table; and a scan of a result the query materialized
    /// itself with a LIMIT (the page of search hits) reads at most that page.
    static func problems(in plan: [String], of sql: String) -> [String] {
        var problems: [String] = []
        let unfilteredStoryList = sql.range(of: #"FROM stories s\s+ORDER BY s\.id DESC"#, options: .regularExpression) != nil
        let sortsSelectedRows = sql.contains(" MATCH ") || sql.contains("dateline_iso >=") || sql.contains("dateline_iso <=")
        let limitedPages: Set<String> = sql.contains("LIMIT ")
            ? Set(plan.compactMap { line in
                let text = line.trimmingCharacters(in: CharacterSet(charactersIn: "|`- "))
                return text.hasPrefix("MATERIALIZE ") ? String(text.dropFirst("MATERIALIZE ".count)) : nil
            })
            : []
        for line in plan {
            if line.hasPrefix("SCAN "), !line.contains(" USING "), !line.contains("VIRTUAL TABLE"),
               !(unfilteredStoryList && line == "SCAN s"), !limitedPages.contains(String(line.dropFirst("SCAN ".count)))
            {
                problems.append("full table scan (\(line))")
            }
            if line.contains("AUTOMATIC") {
                problems.append("automatic index (\(line))")
            }
            if line.contains("TEMP B-TREE FOR ORDER BY") || line.contains("TEMP B-TREE FOR RIGHT PART OF ORDER BY"), !sortsSelectedRows {
                problems.append("sort (\(line))")
            }
        }
        return problems
    }

    func testTheCheckItselfCatchesScansAndSorts() {
        XCTAssertEqual(Self.problems(in: ["SCAN quotes"], of: "SELECT * FROM quotes WHERE text = 'x'").count, 1)
        XCTAssertEqual(Self.problems(in: ["MATERIALIZE hits", "SCAN hits"], of: "WITH hits AS (SELECT 1 LIMIT 20) SELECT * FROM hits").count, 0)
        XCTAssertEqual(Self.problems(in: ["MATERIALIZE hits", "SCAN quotes"], of: "WITH hits AS (SELECT 1 LIMIT 20) SELECT * FROM quotes").count, 1)
        XCTAssertEqual(Self.problems(in: ["SCAN s", "USE TEMP B-TREE FOR ORDER BY"], of: "SELECT * FROM stories s WHERE s.title = 'x' ORDER BY s.id DESC").count, 2)
        XCTAssertEqual(Self.problems(in: ["SEARCH a USING AUTOMATIC COVERING INDEX (x=?)"], of: "SELECT 1").count, 1)
        XCTAssertEqual(Self.problems(in: ["SEARCH s USING INTEGER PRIMARY KEY (rowid=?)"], of: "SELECT 1").count, 0)
    }

    /// Statements worth a plan: reads and writes with a WHERE clause, not FTS5's own shadow-table work.
    static func isQuery(_ sql: String) -> Bool {
        let head = sql.trimmingCharacters(in: .whitespacesAndNewlines).uppercased()
        guard head.hasPrefix("SELECT") || head.hasPrefix("UPDATE") || head.hasPrefix("DELETE") else { return false }
        return !sql.contains("_fts_") && !sql.contains("'main'.") && !sql.contains("\"main\".") && !head.contains("SQLITE_")
    }
}
