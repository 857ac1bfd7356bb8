/// One-shot compression through the system zlib.
///
/// Each call builds its own stream: zlib streams are not thread-safe, and one-shot calls
/// keep callers (storage, the HTTP layer) free of any shared state.
public enum Deflate {
    /// Compresses `bytes` (zlib format unless told otherwise).
    public static func compress(_ bytes: [UInt8], format: DeflateFormat = .zlib, level: Int32 = 6) -> [UInt8] {
        DeflateStream(format: format, level: level, inputSize: bytes.count).compress(bytes)
    }

    /// Decompresses `bytes`, refusing to produce more than `limit` bytes.
    /// - Throws: `DeflateError.tooLarge` past the limit, `.corrupt` for anything unreadable.
    public static func decompress(_ bytes: [UInt8], format: DeflateFormat = .zlib, limit: Int) throws(DeflateError) -> [UInt8] {
        try InflateStream(format: format).decompress(bytes, limit: limit)
    }

    /// gzip for HTTP `Content-Encoding: gzip`.
    public static func gzip(_ bytes: [UInt8], level: Int32 = 6) -> [UInt8] {
        compress(bytes, format: .gzip, level: level)
    }

    public static func gunzip(_ bytes: [UInt8], limit: Int) throws(DeflateError) -> [UInt8] {
        try decompress(bytes, format: .gzip, limit: limit)
    }
}
