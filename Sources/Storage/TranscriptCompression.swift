import Deflate

/// The one place that decides how a raw transcript is kept: zlib format (RFC 1950) through Deflate.
enum TranscriptCompression {
    static func compress(_ bytes: [UInt8]) -> [UInt8] {
        Deflate.compress(bytes)
    }

    /// - Parameter byteCount: the size recorded at ingest; a stream inflating to anything else is corrupt.
    static func decompress(_ bytes: [UInt8], byteCount: Int) throws(StorageError) -> [UInt8] {
        let raw: [UInt8]
        do {
            raw = try Deflate.decompress(bytes, limit: byteCount)
        } catch {
            throw .corrupt("stored transcript does not inflate: \(error)")
        }
        guard raw.count == byteCount else {
            throw .corrupt("stored transcript inflates to \(raw.count) bytes, \(byteCount) recorded")
        }
        return raw
    }
}
