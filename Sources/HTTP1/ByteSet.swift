/// Character classes from RFC 9110 §5.6 and RFC 3986 as byte predicates, so that the parser
/// never has to build a String before it knows the bytes are valid.
enum ByteSet {
    static let cr: UInt8 = 0x0D
    static let lf: UInt8 = 0x0A
    static let sp: UInt8 = 0x20
    static let htab: UInt8 = 0x09
    static let colon: UInt8 = 0x3A
    static let crlfcrlf: [UInt8] = [0x0D, 0x0A, 0x0D, 0x0A]

    /// tchar (RFC 9110 §5.6.2): "!#$%&'*+-.^_`|~", DIGIT, ALPHA.
    static func isTokenChar(_ b: UInt8) -> Bool {
        switch b {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"),
            UInt8(ascii: "'"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."),
            UInt8(ascii: "^"), UInt8(ascii: "_"), UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }

    /// field-vchar / SP / HTAB (RFC 9110 §5.5): VCHAR, obs-text, SP, HTAB. Excludes CR, LF,
    /// NUL and every other control byte, which RFC 9110 §5.5 says must be rejected.
    static func isFieldValueByte(_ b: UInt8) -> Bool {
        b == sp || b == htab || (b > 0x20 && b != 0x7F)
    }

    static func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }

    static func hexValue(_ b: UInt8) -> Int? {
        switch b {
        case 0x30...0x39: return Int(b - 0x30)
        case 0x41...0x46: return Int(b - 0x41 + 10)
        case 0x61...0x66: return Int(b - 0x61 + 10)
        default: return nil
        }
    }

    /// Bytes allowed in a path or query (RFC 3986 §3.3, §3.4): unreserved, sub-delims,
    /// ":", "@", "/", "?" and "%" (the escapes are checked separately).
    static func isTargetByte(_ b: UInt8) -> Bool {
        switch b {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        case UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"),
            UInt8(ascii: "!"), UInt8(ascii: "$"), UInt8(ascii: "&"), UInt8(ascii: "'"), UInt8(ascii: "("),
            UInt8(ascii: ")"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: ","), UInt8(ascii: ";"),
            UInt8(ascii: "="), UInt8(ascii: ":"), UInt8(ascii: "@"), UInt8(ascii: "/"), UInt8(ascii: "?"),
            UInt8(ascii: "%"):
            return true
        default:
            return false
        }
    }

    /// The index of the first occurrence of `needle` in `haystack`, or nil.
    static func find(_ needle: [UInt8], in haystack: ArraySlice<UInt8>) -> Int? {
        let n = needle.count
        guard haystack.count >= n, let first = needle.first else { return nil }
        var i = haystack.startIndex
        let last = haystack.endIndex - n
        while i <= last {
            if haystack[i] == first {
                var j = 1
                while j < n && haystack[i + j] == needle[j] { j += 1 }
                if j == n { return i }
            }
            i += 1
        }
        return nil
    }
}

/// Parses field lines (RFC 9112 §5) shared by the header section and the chunked trailer
/// section. Input is the section up to and including the CRLF of its last field line.
enum FieldLineParser {
    static func parseFields(_ section: ArraySlice<UInt8>, maxCount: Int) throws(HTTPParseError) -> HTTPHeaders {
        var headers = HTTPHeaders()
        var lineStart = section.startIndex
        var index = section.startIndex
        while index < section.endIndex {
            let b = section[index]
            if b == ByteSet.lf {
                guard index > lineStart, section[index - 1] == ByteSet.cr else {
                    throw .badRequest("header line not ended by CRLF")
                }
                if headers.count == maxCount {
                    throw HTTPParseError(status: .requestHeaderFieldsTooLarge, detail: "more than \(maxCount) header fields")
                }
                let field = try parseFieldLine(section[lineStart..<(index - 1)])
                headers.add(field.name, field.value)
                lineStart = index + 1
            }
            index += 1
        }
        if lineStart != section.endIndex { throw .badRequest("header line not ended by CRLF") }
        return headers
    }

    /// field-line = field-name ":" OWS field-value OWS (RFC 9112 §5).
    static func parseFieldLine(_ line: ArraySlice<UInt8>) throws(HTTPParseError) -> (name: String, value: String) {
        guard let first = line.first else { throw .badRequest("empty header line") }
        // A line starting with whitespace is obs-fold; RFC 9112 §5.2 lets a server reject it.
        if first == ByteSet.sp || first == ByteSet.htab { throw .badRequest("obsolete line folding in header") }
        guard let colon = line.firstIndex(of: ByteSet.colon) else { throw .badRequest("header line without a colon") }
        let nameBytes = line[line.startIndex..<colon]
        if nameBytes.isEmpty { throw .badRequest("empty header name") }
        for b in nameBytes where !ByteSet.isTokenChar(b) {
            // Whitespace between name and colon must be rejected (RFC 9112 §5.1): it is how
            // requests are smuggled past proxies that read the name differently.
            if b == ByteSet.sp || b == ByteSet.htab { throw .badRequest("whitespace before colon in header") }
            throw .badRequest("invalid character in header name")
        }
        var valueStart = colon + 1
        var valueEnd = line.endIndex
        while valueStart < valueEnd, line[valueStart] == ByteSet.sp || line[valueStart] == ByteSet.htab { valueStart += 1 }
        while valueEnd > valueStart, line[valueEnd - 1] == ByteSet.sp || line[valueEnd - 1] == ByteSet.htab { valueEnd -= 1 }
        let valueBytes = line[valueStart..<valueEnd]
        for b in valueBytes where !ByteSet.isFieldValueByte(b) {
            throw .badRequest("invalid byte in header value")
        }
        return (String(decoding: nameBytes, as: UTF8.self), String(decoding: valueBytes, as: UTF8.self))
    }
}
