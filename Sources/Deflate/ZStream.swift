import CZlib

/// The container format around deflate data.
public enum DeflateFormat: Sendable {
    /// RFC 1950: what storage keeps transcripts in.
    case zlib
    /// RFC 1952: what HTTP calls `gzip` (RFC 9110 §8.4.1.3).
    case gzip

    /// zlib's `windowBits` for this format: 15 for zlib, 15 + 16 for gzip.
    var windowBits: Int32 { self == .zlib ? 15 : 31 }
}

/// Why compressed input could not be read.
public enum DeflateError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The decompressed data would be larger than the caller's limit (a "zip bomb" guard).
    case tooLarge(limit: Int)
    /// The input is not valid data in the expected format, or ends early.
    case corrupt(String)

    public var description: String {
        switch self {
        case .tooLarge(let limit): "the decompressed data is larger than \(limit) bytes"
        case .corrupt(let why): "the compressed data is not valid: \(why)"
        }
    }
}

/// Owns one zlib `z_stream` set up for compression, so that `deflateEnd` runs exactly once.
final class DeflateStream {
    private var stream = z_stream()

    /// - Parameter inputSize: how many bytes will be compressed, when known: the window and hash
    ///   table are then sized to the input instead of zlib's 32 KiB window and 8 memory level (about
    ///   270 KB to allocate, clear and give back for every few-kilobyte transcript or response —
    ///   a tenth of a bulk import's CPU). A window at least as long as the input finds every match
    ///   the full one would, and the zlib header records its size, so any inflater reads the result.
    init(format: DeflateFormat, level: Int32, inputSize: Int? = nil) {
        var windowBits = format.windowBits
        var memoryLevel: Int32 = 8
        if let inputSize, inputSize < 1 << 15 {
            // zlib accepts window sizes of 2^9...2^15 here (it turns 8 into 9 for zlib streams).
            let bits = Int32(max(9, Int.bitWidth - max(inputSize - 1, 1).leadingZeroBitCount))
            windowBits -= 15 - bits
            memoryLevel = max(2, bits - 7)
        }
        let status = deflateInit2_(
            &stream, level, Z_DEFLATED, windowBits, memoryLevel, Z_DEFAULT_STRATEGY,
            zlibVersion(), Int32(MemoryLayout<z_stream>.size)
        )
        // Only Z_MEM_ERROR or a version mismatch can fail here; neither is recoverable.
        precondition(status == Z_OK, "deflateInit2 failed with \(status)")
    }

    deinit { deflateEnd(&stream) }

    func compress(_ input: [UInt8]) -> [UInt8] {
        let bound = Int(deflateBound(&stream, uLong(input.count)))
        var output = [UInt8](repeating: 0, count: bound)
        var input = input
        let produced: Int = input.withUnsafeMutableBufferPointer { inBuf in
            output.withUnsafeMutableBufferPointer { outBuf in
                stream.next_in = inBuf.baseAddress
                stream.avail_in = uInt(inBuf.count)
                stream.next_out = outBuf.baseAddress
                stream.avail_out = uInt(outBuf.count)
                let status = deflate(&stream, Z_FINISH)
                // deflateBound guarantees one Z_FINISH call suffices.
                precondition(status == Z_STREAM_END, "deflate did not finish: \(status)")
                return outBuf.count - Int(stream.avail_out)
            }
        }
        output.removeSubrange(produced...)
        return output
    }
}

/// Owns one zlib `z_stream` set up for decompression.
final class InflateStream {
    private var stream = z_stream()

    init(format: DeflateFormat) {
        let status = inflateInit2_(&stream, format.windowBits, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        precondition(status == Z_OK, "inflateInit2 failed with \(status)")
    }

    deinit { inflateEnd(&stream) }

    /// Inflates `input` in bounded steps, stopping as soon as the output would pass `limit`,
    /// so a small hostile input cannot make us allocate gigabytes.
    func decompress(_ input: [UInt8], limit: Int) throws(DeflateError) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(min(limit, max(input.count * 4, 1024)))
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        var input = input
        var failure: DeflateError?
        input.withUnsafeMutableBufferPointer { inBuf in
            stream.next_in = inBuf.baseAddress
            stream.avail_in = uInt(inBuf.count)
            while true {
                let (status, produced) = chunk.withUnsafeMutableBufferPointer { outBuf in
                    stream.next_out = outBuf.baseAddress
                    stream.avail_out = uInt(outBuf.count)
                    let status = inflate(&stream, Z_NO_FLUSH)
                    return (status, outBuf.count - Int(stream.avail_out))
                }
                if output.count + produced > limit {
                    failure = .tooLarge(limit: limit)
                    return
                }
                output.append(contentsOf: chunk[0..<produced])
                switch status {
                case Z_STREAM_END:
                    return
                case Z_OK:
                    continue
                case Z_BUF_ERROR where stream.avail_in == 0:
                    failure = .corrupt("the data ends before the stream does")
                    return
                default:
                    let message = stream.msg.map { String(cString: $0) } ?? "zlib status \(status)"
                    failure = .corrupt(message)
                    return
                }
            }
        }
        if let failure { throw failure }
        return output
    }
}
