import Storage
import TranscriptParsing

/// Why a use case could not be carried out. The API module maps each case to one HTTP status.
public enum ServiceError: Error, Sendable {
    /// No story (or speaker) with that id.
    case notFound(String)
    /// The input was read but has nothing the archive can keep; `detail` says what was missing.
    case unprocessable(String)
    /// The input is not usable at all (not text, too large once decompressed...).
    case invalidInput(String)
    case storage(StorageError)
}
