import HTTP1
import XCTest
@testable import Transport

/// Answers every request at once, on the calling thread, with a 48 KiB body naming its path.
private struct LargeAnswerResponder: HTTPResponder {
    func respond(to request: HTTPRequest, connection: ConnectionInfo, completion: @escaping @Sendable (HTTPResponse) -> Void) {
        completion(HTTPResponse(status: .ok, headers: ["X-Path": request.head.path], body: [UInt8](repeating: 0x62, count: 48 << 10)))
    }
}

/// Found by the reliability suite (RELIABILITY.md, F1): pipelined requests whose answers pass the
/// 1 MiB output high-water mark stopped being parsed once the queued answers had all gone to the
/// kernel — no read or write event was left to resume them — and got a 408 at the header deadline.
final class PipelinedLargeAnswersTests: XCTestCase {
    func testAnswersBeyondTheOutputHighWaterMarkAreAllSent() throws {
        for inline in [true, false] {
            try withServer(testConfiguration(respondsOnIOQueue: inline), responder: LargeAnswerResponder()) { _, port in
                let client = try RawClient(port: port)
                let count = 60  // 60 x 48 KiB: almost three times the high-water mark
                client.send((0..<count).map { "GET /\($0) HTTP/1.1\r\nHost: t\r\n\r\n" }.joined())
                var answered = 0
                while answered < count, let response = client.readResponse(), response.code == 200,
                      response.headers["X-Path"] == "/\(answered)" {
                    answered += 1
                }
                XCTAssertEqual(answered, count, "respondsOnIOQueue: \(inline)")
            }
        }
    }
}
