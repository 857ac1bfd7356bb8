import Foundation
import GRDB
import Hummingbird

// The peer serves the two routes the benchmark compares, in the plainest idiomatic way:
// a static /healthz, and GET /stories/{id}/quotes reading the same SQLite file with the same
// three queries as the product (story exists, its speakers, its quotes) and writing the same
// JSON shape with sorted keys. Usage: QuotesPeer DB_PATH PORT

struct SpeakerBody: Encodable {
    var id: Int64
    var name: String
    var title: String?
    var organization: String?

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(name, forKey: .name)
        try c.encode(title, forKey: .title)
        try c.encode(organization, forKey: .organization)
    }
    enum CodingKeys: String, CodingKey { case id, name, title, organization }
}

struct QuoteBody: Encodable {
    var id: Int64
    var position: Int
    var text: String
    var speaker: SpeakerBody
    var language: String?
    var interpreted: Bool
    var truncated: Bool

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(position, forKey: .position)
        try c.encode(text, forKey: .text)
        try c.encode(speaker, forKey: .speaker)
        try c.encode(language, forKey: .language)
        try c.encode(interpreted, forKey: .interpreted)
        try c.encode(truncated, forKey: .truncated)
    }
    enum CodingKeys: String, CodingKey { case id, position, text, speaker, language, interpreted, truncated }
}

struct QuotesBody: Encodable {
    var storyID: Int64
    var items: [QuoteBody]
    enum CodingKeys: String, CodingKey { case storyID = "story_id", items }
}

let arguments = CommandLine.arguments
guard arguments.count == 3, let port = Int(arguments[2]) else {
    FileHandle.standardError.write(Data("usage: QuotesPeer DB_PATH PORT\n".utf8))
    exit(2)
}

struct QuoteStore: Sendable {
    let pool: DatabasePool

    func quotes(storyID: Int64) async throws -> [QuoteBody]? {
        try await pool.read { db -> [QuoteBody]? in
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM stories WHERE id = ?", arguments: [storyID]) != nil else {
                return nil
            }
            var speakers: [Int64: SpeakerBody] = [:]
            for row in try Row.fetchAll(db, sql: """
                SELECT s.id, s.name, a.title, a.organization
                FROM appearances a JOIN speakers s ON s.id = a.speaker_id
                WHERE a.story_id = ? ORDER BY a.position
                """, arguments: [storyID]) {
                let speaker = SpeakerBody(id: row["id"], name: row["name"], title: row["title"], organization: row["organization"])
                speakers[speaker.id] = speaker
            }
            return try Row.fetchAll(db, sql: """
                SELECT id, position, speaker_id, text, language, interpreted, truncated
                FROM quotes WHERE story_id = ? ORDER BY position
                """, arguments: [storyID]).map { row in
                let speakerID: Int64 = row["speaker_id"]
                return QuoteBody(
                    id: row["id"], position: row["position"], text: row["text"],
                    speaker: speakers[speakerID] ?? SpeakerBody(id: speakerID, name: ""),
                    language: row["language"], interpreted: row["interpreted"], truncated: row["truncated"]
                )
            }
        }
    }
}

var dbConfig = Configuration()
dbConfig.readonly = true
let store = QuoteStore(pool: try DatabasePool(path: arguments[1], configuration: dbConfig))

let healthBody = ByteBuffer(string: #"{"status":"ok"}"#)
let router = Router()
router.get("/healthz") { _, _ -> Response in
    Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: healthBody))
}
router.get("/stories/:id/quotes") { [store] _, context -> Response in
    let id = try context.parameters.require("id", as: Int64.self)
    guard let items = try await store.quotes(storyID: id) else {
        throw HTTPError(.notFound)
    }
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
    let data = try encoder.encode(QuotesBody(storyID: id, items: items))
    return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
}

// No request logging (the framework logs none by default), as ours runs with --log-level warning.
let app = Application(
    router: router,
    configuration: .init(address: .hostname("127.0.0.1", port: port))
)
try await app.runService()
