/// What the request parser found in the bytes it holds.
public enum ParserEvent: Sendable, Equatable {
    /// A complete, validated request head. Body events follow (or `.end` at once).
    case head(RequestHead)
    /// Some decoded body bytes of the current request.
    case body([UInt8])
    /// The current request is complete; the next event belongs to the next request.
    case end
    /// The buffered bytes do not hold another event; append more.
    case needMoreData
}

/// How the body of a request is delimited (RFC 9112 §6.3).
public enum BodyFraming: Sendable, Equatable {
    /// No Content-Length and no Transfer-Encoding: the request has no body.
    case none
    case contentLength(Int)
    case chunked

    /// Whether the client announced body bytes that will follow the head.
    public var announcesBody: Bool {
        switch self {
        case .none: false
        case .contentLength(let n): n > 0
        case .chunked: true
        }
    }
}

/// A sans-IO HTTP/1.1 request parser: `append` the bytes read from a connection, then call
/// `next()` until it answers `.needMoreData`. Pipelined requests come out one after another.
///
/// The parser is strict where leniency lets requests be read two ways (smuggling): header
/// names, framing headers and line endings are validated as RFC 9112 requires, and every
/// failure is a typed `HTTPParseError` carrying the status to answer with. After an error the
/// parser stays failed: the connection cannot be resynchronised and must be closed.
public struct RequestParser: Sendable {
    enum State: Sendable {
        case head
        case body(remaining: Int)
        case chunked(ChunkedBodyDecoder)
        case failed(HTTPParseError)
    }

    public let limits: HTTPLimits
    private var buffer: [UInt8] = []
    private var readIndex = 0
    /// Where the search for the end of the head resumes, so that a head arriving byte by byte
    /// is scanned once, not once per byte.
    private var scanIndex = 0
    private var state: State = .head
    /// The framing of the request whose body is being read (or of the last one).
    public private(set) var framing: BodyFraming = .none

    public init(limits: HTTPLimits = HTTPLimits()) {
        self.limits = limits
    }

    /// Bytes received and not yet turned into events.
    public var bufferedByteCount: Int { buffer.count - readIndex }

    /// True between requests: no partial head or body is buffered.
    public var isAtMessageBoundary: Bool {
        if case .head = state { return bufferedByteCount == 0 }
        return false
    }

    /// True while the body of the last head is still being read.
    public var isReadingBody: Bool {
        switch state {
        case .body, .chunked: true
        case .head, .failed: false
        }
    }

    public mutating func append(_ bytes: some Collection<UInt8>) {
        buffer.append(contentsOf: bytes)
    }

    public mutating func append(_ bytes: UnsafeRawBufferPointer) {
        buffer.append(contentsOf: bytes)
    }

    /// The next event, consuming the bytes it was made from.
    /// - Throws: `HTTPParseError` for a malformed or refused request; then again on every call.
    public mutating func next() throws(HTTPParseError) -> ParserEvent {
        do {
            let event = try step()
            compactIfWorthwhile()
            return event
        } catch {
            state = .failed(error)
            throw error
        }
    }

    private mutating func step() throws(HTTPParseError) -> ParserEvent {
        switch state {
        case .failed(let error):
            throw error
        case .head:
            return try parseHead()
        case .body(let remaining):
            if remaining == 0 {
                state = .head
                return .end
            }
            let available = bufferedByteCount
            if available == 0 { return .needMoreData }
            let n = min(available, remaining)
            let bytes = Array(buffer[readIndex..<(readIndex + n)])
            readIndex += n
            state = .body(remaining: remaining - n)
            return .body(bytes)
        case .chunked(var decoder):
            let (event, consumed) = try decoder.next(buffer[readIndex...])
            readIndex += consumed
            switch event {
            case .data(let bytes):
                state = .chunked(decoder)
                return .body(bytes)
            case .end:
                state = .head
                return .end
            case .needMoreData:
                state = .chunked(decoder)
                return .needMoreData
            }
        }
    }

    private mutating func compactIfWorthwhile() {
        if readIndex == buffer.count {
            // Give the memory back between requests: thousands of idle keep-alive connections
            // should not each hold the largest buffer they ever needed.
            if buffer.capacity > 16 * 1024 {
                buffer = []
            } else {
                buffer.removeAll(keepingCapacity: true)
            }
            readIndex = 0
            scanIndex = 0
        } else if readIndex > 4096 && readIndex * 2 > buffer.count {
            buffer.removeSubrange(0..<readIndex)
            scanIndex = max(0, scanIndex - readIndex)
            readIndex = 0
        }
    }

    // MARK: - Head

    private mutating func parseHead() throws(HTTPParseError) -> ParserEvent {
        // RFC 9112 §2.2: a server SHOULD ignore at least one empty line before the request-line.
        // All are skipped (they are discarded, not buffered; the head deadline bounds the time),
        // so that the outcome never depends on how the CRLFs were segmented.
        while bufferedByteCount >= 2, buffer[readIndex] == ByteSet.cr, buffer[readIndex + 1] == ByteSet.lf {
            readIndex += 2
        }
        if readIndex > scanIndex { scanIndex = readIndex }

        let start = readIndex
        let searchFrom = max(start, scanIndex - 3)
        guard let end = ByteSet.find(ByteSet.crlfcrlf, in: buffer[searchFrom...]) else {
            scanIndex = buffer.count
            try checkIncompleteHeadSize()
            return .needMoreData
        }
        let headEnd = end + 4
        let head = try buildHead(buffer[start..<(end + 2)])
        readIndex = headEnd
        scanIndex = headEnd
        framing = try Self.framing(of: head, limits: limits)
        switch framing {
        case .none: state = .body(remaining: 0)
        case .contentLength(let n): state = .body(remaining: n)
        case .chunked: state = .chunked(ChunkedBodyDecoder(limits: limits))
        }
        return .head(head)
    }

    /// Refuses a head that is already too large before its end has arrived, so a peer cannot
    /// make the parser buffer without bound.
    private func checkIncompleteHeadSize() throws(HTTPParseError) {
        let pending = buffer[readIndex...]
        if let lf = pending.firstIndex(of: ByteSet.lf) {
            let line = try Self.checkRequestLine(pending[pending.startIndex...lf], limits: limits)
            if pending.count - (line.count + 2) > limits.maxHeaderBytes + 2 { throw Self.headersTooLarge(limits) }
        } else if pending.count > limits.maxRequestLineBytes + 1 {
            throw Self.uriTooLong(limits)
        }
    }

    /// The request line without its CRLF, from bytes running through its LF. Checked in the
    /// same order whether or not the rest of the head has arrived, so that the answer never
    /// depends on how the bytes were segmented: length (414) first, then the CRLF (400).
    static func checkRequestLine(_ throughLF: ArraySlice<UInt8>, limits: HTTPLimits) throws(HTTPParseError) -> ArraySlice<UInt8> {
        let lf = throughLF.endIndex - 1
        let hasCR = lf > throughLF.startIndex && throughLF[lf - 1] == ByteSet.cr
        let line = throughLF[throughLF.startIndex..<(hasCR ? lf - 1 : lf)]
        if line.count > limits.maxRequestLineBytes { throw uriTooLong(limits) }
        if !hasCR { throw .badRequest("request line not ended by CRLF") }
        return line
    }

    static func uriTooLong(_ limits: HTTPLimits) -> HTTPParseError {
        HTTPParseError(status: .uriTooLong, detail: "request line longer than \(limits.maxRequestLineBytes) bytes")
    }

    static func headersTooLarge(_ limits: HTTPLimits) -> HTTPParseError {
        HTTPParseError(status: .requestHeaderFieldsTooLarge, detail: "header section larger than \(limits.maxHeaderBytes) bytes")
    }

    /// Builds the head from the request line and field lines, each ended by CRLF.
    private func buildHead(_ bytes: ArraySlice<UInt8>) throws(HTTPParseError) -> RequestHead {
        guard let lf = bytes.firstIndex(of: ByteSet.lf) else { throw .badRequest("request line not ended by CRLF") }
        let line = try Self.checkRequestLine(bytes[bytes.startIndex...lf], limits: limits)
        let fieldSection = bytes[(lf + 1)...]
        if fieldSection.count > limits.maxHeaderBytes { throw Self.headersTooLarge(limits) }
        let (method, target, version) = try Self.parseRequestLine(line)
        let headers = try FieldLineParser.parseFields(fieldSection, maxCount: limits.maxHeaderCount)
        let (path, query) = try Self.parseTarget(target, method: method)
        let head = RequestHead(method: method, target: target, path: path, query: query, version: version, headers: headers)
        try Self.validateHost(head)
        return head
    }

    /// request-line = method SP request-target SP HTTP-version (RFC 9112 §3), single spaces.
    static func parseRequestLine(_ line: ArraySlice<UInt8>) throws(HTTPParseError) -> (HTTPMethod, String, HTTPVersion) {
        guard let sp1 = line.firstIndex(of: ByteSet.sp) else { throw .badRequest("malformed request line") }
        let methodBytes = line[line.startIndex..<sp1]
        if methodBytes.isEmpty || !methodBytes.allSatisfy(ByteSet.isTokenChar) {
            throw .badRequest("invalid method token")
        }
        let afterMethod = line[(sp1 + 1)...]
        guard let sp2 = afterMethod.firstIndex(of: ByteSet.sp) else { throw .badRequest("malformed request line") }
        let targetBytes = afterMethod[afterMethod.startIndex..<sp2]
        let versionBytes = afterMethod[(sp2 + 1)...]
        if targetBytes.isEmpty { throw .badRequest("empty request target") }
        for b in targetBytes where b <= 0x20 || b >= 0x7F {
            throw .badRequest("invalid byte in request target")
        }
        let version = try parseVersion(versionBytes)
        return (
            HTTPMethod(String(decoding: methodBytes, as: UTF8.self)),
            String(decoding: targetBytes, as: UTF8.self),
            version
        )
    }

    /// HTTP-version = "HTTP/" DIGIT "." DIGIT (RFC 9112 §2.3). Another major version → 505;
    /// a later 1.x minor is answered as 1.1 (RFC 9110 §6.2), so it is recorded as 1.1.
    static func parseVersion(_ bytes: ArraySlice<UInt8>) throws(HTTPParseError) -> HTTPVersion {
        let b = Array(bytes)
        guard b.count == 8, b[0] == UInt8(ascii: "H"), b[1] == UInt8(ascii: "T"), b[2] == UInt8(ascii: "T"),
            b[3] == UInt8(ascii: "P"), b[4] == UInt8(ascii: "/"), ByteSet.isDigit(b[5]), b[6] == UInt8(ascii: "."),
            ByteSet.isDigit(b[7])
        else {
            throw .badRequest("malformed HTTP version")
        }
        let major = Int(b[5] - 0x30)
        let minor = Int(b[7] - 0x30)
        if major != 1 {
            throw HTTPParseError(status: .httpVersionNotSupported, detail: "only HTTP/1.x is supported")
        }
        return minor == 0 ? .http1_0 : .http1_1
    }

    /// Splits origin-form or absolute-form (RFC 9112 §3.2.1, §3.2.2) into path and query,
    /// rejecting bytes outside RFC 3986 and malformed percent escapes such as `/%zz`.
    /// `*` is accepted for OPTIONS only (asterisk-form, §3.2.4) and gives the path "*".
    static func parseTarget(_ target: String, method: HTTPMethod) throws(HTTPParseError) -> (String, String?) {
        var bytes = Array(target.utf8)[...]
        if bytes.first != UInt8(ascii: "/") {
            if target == "*" {
                guard method == .options else { throw .badRequest("asterisk-form target is only for OPTIONS") }
                return ("*", nil)
            }
            bytes = try stripAbsoluteFormPrefix(bytes)
        }
        var index = bytes.startIndex
        var queryStart: Int?
        while index < bytes.endIndex {
            let b = bytes[index]
            guard ByteSet.isTargetByte(b) else { throw .badRequest("invalid character in request target") }
            if b == UInt8(ascii: "%") {
                guard index + 2 < bytes.endIndex, ByteSet.hexValue(bytes[index + 1]) != nil,
                    ByteSet.hexValue(bytes[index + 2]) != nil
                else {
                    throw .badRequest("malformed percent-encoding in request target")
                }
                index += 3
                continue
            }
            if b == UInt8(ascii: "?"), queryStart == nil { queryStart = index }
            index += 1
        }
        if let q = queryStart {
            let path = bytes[bytes.startIndex..<q]
            return (path.isEmpty ? "/" : String(decoding: path, as: UTF8.self), String(decoding: bytes[(q + 1)...], as: UTF8.self))
        }
        return (bytes.isEmpty ? "/" : String(decoding: bytes, as: UTF8.self), nil)
    }

    /// absolute-form: "http" / "https" "://" authority, then the path-abempty and query.
    private static func stripAbsoluteFormPrefix(_ bytes: ArraySlice<UInt8>) throws(HTTPParseError) -> ArraySlice<UInt8> {
        let lower = bytes.prefix(8).map { ($0 >= 65 && $0 <= 90) ? $0 | 0x20 : $0 }
        let schemeLength: Int
        if lower.starts(with: Array("https://".utf8)) {
            schemeLength = 8
        } else if lower.starts(with: Array("http://".utf8)) {
            schemeLength = 7
        } else {
            throw .badRequest("request target is neither origin-form nor absolute-form")
        }
        let rest = bytes.dropFirst(schemeLength)
        let authorityEnd = rest.firstIndex { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "?") } ?? rest.endIndex
        let authority = rest[rest.startIndex..<authorityEnd]
        if authority.isEmpty { throw .badRequest("absolute-form target without a host") }
        for b in authority where !(ByteSet.isTargetByte(b) || b == UInt8(ascii: "[") || b == UInt8(ascii: "]")) || b == UInt8(ascii: "/") {
            throw .badRequest("invalid character in request target host")
        }
        return rest[authorityEnd...]
    }

    /// RFC 9112 §3.2: a 1.1 request without Host, or any request with more than one, gets 400.
    static func validateHost(_ head: RequestHead) throws(HTTPParseError) {
        let hosts = head.headers.values(for: "Host")
        if hosts.count > 1 { throw .badRequest("more than one Host header") }
        if hosts.isEmpty && head.version.minor >= 1 { throw .badRequest("missing Host header") }
        if let host = hosts.first, host.utf8.contains(where: { $0 == ByteSet.sp || $0 == ByteSet.htab || $0 == UInt8(ascii: ",") }) {
            throw .badRequest("invalid Host header")
        }
    }

    /// The message body length rules of RFC 9112 §6.3, strictest reading.
    static func framing(of head: RequestHead, limits: HTTPLimits) throws(HTTPParseError) -> BodyFraming {
        let hasTE = head.headers.contains("Transfer-Encoding")
        let lengths = head.headers.values(for: "Content-Length")
        if hasTE {
            // §6.1: a 1.0 recipient cannot be trusted to frame chunked bodies; §6.3 item 3:
            // both headers is a smuggling attempt. Either way the connection must close.
            if head.version.minor == 0 { throw .badRequest("Transfer-Encoding in an HTTP/1.0 request") }
            if !lengths.isEmpty { throw .badRequest("both Content-Length and Transfer-Encoding") }
            let codings = head.headers.tokens(for: "Transfer-Encoding")
            if codings.isEmpty { throw .badRequest("empty Transfer-Encoding") }
            for coding in codings where coding != "chunked" {
                if !coding.utf8.allSatisfy(ByteSet.isTokenChar) { throw .badRequest("malformed Transfer-Encoding") }
                throw HTTPParseError(status: .notImplemented, detail: "transfer coding '\(coding)' is not supported")
            }
            if codings.count != 1 { throw .badRequest("chunked applied more than once") }
            return .chunked
        }
        if lengths.isEmpty { return .none }
        // Content-Length = 1*DIGIT (RFC 9110 §8.6). A list of identical values may be read as
        // one value; anything else ("+1", "-0", " 1 2", differing values) is refused.
        var length: Int?
        for value in lengths {
            for element in value.split(separator: ",", omittingEmptySubsequences: false) {
                let digits = element.utf8.drop { $0 == ByteSet.sp || $0 == ByteSet.htab }
                let trimmed = digits.reversed().drop { $0 == ByteSet.sp || $0 == ByteSet.htab }.reversed()
                if trimmed.isEmpty || !trimmed.allSatisfy(ByteSet.isDigit) { throw .badRequest("invalid Content-Length") }
                if trimmed.count > 18 { throw .badRequest("Content-Length overflows") }
                var n = 0
                for d in trimmed { n = n * 10 + Int(d - 0x30) }
                if let existing = length, existing != n { throw .badRequest("conflicting Content-Length values") }
                length = n
            }
        }
        let n = length ?? 0
        if n > limits.maxBodyBytes {
            throw HTTPParseError(status: .contentTooLarge, detail: "body larger than \(limits.maxBodyBytes) bytes")
        }
        return .contentLength(n)
    }
}
