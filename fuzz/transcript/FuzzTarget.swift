// libFuzzer entry point for TranscriptParser: any bytes must give a result or a typed error,
// and every index in the result must point inside its arrays. Built by fuzz.sh with
// `swiftc -sanitize=fuzzer,address` over the parser's sources; not part of the package.
import ArchiveModel

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTranscript(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    do {
        let story = try TranscriptParser.parse(bytes: bytes).story
        precondition(!story.title.isEmpty, "empty title")
        for q in story.quotes {
            precondition(story.speakers.indices.contains(q.speakerIndex), "quote speaker out of range")
            precondition(!q.text.isEmpty, "empty quote")
            if let s = q.segmentIndex { precondition(story.segments.indices.contains(s), "quote segment out of range") }
        }
        for s in story.segments {
            if let i = s.speakerIndex { precondition(story.speakers.indices.contains(i), "segment speaker out of range") }
        }
    } catch {
        precondition(!error.detail.isEmpty, "error without detail")
    }
    return 0
}
