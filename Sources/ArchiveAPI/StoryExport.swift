import ArchiveModel

/// The NDJSON form of stories for `storyarchive export`: one story per line, the exact JSON
/// object `GET /stories/{id}` answers (quotes included), so an export can be read with the same
/// code as the API.
public enum StoryExport {
    /// The story's JSON followed by a newline. The encoder escapes newlines inside strings, so a
    /// story is always exactly one line.
    public static func ndjsonLine(_ story: Story) -> [UInt8] {
        APIJSON.encode(StoryJSON(story)) + [0x0A]
    }
}
