/// Turns arbitrary bytes into clean lines: the first stage of the parser.
///
/// Invalid UTF-8 is replaced by U+FFFD (never fatal); line breaks of every convention
/// become "\n"; no-break and other exotic spaces become plain spaces (real pages end
/// narration lines in U+00A0); zero-width characters and control characters are dropped.
/// Input that is mostly control bytes or undecodable is refused as binary.
struct TextNormalizer {
    struct Output {
        var lines: [String]
        var repairedSequences: Int
        var removedControls: Int
    }

    /// More than this share of suspicious scalars (controls, U+FFFD) means binary, not text.
    static let binaryThreshold = 0.10

    static func normalize(bytes: [UInt8]) throws(TranscriptError) -> Output {
        if bytes.isEmpty { throw .empty }
        // String(decoding:) repairs every invalid sequence with U+FFFD, which is the
        // documented "never fatal" behaviour for bad UTF-8.
        let text = String(decoding: bytes, as: UTF8.self)
        return try normalize(text: text, rawByteCount: bytes.count)
    }

    static func normalize(text: String, rawByteCount: Int? = nil) throws(TranscriptError) -> Output {
        if text.isEmpty { throw .empty }
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        var replacements = 0
        var controls = 0
        var nuls = 0
        var scalars = 0
        var visible = 0
        var alnum = 0
        var previousWasCR = false
        for scalar in text.unicodeScalars {
            scalars += 1
            let v = scalar.value
            defer { previousWasCR = (v == 0x0D) }
            switch v {
            case 0x0A:
                if previousWasCR { continue }
                out.append(0x0A)
            case 0x0D, 0x85, 0x2028, 0x2029:
                out.append(0x0A)
            case 0x09, 0x0B, 0x0C, 0xA0, 0x1680, 0x2000...0x200A, 0x202F, 0x205F, 0x3000:
                out.append(0x20)
            case 0x200B...0x200D, 0x2060, 0xFEFF, 0xAD:
                continue
            case 0x00:
                nuls += 1
                controls += 1
            case 0x01...0x1F, 0x7F...0x9F:
                controls += 1
            case 0xFFFD:
                replacements += 1
                visible += 1
                appendUTF8(scalar, to: &out)
            default:
                visible += 1
                if v < 0x80 {
                    if (v >= 0x30 && v <= 0x39) || (v >= 0x41 && v <= 0x5A) || (v >= 0x61 && v <= 0x7A) { alnum += 1 }
                    if v == 0x20 { visible -= 1 }
                    out.append(UInt8(v))
                } else {
                    if scalar.properties.isAlphabetic || scalar.properties.numericType != nil { alnum += 1 }
                    appendUTF8(scalar, to: &out)
                }
            }
        }
        let suspicious = Double(replacements + controls)
        if scalars > 0, suspicious / Double(scalars) > binaryThreshold {
            let percent = Int((suspicious / Double(scalars) * 100).rounded())
            throw .notText(detail: "This looks like binary data, not a transcript: \(percent)% of its \(scalars) characters are control characters or invalid UTF-8.")
        }
        if nuls > 0, nuls * 100 > scalars {
            throw .notText(detail: "This looks like binary data, not a transcript: it contains \(nuls) NUL bytes.")
        }
        if visible == 0 { throw .blank }
        if alnum == 0 {
            throw .notText(detail: "The transcript contains no letters or digits, only punctuation or symbols.")
        }
        // Split into lines on the bytes, trimming spaces at both ends of each line.
        var lines: [String] = []
        var start = 0
        let count = out.count
        var i = 0
        while i <= count {
            if i == count || out[i] == 0x0A {
                var a = start
                var b = i
                while a < b, out[a] == 0x20 { a += 1 }
                while b > a, out[b - 1] == 0x20 { b -= 1 }
                lines.append(a == b ? "" : String(decoding: out[a..<b], as: UTF8.self))
                start = i + 1
            }
            i += 1
        }
        return Output(lines: lines, repairedSequences: replacements, removedControls: controls)
    }

    private static func appendUTF8(_ scalar: Unicode.Scalar, to out: inout [UInt8]) {
        let v = scalar.value
        switch v {
        case 0..<0x80:
            out.append(UInt8(v))
        case 0x80..<0x800:
            out.append(UInt8(0xC0 | (v >> 6)))
            out.append(UInt8(0x80 | (v & 0x3F)))
        case 0x800..<0x10000:
            out.append(UInt8(0xE0 | (v >> 12)))
            out.append(UInt8(0x80 | ((v >> 6) & 0x3F)))
            out.append(UInt8(0x80 | (v & 0x3F)))
        default:
            out.append(UInt8(0xF0 | (v >> 18)))
            out.append(UInt8(0x80 | ((v >> 12) & 0x3F)))
            out.append(UInt8(0x80 | ((v >> 6) & 0x3F)))
            out.append(UInt8(0x80 | (v & 0x3F)))
        }
    }
}
