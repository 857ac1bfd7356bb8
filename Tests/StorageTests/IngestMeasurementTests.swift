import ArchiveModel
import Foundation
import GRDB
import XCTest

@testable import Storage

/// Prints the ingest rate and the database size per story for synthetic stories; asserts only that
/// every story was stored. 100 stories by default so the suite stays quick;
/// `STORAGE_MEASURE_STORIES=10000` (scripts/storage/measure-ingest.sh) for the reported figures.
final class IngestMeasurementTests: XCTestCase {
    static let maximumStories = 20_000
    static let maximumSeconds: TimeInterval = 300

    func testIngestRateAndSizePerStory() throws {
        let requested = ProcessInfo.processInfo.environment["STORAGE_MEASURE_STORIES"].flatMap(Int.init) ?? 100
        let count = min(max(requested, 1), Self.maximumStories)
        let durability = ProcessInfo.processInfo.environment["STORAGE_MEASURE_DURABILITY"]
            .flatMap(ArchiveDatabase.Durability.init(rawValue:)) ?? .full
        let directory = try makeTemporaryDirectory()
        let database = try ArchiveDatabase(path: directory.file("archive.sqlite"), durability: durability)
        let repository = StoryRepository(database: database)
        var generator = SyntheticStories(seed: 42)

        var transcriptBytesTotal = 0
        var stored = 0
        let start = Date()
        for n in 0 ..< count {
            let (draft, transcript) = generator.next(number: n)
            transcriptBytesTotal += transcript.count
            if try repository.insert(draft, transcript: transcript, metadata: StoryMetadata(language: "en")).created {
                stored += 1
            }
            if Date().timeIntervalSince(start) > Self.maximumSeconds { break }
        }
        let elapsed = Date().timeIntervalSince(start)
        XCTAssertGreaterThan(stored, 0)
        XCTAssertEqual(try database.pool.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM stories") }, stored)

        try database.pool.writeWithoutTransaction { db in _ = try Row.fetchAll(db, sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
        let bytes = try database.pool.read { db in
            (try Int.fetchOne(db, sql: "PRAGMA page_count") ?? 0) * (try Int.fetchOne(db, sql: "PRAGMA page_size") ?? 0)
        }
        let fileBytes = (try FileManager.default.attributesOfItem(atPath: database.path)[.size] as? NSNumber)?.intValue ?? 0

        // Where the bytes go, when SQLite was built with the dbstat table (https://sqlite.org/dbstat.html).
        if let breakdown = try? database.pool.read({ db in
            try Row.fetchAll(db, sql: "SELECT name, sum(pgsize) AS size FROM dbstat GROUP BY name ORDER BY size DESC LIMIT 12")
        }) {
            print("ingest measurement: bytes/story by table or index: " + breakdown.map { row in
                "\(row["name"] as String) \(Int((row["size"] as Int) / max(stored, 1)))"
            }.joined(separator: ", "))
        }

        // A read-side figure too: fetching whole stories back, and one listing page with a search.
        let readStart = Date()
        let sample = min(stored, 1000)
        for id in 1 ... Int64(sample) { _ = try repository.story(id: id) }
        let readElapsed = Date().timeIntervalSince(readStart)
        let searchStart = Date()
        let hits = try repository.list(StoryQuery(text: "harbour", limit: 20)).items.count
        let searchElapsed = Date().timeIntervalSince(searchStart)

        print(String(
            format: """
                ingest measurement: %d stories in %.2f s = %.0f stories/s (durability %@, one transaction each)
                ingest measurement: database %d bytes (file %d) = %.0f bytes/story; raw transcripts averaged %.0f bytes
                ingest measurement: story(id:) %.0f reads/s over %d stories; list(q: "harbour") %d hits in %.1f ms
                """,
            stored, elapsed, Double(stored) / max(elapsed, 1e-9), durability.rawValue,
            bytes, fileBytes, Double(bytes) / Double(max(stored, 1)), Double(transcriptBytesTotal) / Double(max(stored, 1)),
            Double(sample) / max(readElapsed, 1e-9), sample, hits, searchElapsed * 1000
        ))
    }
}

/// Deterministic synthetic news scripts: a shot list, narration, three speakers drawn from a pool
/// (so speakers recur across stories as in real archives), two or three quotes.
struct SyntheticStories {
    private var state: UInt64
    private let words = [
        "minister", "harbour", "flood", "election", "bridge", "protest", "council", "village", "market", "storm",
        "police", "hospital", "school", "border", "farmers", "energy", "court", "festival", "railway", "airport",
        "the", "said", "on", "in", "and", "of", "a", "to", "residents", "officials", "monday", "crowds", "water",
    ]
    private let places = ["Germany", "China", "India", "Venezuela", "United States", "Ukraine", "Kenya", "Brazil"]

    init(seed: UInt64) { state = seed }

    /// SplitMix64: small and good enough to vary text.
    private mutating func random() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    private mutating func pick<T>(_ items: [T]) -> T { items[Int(random() % UInt64(items.count))] }

    private mutating func sentence(_ length: Int) -> String {
        var parts: [String] = []
        for _ in 0 ..< length { parts.append(pick(words)) }
        return parts.joined(separator: " ").capitalizedFirst + "."
    }

    mutating func next(number: Int) -> (StoryDraft, [UInt8]) {
        let speakerCount = 3
        var speakers: [SpeakerDraft] = []
        for _ in 0 ..< speakerCount {
            let person = Int(random() % 500)
            speakers.append(SpeakerDraft(
                name: "Person\(person) Surname\(person % 37)", title: pick(["Mayor", "Resident", "Minister", "Doctor"]),
                organization: pick([nil, "City Council", "Red Cross"]), rawLabel: "PERSON\(person) SURNAME\(person % 37), resident"
            ))
        }
        var segments: [SegmentDraft] = []
        var quotes: [QuoteDraft] = []
        for shot in 1 ... 8 {
            segments.append(SegmentDraft(kind: .shot, text: "\(shot). " + sentence(6)))
        }
        for paragraph in 0 ..< 4 {
            segments.append(SegmentDraft(kind: .voiceOver, text: (0 ..< 3).map { _ in sentence(14) }.joined(separator: " ")))
            if paragraph < speakerCount {
                let text = (0 ..< 2).map { _ in sentence(16) }.joined(separator: " ")
                segments.append(SegmentDraft(kind: .soundBite, text: "\"\(text)\"", speakerIndex: paragraph))
                quotes.append(QuoteDraft(speakerIndex: paragraph, segmentIndex: segments.count - 1, text: text))
            }
        }
        let day = 1 + number % 28
        let draft = StoryDraft(
            title: "Story \(number): " + sentence(6), location: pick(places),
            dateline: Dateline(place: "Somewhere", date: "\(day) February 2020", isoDate: String(format: "2020-02-%02d", day)),
            durationSeconds: 60 + number % 240, restrictions: ["Access all"], storyNumber: "SN\(number)", source: "Synthetic",
            segments: segments, speakers: speakers, quotes: quotes
        )
        // The raw page: headers, the shot list and script as a client would post them.
        var raw = "STORY NUMBER: SN\(number)\nTITLE: \(draft.title)\nLOCATION: \(draft.location ?? "")\n\nSHOTLIST\n"
        for segment in segments {
            raw += segment.text + "\n"
        }
        for speaker in speakers {
            raw += "SOUNDBITE: \(speaker.rawLabel)\n"
        }
        return (draft, Array(raw.utf8))
    }
}

private extension String {
    var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
}
