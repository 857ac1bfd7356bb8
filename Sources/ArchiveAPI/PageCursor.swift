import Foundation
import Routing
import Storage

/// The opaque `next` cursors of paginated lists.
///
/// A cursor is base64url text of `<kind>:<position>`, so clients treat it as a token and the
/// server can change what is inside without breaking them; the kind stops a cursor of one list
/// being used on another.
enum PageCursor {
    static func encode(kind: String, _ payload: String) -> String {
        Data("\(kind):\(payload)".utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// The payload of a cursor of `kind`, or a 400 naming the `cursor` parameter.
    static func decode(kind: String, _ cursor: String) throws(HTTPError) -> String {
        var base64 = cursor.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        guard cursor.count <= 512, let data = Data(base64Encoded: base64), let text = String(data: data, encoding: .utf8),
              text.hasPrefix(kind + ":")
        else {
            throw .badParameter("cursor", "is not a cursor this list gave out; use the `next` value of the previous page as is")
        }
        return String(text.dropFirst(kind.count + 1))
    }

    // Story lists: the last story id of the page.
    static func stories(_ id: Int64) -> String { encode(kind: "s", String(id)) }
    static func storyID(_ cursor: String) throws(HTTPError) -> Int64 {
        guard let id = Request.positiveInteger(try decode(kind: "s", cursor)) else { throw .badParameter("cursor", "is damaged") }
        return id
    }

    // Speaker lists: the sort key of the last speaker.
    static func speakers(_ key: String) -> String { encode(kind: "p", key) }
    static func speakerKey(_ cursor: String) throws(HTTPError) -> String { try decode(kind: "p", cursor) }

    // A speaker's quotes: story and position of the last quote.
    static func speakerQuotes(_ position: QuoteCursor) -> String { encode(kind: "q", "\(position.storyID).\(position.position)") }
    static func quoteCursor(_ cursor: String) throws(HTTPError) -> QuoteCursor {
        let parts = try decode(kind: "q", cursor).split(separator: ".")
        guard parts.count == 2, let story = Request.positiveInteger(String(parts[0])), let position = Int(parts[1]), position > 0 else {
            throw .badParameter("cursor", "is damaged")
        }
        return QuoteCursor(storyID: story, position: position)
    }

    // Ranked search results: how many hits came before the next page.
    static func searchOffset(_ offset: Int) -> String { encode(kind: "r", String(offset)) }
    static func offset(_ cursor: String) throws(HTTPError) -> Int {
        guard let offset = Int(try decode(kind: "r", cursor)), offset >= 0, offset < 100_000 else { throw .badParameter("cursor", "is damaged") }
        return offset
    }
}

/// Validation of the query parameters the lists share. Each failure is a 400 naming the parameter.
enum ListParameters {
    static let defaultLimit = 20
    static let maximumLimit = 100

    static func limit(_ request: Request) throws(HTTPError) -> Int {
        guard let text = request.queryValue("limit") else { return defaultLimit }
        guard let value = Int(text), text.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }), (1...maximumLimit).contains(value) else {
            throw .badParameter("limit", "must be a whole number from 1 to \(maximumLimit), got '\(text)'")
        }
        return value
    }

    static func id(_ request: Request, _ name: String) throws(HTTPError) -> Int64? {
        guard let text = request.queryValue(name) else { return nil }
        guard let id = Request.positiveInteger(text) else { throw .badParameter(name, "must be a positive integer id, got '\(text)'") }
        return id
    }

    /// A calendar day `YYYY-MM-DD` that exists (2026-02-30 does not).
    static func day(_ request: Request, _ name: String) throws(HTTPError) -> String? {
        guard let text = request.queryValue(name) else { return nil }
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard text.utf8.count == 10, parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
              (1...12).contains(month), (1...daysIn(month: month, year: year)).contains(day)
        else { throw .badParameter(name, "must be a date written YYYY-MM-DD, got '\(text)'") }
        return text
    }

    /// A free-text parameter: trimmed, non-empty, at most 200 characters.
    static func text(_ request: Request, _ name: String, required: Bool = false) throws(HTTPError) -> String? {
        guard let raw = request.queryValue(name) else {
            if required { throw .badParameter(name, "is required") }
            return nil
        }
        let text = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        if text.isEmpty {
            if required { throw .badParameter(name, "must not be empty") }
            return nil
        }
        guard text.count <= 200 else { throw .badParameter(name, "must be at most 200 characters") }
        return text
    }

    static func cursor(_ request: Request) -> String? {
        request.queryValue("cursor").flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Rejects parameters the endpoint does not know, so a typo (`limt=5`) is not silently ignored.
    static func allowOnly(_ names: Set<String>, in request: Request) throws(HTTPError) {
        for (name, _) in request.query where !names.contains(name) {
            throw .badParameter(name, "is not a parameter of this endpoint; known: \(names.sorted().joined(separator: ", "))")
        }
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}
