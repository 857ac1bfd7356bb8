import ArchiveAPI
import ArchiveService
import Foundation
import HTTP1
import Logging
import Routing
import Storage
import Transport
import XCTest

#if canImport(Glibc)
import Glibc
#endif

/// A response as a client sees it.
struct ClientResponse {
    var status: Int
    var headers: [(name: String, value: String)]
    var body: [UInt8]

    func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    func json() throws -> [String: Any] {
        try XCTUnwrap(JSONSerialization.jsonObject(with: Data(body)) as? [String: Any], String(decoding: body, as: UTF8.self))
    }

    var text: String { String(decoding: body, as: UTF8.self) }
}

/// The whole application on a fresh temporary database, reached either in-process through the
/// router or over a real socket on port 0 — so each API test is written once and run both ways.
final class APIHarness {
    enum Path: CaseIterable { case router, socket }

    static let token = "test-write-token"

    let directory: URL
    let database: ArchiveDatabase
    let router: Router
    private var server: HTTPServer?
    let path: Path

    init(path: Path) throws {
        self.path = path
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("storyarchive-api-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        database = try ArchiveDatabase(path: directory.appendingPathComponent("archive.sqlite").path)
        var logger = Logger(label: "api-test")
        logger.logLevel = .critical
        let api = ArchiveAPI(service: ArchiveService(database: database))
        router = Router(routes: api.routes, authorizer: BearerTokenAuthorizer(tokens: [Self.token]),
                        cache: api.makeResponseCache(), logger: logger)
        if path == .socket {
            let server = HTTPServer(configuration: ServerConfiguration(host: "127.0.0.1", port: 0), responder: router, logger: logger)
            try server.start()
            self.server = server
        }
    }

    deinit {
        if let server {
            let done = DispatchSemaphore(value: 0)
            server.shutdown(deadline: 1) { done.signal() }
            _ = done.wait(timeout: .now() + 5)
        }
        try? FileManager.default.removeItem(at: directory)
    }

    var port: Int { server?.localPort ?? 0 }

    /// Sends one request and returns the response, by the harness's path.
    func send(_ method: String, _ target: String, headers: [(String, String)] = [], body: [UInt8] = []) throws -> ClientResponse {
        switch path {
        case .router: try sendInProcess(method, target, headers: headers, body: body)
        case .socket: try RawHTTPClient.send(port: port, method: method, target: target, headers: headers, body: body)
        }
    }

    /// POSTs a transcript with the test token.
    func post(_ transcript: String, contentType: String = "text/plain") throws -> ClientResponse {
        try send("POST", "/stories", headers: [("Authorization", "Bearer \(Self.token)"), ("Content-Type", contentType)], body: Array(transcript.utf8))
    }

    private func sendInProcess(_ method: String, _ target: String, headers: [(String, String)], body: [UInt8]) throws -> ClientResponse {
        var fields = HTTPHeaders(headers.map { (name: $0.0, value: $0.1) })
        fields.add("Host", "localhost")
        if !body.isEmpty { fields.set("Content-Length", String(body.count)) }
        let head = RequestHead(method: HTTPMethod(method), target: target, headers: fields)
        let connection = ConnectionInfo(remoteAddress: "127.0.0.1")
        let response: HTTPResponse
        if let early = router.precheck(head, connection: connection) {
            response = early
        } else {
            let box = Box()
            let done = DispatchSemaphore(value: 0)
            router.respond(to: HTTPRequest(head: head, body: body), connection: connection) { response in
                box.response = response
                done.signal()
            }
            guard done.wait(timeout: .now() + 30) == .success, let answered = box.response else {
                throw HarnessError("no response within 30 s")
            }
            response = answered
        }
        let withoutBody = method == "HEAD" || !response.status.allowsBody
        return ClientResponse(status: response.status.code, headers: response.headers.fields, body: withoutBody ? [] : response.body)
    }

    private final class Box: @unchecked Sendable { var response: HTTPResponse? }
}

struct HarnessError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// The test fixtures written for this project (Tests/Fixtures).
enum Fixture {
    static func text(_ name: String) throws -> String {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures").appendingPathComponent(name)
        return try String(contentsOf: url, encoding: .utf8)
    }
}

/// A deliberately plain HTTP/1.1 client over a blocking socket: one request, `Connection: close`,
/// read to EOF. Plain so that what the test asserts is what went over the wire.
enum RawHTTPClient {
    static func send(port: Int, method: String, target: String, headers: [(String, String)], body: [UInt8]) throws -> ClientResponse {
        var request = "\(method) \(target) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n"
        for (name, value) in headers { request += "\(name): \(value)\r\n" }
        if !body.isEmpty || method == "POST" || method == "PUT" { request += "Content-Length: \(body.count)\r\n" }
        request += "\r\n"
        let raw = try exchange(port: port, bytes: Array(request.utf8) + body)
        return try parse(raw, method: method)
    }

    /// Writes `bytes` and reads until the server closes (at most 30 s).
    static func exchange(port: Int, bytes: [UInt8]) throws -> [UInt8] {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw HarnessError("socket() failed: \(errno)") }
        defer { close(fd) }
        var timeout = timeval(tv_sec: 30, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw HarnessError("connect() failed: \(errno)") }
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { break }
            sent += n
        }
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = recv(fd, &buffer, buffer.count, 0)
            if n <= 0 { break }
            received.append(contentsOf: buffer[0..<n])
        }
        return received
    }

    static func parse(_ raw: [UInt8], method: String) throws -> ClientResponse {
        var raw = raw
        // Skip interim 1xx responses.
        while true {
            guard let end = findHeadEnd(raw) else { throw HarnessError("no complete response head in \(raw.count) bytes") }
            let head = String(decoding: raw[..<end], as: UTF8.self)
            var lines = head.components(separatedBy: "\r\n")
            let statusLine = lines.removeFirst().split(separator: " ")
            guard statusLine.count >= 2, let status = Int(statusLine[1]) else { throw HarnessError("bad status line: \(head)") }
            let headers = lines.compactMap { line -> (name: String, value: String)? in
                guard let colon = line.firstIndex(of: ":") else { return nil }
                return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
            }
            let rest = Array(raw[(end + 4)...])
            if (100...199).contains(status) { raw = rest; continue }
            var body = rest
            if method == "HEAD" || status == 204 || status == 304 {
                body = []
            } else if let length = headers.first(where: { $0.name.lowercased() == "content-length" }).flatMap({ Int($0.value) }) {
                body = Array(rest.prefix(length))
            }
            return ClientResponse(status: status, headers: headers, body: body)
        }
    }

    private static func findHeadEnd(_ bytes: [UInt8]) -> Int? {
        guard bytes.count >= 4 else { return nil }
        for i in 0...(bytes.count - 4) where bytes[i] == 13 && bytes[i + 1] == 10 && bytes[i + 2] == 13 && bytes[i + 3] == 10 {
            return i
        }
        return nil
    }
}
