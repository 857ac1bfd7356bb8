import ArchiveModel
import Foundation
@testable import TranscriptParsing

/// The JSON shape the corpus scorer reads (`storyarchive parse FILE` prints the same shape),
/// used by the corpus tests to dump what the parser read.
extension ParseResult {
    var scorerJSON: [String: Any] {
        let s = story
        func speakerObject(_ i: Int) -> [String: Any] {
            let sp = s.speakers[i]
            return ["name": sp.name, "title": sp.title as Any, "organization": sp.organization as Any, "raw_label": sp.rawLabel]
        }
        var segments: [[String: Any]] = []
        for (i, seg) in s.segments.enumerated() {
            var o: [String: Any] = ["position": i + 1, "kind": seg.kind.rawValue, "text": seg.text]
            if let si = seg.speakerIndex { o["speaker"] = speakerObject(si) }
            segments.append(o)
        }
        var quotes: [[String: Any]] = []
        for (i, q) in s.quotes.enumerated() {
            quotes.append([
                "position": i + 1, "text": q.text, "speaker": speakerObject(q.speakerIndex),
                "language": q.language as Any, "interpreted": q.interpreted, "truncated": q.truncated,
            ])
        }
        return [
            "title": s.title, "location": s.location as Any,
            "dateline": s.dateline.map { ["place": $0.place as Any, "date": $0.date as Any, "iso_date": $0.isoDate as Any] } as Any,
            "duration_seconds": s.durationSeconds as Any, "restrictions": s.restrictions,
            "story_number": s.storyNumber as Any, "source": s.source as Any,
            "segments": segments, "speakers": s.speakers.indices.map(speakerObject), "quotes": quotes,
            "warnings": warnings.map { ["code": $0.code, "message": $0.message] },
        ]
    }

    func scorerJSONData() throws -> Data {
        try JSONSerialization.data(withJSONObject: scorerJSON, options: [.prettyPrinted, .sortedKeys])
    }
}
