// libFuzzer entry for the HTTP/1.1 request parser. Built together with Sources/HTTP1/*.swift
// as one module (see README.md), so it reaches internal API without @testable.

/// What a whole input parses to: complete requests (head and joined body), then the error.
private struct Outcome: Equatable {
    var requests: [RequestHead] = []
    var bodies: [[UInt8]] = []
    var error: HTTPParseError?
}

private let limits = HTTPLimits(
    maxRequestLineBytes: 256, maxHeaderBytes: 512, maxHeaderCount: 16, maxBodyBytes: 1024, maxChunkLineBytes: 64)

/// Feeds `pieces` in order and drains events after each one.
private func parse(_ pieces: [UnsafeBufferPointer<UInt8>]) -> Outcome {
    var parser = RequestParser(limits: limits)
    var outcome = Outcome()
    var head: RequestHead?
    var body: [UInt8] = []
    do {
        for piece in pieces {
            parser.append(UnsafeRawBufferPointer(piece))
            var steps = 0
            loop: while true {
                steps += 1
                // Every event consumes input or changes state; this many means a livelock.
                precondition(steps < 100_000, "parser made no progress")
                switch try parser.next() {
                case .head(let h):
                    precondition(head == nil, "a head inside a request")
                    precondition(h.path.hasPrefix("/") || h.path == "*", "path does not start with /")
                    precondition(h.headers.values(for: "Host").count <= 1, "duplicate Host accepted")
                    head = h
                    body = []
                case .body(let b):
                    precondition(head != nil, "body without a head")
                    precondition(!b.isEmpty, "empty body event")
                    body += b
                    precondition(body.count <= limits.maxBodyBytes, "body beyond the limit")
                case .end:
                    outcome.requests.append(head!)
                    outcome.bodies.append(body)
                    head = nil
                case .needMoreData:
                    break loop
                }
            }
        }
    } catch {
        let code = error.status.code
        precondition([400, 408, 413, 414, 417, 431, 501, 505].contains(code), "unexpected status \(code)")
        outcome.error = error
    }
    return outcome
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRequestParser(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let input = UnsafeBufferPointer(start: data, count: size)
    let whole = parse([input])
    // The same bytes split at points derived from the input must parse identically: a parser
    // whose answer depends on how TCP segments the stream is a smuggling bug waiting to happen.
    if size > 2 {
        let cut = Int(input[0]) * size / 256
        let split = parse([UnsafeBufferPointer(rebasing: input[0..<cut]), UnsafeBufferPointer(rebasing: input[cut...])])
        precondition(split == whole, "split at \(cut) differs from whole input")
        let second = cut + Int(input[1]) * (size - cut) / 256
        let three = parse([
            UnsafeBufferPointer(rebasing: input[0..<cut]), UnsafeBufferPointer(rebasing: input[cut..<second]),
            UnsafeBufferPointer(rebasing: input[second...]),
        ])
        precondition(three == whole, "split at \(cut) and \(second) differs from whole input")
    }
    return 0
}
