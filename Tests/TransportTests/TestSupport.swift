import Dispatch
import Foundation
import Glibc
import HTTP1
import Logging
import XCTest
@testable import Transport

/// Released by tests to let a blocked "/wait" handler answer.
let testGate = DispatchSemaphore(value: 0)

/// A small responder whose behaviour is chosen by the request path.
struct TestResponder: HTTPResponder {
    func precheck(_ head: RequestHead, connection: ConnectionInfo) -> HTTPResponse? {
        switch head.path {
        case "/refuse":
            return HTTPResponse(status: .forbidden, headers: ["Content-Type": "text/plain"], body: Array("refused".utf8))
        default:
            return nil
        }
    }

    func respond(to request: HTTPRequest, connection: ConnectionInfo, completion: @escaping @Sendable (HTTPResponse) -> Void) {
        let head = request.head
        if !HTTPMethod.known.contains(head.method) {
            return completion(HTTPResponse(status: .notImplemented, body: Array("unknown method".utf8)))
        }
        var headers: HTTPHeaders = [
            "X-Method": head.method.rawValue, "X-Path": head.path, "X-Query": head.query ?? "",
            "X-Version": head.version.description, "X-Body-Length": String(request.body.count),
            "X-Expect": head.headers["Expect"] ?? "", "X-Transfer-Encoding": head.headers["Transfer-Encoding"] ?? "",
            "X-Connection-ID": String(connection.connectionID), "X-Remote": connection.remoteAddress,
        ]
        switch head.path {
        case "/slow":
            let headers = headers
            DispatchQueue.global().asyncAfter(deadline: .now() + 0.5) {
                completion(HTTPResponse(status: .ok, headers: headers, body: Array("slow".utf8)))
            }
        case "/wait":
            // Blocks its thread, as a handler doing synchronous database work would.
            let released = testGate.wait(timeout: .now() + 5) == .success
            completion(HTTPResponse(status: .ok, headers: headers, body: Array((released ? "released" : "timed out").utf8)))
        case "/async":
            let headers = headers
            DispatchQueue.global().async { completion(HTTPResponse(status: .ok, headers: headers, body: Array("async".utf8))) }
        case "/close":
            headers.add("Connection", "close")
            completion(HTTPResponse(status: .ok, headers: headers, body: Array("bye".utf8)))
        case "/medium":
            completion(HTTPResponse(status: .ok, headers: headers, body: [UInt8](repeating: 0x62, count: 64 << 10)))
        case "/big":
            completion(HTTPResponse(status: .ok, headers: headers, body: [UInt8](repeating: 0x61, count: 4 << 20)))
        case "/twice":
            completion(HTTPResponse(status: .ok, headers: headers, body: Array("first".utf8)))
            completion(HTTPResponse(status: .ok, headers: headers, body: Array("second".utf8)))
        case "/nocontent":
            completion(HTTPResponse(status: .noContent, headers: headers))
        default:
            completion(HTTPResponse(status: .ok, headers: headers, body: request.body))
        }
    }
}

/// A response as read off the wire by the raw test client.
struct RawResponse {
    var statusLine: String
    var headers: HTTPHeaders
    var body: [UInt8]
    var code: Int { Int(statusLine.split(separator: " ")[1]) ?? 0 }
    var text: String { String(decoding: body, as: UTF8.self) }
}

/// A blocking TCP client for raw-byte tests, with receive timeouts so that no test can hang.
final class RawClient {
    let fd: Int32
    private var buffer: [UInt8] = []

    convenience init(port: Int, receiveTimeout: Double = 5) throws {
        try self.init(receiveTimeout: receiveTimeout)
        try connect(port: port)
    }

    /// A socket not yet connected: its descriptor exists before `connect(port:)`.
    init(receiveTimeout: Double = 5) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TransportError.lastError("socket") }
        var timeout = timeval(tv_sec: Int(receiveTimeout), tv_usec: Int((receiveTimeout - Double(Int(receiveTimeout))) * 1e6))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var sendTimeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &sendTimeout, socklen_t(MemoryLayout<timeval>.size))
    }

    func connect(port: Int) throws {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let rc = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard rc == 0 else { throw TransportError.lastError("connect") }
    }

    deinit { Glibc.close(fd) }

    func send(_ text: String) { send(Array(text.utf8)) }

    func send(_ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return }
            offset += n
        }
    }

    func shutdownWrite() { Glibc.shutdown(fd, Int32(SHUT_WR)) }

    /// Reads more bytes into the buffer; false on EOF, error or timeout.
    @discardableResult
    private func fill() -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65_536)
        let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if n <= 0 { return false }
        buffer += chunk[0..<n]
        return true
    }

    /// Reads exactly `count` bytes, or nil.
    func read(count: Int) -> [UInt8]? {
        while buffer.count < count { if !fill() { return nil } }
        defer { buffer.removeFirst(count) }
        return Array(buffer[0..<count])
    }

    /// Reads one response; `bodyless` for answers to HEAD. Nil if the connection ended first.
    func readResponse(bodyless: Bool = false) -> RawResponse? {
        var end: Int?
        while end == nil {
            end = find([13, 10, 13, 10])
            if end == nil && !fill() { return nil }
        }
        let headText = String(decoding: buffer[0..<end!], as: UTF8.self)
        buffer.removeFirst(end! + 4)
        var lines = headText.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst()
        var headers = HTTPHeaders()
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers.add(String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        let code = Int(statusLine.split(separator: " ")[1]) ?? 0
        var body: [UInt8] = []
        if !bodyless && code >= 200 && code != 204 && code != 304 {
            if let length = headers["Content-Length"].flatMap(Int.init) {
                guard let bytes = read(count: length) else { return nil }
                body = bytes
            }
        }
        return RawResponse(statusLine: statusLine, headers: headers, body: body)
    }

    /// True when the peer closed the connection (EOF or reset) with no further bytes.
    func isClosedByPeer() -> Bool {
        if !buffer.isEmpty { return false }
        var byte: UInt8 = 0
        let n = recv(fd, &byte, 1, 0)
        if n == 0 { return true }
        if n < 0 && errno == ECONNRESET { return true }
        if n > 0 { buffer.append(byte) }
        return false
    }

    /// Bytes still buffered or readable before EOF (bounded by the receive timeout).
    func readToEnd() -> [UInt8] {
        while fill() {}
        defer { buffer = [] }
        return buffer
    }

    private func find(_ needle: [UInt8]) -> Int? {
        guard buffer.count >= needle.count else { return nil }
        for i in 0...(buffer.count - needle.count) where buffer[i] == needle[0] {
            if Array(buffer[i..<(i + needle.count)]) == needle { return i }
        }
        return nil
    }
}

/// Configuration with small timeouts for tests.
func testConfiguration(
    limits: HTTPLimits = HTTPLimits(),
    headerReadTimeout: Double = 2, bodyReadTimeout: Double = 2, idleTimeout: Double = 5,
    writeTimeout: Double = 2, maxConnections: Int = 64, ioQueueCount: Int = 2, respondsOnIOQueue: Bool = false,
    respondsInPlaceUnlessPipelined: Bool = false
) -> ServerConfiguration {
    ServerConfiguration(
        host: "127.0.0.1", port: 0, limits: limits, headerReadTimeout: headerReadTimeout, bodyReadTimeout: bodyReadTimeout,
        idleTimeout: idleTimeout, writeTimeout: writeTimeout, closeLingerTimeout: 0.5, maxConnections: maxConnections,
        ioQueueCount: ioQueueCount, respondsOnIOQueue: respondsOnIOQueue,
        respondsInPlaceUnlessPipelined: respondsInPlaceUnlessPipelined)
}

/// The three ways the transport can call the responder: always off the loop, always on it, and on
/// it only for a request that arrived alone (what `storyarchive serve` uses).
let everyResponsePlacement: [(name: String, configuration: ServerConfiguration)] = [
    ("off the loop", testConfiguration()),
    ("on the loop", testConfiguration(respondsOnIOQueue: true)),
    ("on the loop unless pipelined", testConfiguration(respondsInPlaceUnlessPipelined: true)),
]

extension XCTestCase {
    /// Starts a server on 127.0.0.1 port 0, runs `body`, then shuts the server down.
    func withServer(
        _ configuration: ServerConfiguration = testConfiguration(),
        responder: any HTTPResponder = TestResponder(),
        _ body: (HTTPServer, Int) throws -> Void
    ) throws {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let server = HTTPServer(configuration: configuration, responder: responder, logger: logger)
        try server.start()
        defer {
            let done = expectation(description: "shutdown")
            server.shutdown(deadline: 1) { done.fulfill() }
            wait(for: [done], timeout: 5)
        }
        try body(server, server.localPort)
    }

    /// Polls `condition` up to `timeout` seconds (bounded); returns its last value.
    func eventually(timeout: Double = 5, _ condition: () -> Bool) -> Bool {
        let end = Date().addingTimeInterval(timeout)
        while Date() < end {
            if condition() { return true }
            usleep(10_000)
        }
        return condition()
    }

    /// The absolute path of `name` on PATH, or a skip.
    func executable(_ name: String) throws -> String {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw XCTSkip("\(name) is not installed; skipping the \(name) interoperability test")
    }

    /// Runs a process with a bounded lifetime; returns exit status and standard output.
    func run(_ path: String, _ arguments: [String], stdin: Data? = nil, timeout: Double = 30) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        let input = Pipe()
        process.standardInput = input
        try process.run()
        if let stdin {
            input.fileHandleForWriting.write(stdin)
        }
        try input.fileHandleForWriting.close()
        let killer = DispatchWorkItem { if process.isRunning { process.terminate() } }
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: killer)
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        killer.cancel()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
