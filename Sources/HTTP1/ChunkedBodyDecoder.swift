/// Decodes the chunked transfer coding (RFC 9112 §7.1) without doing any I/O: the caller
/// offers the bytes it holds, the decoder says how many it consumed and what they meant.
///
/// Bytes it cannot use yet (half a chunk-size line, half a trailer section) are left
/// unconsumed for the caller to offer again with more data appended.
public struct ChunkedBodyDecoder: Sendable {
    public enum Event: Sendable, Equatable {
        /// Decoded body bytes.
        case data([UInt8])
        /// The last chunk and the trailer section were read; the body is complete.
        case end(trailers: HTTPHeaders)
        /// Nothing more can be decoded from the bytes offered.
        case needMoreData
    }

    enum State: Sendable {
        case size
        case data(remaining: Int)
        case dataCRLF
        case trailers
        case done
    }

    private var state: State = .size
    private var total = 0
    private let maxBodyBytes: Int
    private let maxLineBytes: Int
    private let maxTrailerBytes: Int
    private let maxTrailerCount: Int

    public init(limits: HTTPLimits = HTTPLimits()) {
        self.maxBodyBytes = limits.maxBodyBytes
        self.maxLineBytes = limits.maxChunkLineBytes
        self.maxTrailerBytes = limits.maxHeaderBytes
        self.maxTrailerCount = limits.maxHeaderCount
    }

    /// Decoded body bytes so far.
    public var decodedByteCount: Int { total }

    public var isComplete: Bool {
        if case .done = state { return true }
        return false
    }

    /// Decodes from the front of `input`.
    /// - Returns: the event and how many bytes of `input` it used (the caller drops them).
    /// - Throws: `HTTPParseError` 400 for a malformed chunk line, a size that overflows or a
    ///   missing CRLF after chunk data; 413 when the decoded total passes `maxBodyBytes`;
    ///   431 when the trailer section is too large.
    public mutating func next(_ input: ArraySlice<UInt8>) throws(HTTPParseError) -> (event: Event, consumed: Int) {
        var consumed = 0
        var rest = input
        while true {
            switch state {
            case .done:
                return (.needMoreData, consumed)

            case .size:
                guard let lf = rest.firstIndex(of: ByteSet.lf) else {
                    // The line may still end in CRLF within the limit: its CR can already be here.
                    // Refusing earlier would make the answer depend on segmentation.
                    if rest.count > maxLineBytes + 1 { throw .badRequest("chunk size line too long") }
                    return (.needMoreData, consumed)
                }
                let lineLength = lf - rest.startIndex + 1
                if lineLength > maxLineBytes + 2 { throw .badRequest("chunk size line too long") }
                guard lf > rest.startIndex, rest[lf - 1] == ByteSet.cr else {
                    throw .badRequest("chunk size line not ended by CRLF")
                }
                let size = try Self.parseSizeLine(rest[rest.startIndex..<(lf - 1)])
                rest = rest[(lf + 1)...]
                consumed += lineLength
                if size == 0 {
                    state = .trailers
                } else {
                    if size > maxBodyBytes - total {
                        throw HTTPParseError(status: .contentTooLarge, detail: "chunked body larger than \(maxBodyBytes) bytes")
                    }
                    state = .data(remaining: size)
                }

            case .data(let remaining):
                if rest.isEmpty { return (.needMoreData, consumed) }
                let n = min(remaining, rest.count)
                let bytes = Array(rest.prefix(n))
                consumed += n
                total += n
                state = n == remaining ? .dataCRLF : .data(remaining: remaining - n)
                return (.data(bytes), consumed)

            case .dataCRLF:
                if rest.count < 2 {
                    if let first = rest.first, first != ByteSet.cr { throw .badRequest("chunk data not followed by CRLF") }
                    return (.needMoreData, consumed)
                }
                guard rest[rest.startIndex] == ByteSet.cr, rest[rest.startIndex + 1] == ByteSet.lf else {
                    throw .badRequest("chunk data not followed by CRLF")
                }
                rest = rest.dropFirst(2)
                consumed += 2
                state = .size

            case .trailers:
                // trailer-section = *( field-line CRLF ) CRLF (RFC 9112 §7.1.2)
                if rest.count >= 2, rest[rest.startIndex] == ByteSet.cr, rest[rest.startIndex + 1] == ByteSet.lf {
                    consumed += 2
                    state = .done
                    return (.end(trailers: HTTPHeaders()), consumed)
                }
                guard let end = ByteSet.find(ByteSet.crlfcrlf, in: rest) else {
                    // Up to three bytes of the final CRLFCRLF may already be here.
                    if rest.count > maxTrailerBytes + 3 {
                        throw HTTPParseError(status: .requestHeaderFieldsTooLarge, detail: "trailer section too large")
                    }
                    return (.needMoreData, consumed)
                }
                let sectionLength = end - rest.startIndex + 4
                if sectionLength > maxTrailerBytes + 4 {
                    throw HTTPParseError(status: .requestHeaderFieldsTooLarge, detail: "trailer section too large")
                }
                let trailers = try FieldLineParser.parseFields(rest[rest.startIndex..<(end + 2)], maxCount: maxTrailerCount)
                consumed += sectionLength
                state = .done
                return (.end(trailers: trailers), consumed)
            }
        }
    }

    /// chunk-size [ chunk-ext ] (RFC 9112 §7.1.1): 1*HEXDIG, then optional
    /// `*( BWS ";" BWS ext-name [ BWS "=" BWS ext-value ] )`. Extensions are checked for
    /// forbidden bytes and otherwise ignored, which the RFC allows.
    static func parseSizeLine(_ line: ArraySlice<UInt8>) throws(HTTPParseError) -> Int {
        var size = 0
        var index = line.startIndex
        var digits = 0
        while index < line.endIndex, let v = ByteSet.hexValue(line[index]) {
            // 15 hex digits cannot overflow Int64; more is an attack or a bug, not a body.
            if digits == 15 { throw .badRequest("chunk size overflows") }
            size = size << 4 | v
            digits += 1
            index += 1
        }
        if digits == 0 { throw .badRequest("chunk size is not a hexadecimal number") }
        var sawExtension = false
        while index < line.endIndex {
            let b = line[index]
            if !sawExtension {
                if b == ByteSet.sp || b == ByteSet.htab { index += 1; continue }
                if b == UInt8(ascii: ";") { sawExtension = true; index += 1; continue }
                throw .badRequest("invalid character after chunk size")
            }
            // Inside extensions: tokens, quoted strings, BWS, ";" and "=". No control bytes.
            if b != ByteSet.htab && (b < 0x20 || b == 0x7F) { throw .badRequest("invalid byte in chunk extension") }
            index += 1
        }
        return size
    }
}
