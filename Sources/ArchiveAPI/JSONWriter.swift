/// Writes JSON bytes directly, for the shapes on the hottest read path.
///
/// `JSONEncoder` was the largest single cost of answering `GET /stories/{id}/quotes` from the
/// database (13.6% of its CPU in a profile). The writer produces exactly the bytes the API's
/// encoder configuration produces (`APIJSON`: sorted keys, slashes unescaped, the same string
/// escapes), so a response's bytes — and its ETag — do not depend on which one wrote it;
/// `JSONWriterTests` compares the two.
struct JSONWriter {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int = 1024) {
        bytes.reserveCapacity(capacity)
    }

    mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    mutating func key(_ name: StaticString) {
        bytes.append(UInt8(ascii: "\""))
        raw(name)
        raw("\":")
    }

    mutating func int<I: BinaryInteger>(_ value: I) {
        bytes.append(contentsOf: String(value).utf8)
    }

    mutating func bool(_ value: Bool) {
        if value { raw("true") } else { raw("false") }
    }

    mutating func string(_ value: String?) {
        guard let value else { return raw("null") }
        bytes.append(UInt8(ascii: "\""))
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\""): raw("\\\"")
            case UInt8(ascii: "\\"): raw("\\\\")
            case 0x08: raw("\\b")
            case 0x09: raw("\\t")
            case 0x0A: raw("\\n")
            case 0x0C: raw("\\f")
            case 0x0D: raw("\\r")
            case 0x00..<0x20:
                raw("\\u00")
                bytes.append(Self.hex[Int(byte >> 4)])
                bytes.append(Self.hex[Int(byte & 0x0F)])
            default:
                bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    private static let hex = Array("0123456789abcdef".utf8)
}

extension SpeakerJSON {
    /// The stored speaker's shape (`raw_label` only belongs to parsed drafts, which go through the encoder).
    func write(to w: inout JSONWriter) {
        w.raw("{")
        if let id { w.key("id"); w.int(id); w.raw(",") }
        w.key("name"); w.string(name); w.raw(",")
        w.key("organization"); w.string(organization); w.raw(",")
        if let rawLabel { w.key("raw_label"); w.string(rawLabel); w.raw(",") }
        w.key("title"); w.string(title)
        w.raw("}")
    }
}

extension QuoteJSON {
    func write(to w: inout JSONWriter) {
        w.raw("{")
        if let id { w.key("id"); w.int(id); w.raw(",") }
        w.key("interpreted"); w.bool(interpreted); w.raw(",")
        w.key("language"); w.string(language); w.raw(",")
        w.key("position"); w.int(position); w.raw(",")
        w.key("speaker"); speaker.write(to: &w); w.raw(",")
        if let storyID { w.key("story_id"); w.int(storyID); w.raw(",") }
        w.key("text"); w.string(text); w.raw(",")
        w.key("truncated"); w.bool(truncated)
        w.raw("}")
    }
}

extension StoryQuotesJSON {
    /// `{"items":[...],"story_id":N}`, as the encoder writes it.
    var bytes: [UInt8] {
        var w = JSONWriter(capacity: 256 + items.count * 400)
        w.raw("{")
        w.key("items"); w.raw("[")
        for (index, item) in items.enumerated() {
            if index > 0 { w.raw(",") }
            item.write(to: &w)
        }
        w.raw("],")
        w.key("story_id"); w.int(storyID)
        w.raw("}")
        return w.bytes
    }
}
