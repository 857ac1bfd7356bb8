import Foundation
import XCTest

/// config/nginx.conf, run by a real nginx on 127.0.0.1 in front of `storyarchive serve --port 0`:
/// what a client sees through the proxy, and the client address the service logs.
final class NginxProxyTests: TemporaryDirectoryTestCase {
    override class var directoryPrefix: String { "storyarchive-nginx" }

    /// A client address other than the proxy's own, so that the log can tell them apart.
    private let clientAddress = "127.0.0.3"

    func testThroughNginxWritesReadsRevalidateCompressAndLogTheOriginalClient() throws {
        let curl = try Curl.require()
        let nginxPath = try NginxProcess.binary()
        let server = try RunningServer.start(
            arguments: ["--db", directory.appendingPathComponent("archive.sqlite").path, "--log-format", "json",
                        "--trusted-proxy", "127.0.0.1"],
            environment: ["STORYARCHIVE_WRITE_TOKEN": "nginx-test-token"]
        )
        defer { server.stop() }
        let nginx = try NginxProcess.start(binary: nginxPath, sample: SettingsLoaderTests.repositoryRoot.appendingPathComponent("config/nginx.conf"),
                                           upstreamPort: server.port, directory: directory.appendingPathComponent("nginx"))
        defer { nginx.stop() }
        let base = "http://127.0.0.1:\(nginx.port)"
        let asClient = ["--interface", clientAddress]

        // POST: 201 and the Location of the new story, through the proxy.
        let created = try curl.run(asClient + [
            "-sS", "-i", "-H", "Authorization: Bearer nginx-test-token", "-H", "Content-Type: text/plain",
            "-H", "X-Request-ID: nginx-post-1",
            "--data-binary", "@\(Fixtures.url("electric-ferry.txt").path)", "\(base)/stories",
        ])
        XCTAssertTrue(created.hasPrefix("HTTP/1.1 201"), created)
        XCTAssertEqual(Self.header("Location", in: created), "/stories/1")
        XCTAssertEqual(Self.header("X-Request-ID", in: created), "nginx-post-1", "the client's request id reaches the service and comes back")

        // Beyond client_max_body_size (= http.max_body_bytes): nginx answers 413 itself.
        let large = directory.appendingPathComponent("large.txt")
        try Data(repeating: UInt8(ascii: "a"), count: (10 << 20) + 1).write(to: large)
        let tooLarge = try curl.run(asClient + [
            "-sS", "-o", "/dev/null", "-w", "%{http_code}", "-H", "Authorization: Bearer nginx-test-token",
            "-H", "Content-Type: text/plain", "-H", "X-Request-ID: nginx-too-large", "--data-binary", "@\(large.path)", "\(base)/stories",
        ])
        XCTAssertEqual(tooLarge, "413")
        // At exactly the limit, nginx passes it on. The service reads it whole and refuses it cheaply
        // (not JSON: 400); an answer before the body is read would race nginx's upload (502).
        let atLimit = directory.appendingPathComponent("at-limit.json")
        try Data(repeating: UInt8(ascii: "a"), count: 10 << 20).write(to: atLimit)
        let passed = try curl.run(asClient + [
            "-sS", "-o", "/dev/null", "-w", "%{http_code}", "-H", "Authorization: Bearer nginx-test-token",
            "-H", "Content-Type: application/json", "-H", "X-Request-ID: nginx-at-limit", "--data-binary", "@\(atLimit.path)", "\(base)/stories",
        ])
        XCTAssertEqual(passed, "400", "nginx's client_max_body_size is not below the service's http.max_body_bytes")

        // GET: the story, with its ETag.
        let story = try curl.run(asClient + ["-sS", "-i", "\(base)/stories/1"])
        XCTAssertTrue(story.hasPrefix("HTTP/1.1 200"), story)
        let etag = try XCTUnwrap(Self.header("ETag", in: story), story)
        let body = try XCTUnwrap(story.range(of: "\r\n\r\n").map { String(story[$0.upperBound...]) })
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])
        XCTAssertEqual(json["id"] as? Int, 1)
        XCTAssertEqual((json["quotes"] as? [Any])?.count, 3)

        // HEAD: the same head, no body.
        let head = try curl.run(asClient + ["-sS", "-I", "\(base)/stories/1"])
        XCTAssertTrue(head.hasPrefix("HTTP/1.1 200"), head)
        XCTAssertEqual(Self.header("ETag", in: head), etag)
        XCTAssertTrue(head.hasSuffix("\r\n\r\n"), "HEAD has no body: \(head.debugDescription)")

        // gzip: asked for, given, and it decodes to the same story.
        let gzipHead = try curl.run(asClient + ["-sS", "-D", "-", "-o", "/dev/null", "-H", "Accept-Encoding: gzip", "\(base)/stories/1"])
        XCTAssertEqual(Self.header("Content-Encoding", in: gzipHead), "gzip", gzipHead)
        let decoded = try curl.run(asClient + ["-sS", "--compressed", "\(base)/stories/1"])
        XCTAssertEqual(try JSONSerialization.jsonObject(with: Data(decoded.utf8)) as? NSDictionary, json as NSDictionary)

        // 304: revalidation with the ETag passes through.
        let notModified = try curl.run(asClient + ["-sS", "-i", "-H", "If-None-Match: \(etag)", "\(base)/stories/1"])
        XCTAssertTrue(notModified.hasPrefix("HTTP/1.1 304"), notModified)

        // A client that forges X-Forwarded-For is still logged as itself.
        _ = try curl.run(asClient + ["-sS", "-o", "/dev/null", "-H", "X-Request-ID: nginx-forged", "-H", "X-Forwarded-For: 198.51.100.7", "\(base)/healthz"])
        // Without the proxy, a peer that is not trusted cannot choose its logged address either.
        _ = try curl.run(asClient + ["-sS", "-o", "/dev/null", "-H", "X-Request-ID: direct-forged", "-H", "X-Forwarded-For: 198.51.100.7",
                                     "http://127.0.0.1:\(server.port)/healthz"])

        let requests = try waitForRequestLines(in: server, ids: ["nginx-post-1", "nginx-forged", "direct-forged", "nginx-at-limit"])
        XCTAssertEqual(requests["nginx-at-limit"]?["status"], "400", "the upload at the limit reached the service")
        XCTAssertEqual(requests["nginx-post-1"]?["client"], clientAddress, "the service logs the original client, not nginx")
        XCTAssertEqual(requests["nginx-post-1"]?["status"], "201")
        XCTAssertEqual(requests["nginx-forged"]?["client"], clientAddress, "nginx appends the real peer; a forged entry is ignored")
        XCTAssertEqual(requests["direct-forged"]?["client"], clientAddress, "X-Forwarded-For from an untrusted peer is ignored")
        XCTAssertFalse(server.log.contains("nginx-too-large"), "the oversized upload never reached the service")
        XCTAssertFalse(server.log.contains("nginx-test-token"), "the write token is never logged")
        XCTAssertEqual(server.terminate(), 0)
    }

    /// The access-log lines of the given request ids, as metadata dictionaries.
    private func waitForRequestLines(in server: RunningServer, ids: [String]) throws -> [String: [String: String]] {
        let deadline = Date().addingTimeInterval(10)
        var found: [String: [String: String]] = [:]
        repeat {
            found = [:]
            for line in server.log.split(separator: "\n") {
                guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                      object["message"] as? String == "request",
                      let metadata = object["metadata"] as? [String: String],
                      let id = metadata["request_id"], ids.contains(id) else { continue }
                found[id] = metadata
            }
            if found.count == ids.count { return found }
            usleep(50_000)
        } while Date() < deadline
        XCTFail("request lines missing for \(Set(ids).subtracting(found.keys)); log:\n\(server.log)")
        return found
    }

    static func header(_ name: String, in response: String) -> String? {
        let head = response.components(separatedBy: "\r\n\r\n").first ?? response
        for line in head.components(separatedBy: "\r\n").dropFirst() {
            let parts = line.split(separator: ":", maxSplits: 1)
            if parts.count == 2, parts[0].lowercased() == name.lowercased() {
                return parts[1].trimmingCharacters(in: .whitespaces)
            }
        }
        return nil
    }
}

/// nginx started in the foreground (`daemon off`) on a configuration derived from config/nginx.conf:
/// the listen and upstream ports substituted, pid, logs and temporary files in a test directory.
final class NginxProcess {
    let process: Process
    let port: Int
    let errorLog: URL

    static func binary() throws -> String {
        for candidate in ["/usr/sbin/nginx", "/usr/bin/nginx"] where FileManager.default.isExecutableFile(atPath: candidate) {
            return candidate
        }
        throw XCTSkip("nginx is not installed (scripts/test installs nginx-light when run as root)")
    }

    /// The sample with this test's ports and paths. Every substitution must apply: a sample edited
    /// out of shape fails here rather than testing something else.
    static func derive(sample: String, listenPort: Int, upstreamPort: Int, directory: URL) throws -> String {
        let path = directory.path
        let substitutions: [(String, String)] = [
            ("pid /run/nginx.pid;", "pid \(path)/nginx.pid;\ndaemon off;"),
            ("error_log /var/log/nginx/error.log warn;", "error_log \(path)/error.log info;"),
            ("access_log /var/log/nginx/access.log storyarchive;",
             "access_log \(path)/access.log storyarchive;\n"
             + ["client_body", "proxy", "fastcgi", "uwsgi", "scgi"].map { "    \($0)_temp_path \(path)/\($0);" }.joined(separator: "\n")),
            ("server 127.0.0.1:8080;", "server 127.0.0.1:\(upstreamPort);"),
            ("listen 80;", "listen 127.0.0.1:\(listenPort);"),
        ]
        var text = sample
        for (from, to) in substitutions {
            guard text.contains(from) else { throw ProcessError("config/nginx.conf no longer contains '\(from)'") }
            text = text.replacingOccurrences(of: from, with: to)
        }
        if getuid() == 0 { text = "user root;\n" + text }
        return text
    }

    static func start(binary: String, sample: URL, upstreamPort: Int, directory: URL) throws -> NginxProcess {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let port = try FreePort.pick()
        let configuration = try derive(sample: String(contentsOf: sample, encoding: .utf8), listenPort: port,
                                       upstreamPort: upstreamPort, directory: directory)
        let file = directory.appendingPathComponent("nginx.conf")
        try configuration.write(to: file, atomically: true, encoding: .utf8)
        let errorLog = directory.appendingPathComponent("error.log")

        let test = Process()
        test.executableURL = URL(fileURLWithPath: binary)
        test.arguments = ["-t", "-p", directory.path, "-c", file.path, "-e", errorLog.path]
        let testOutput = Pipe()
        test.standardError = testOutput
        test.standardOutput = testOutput
        try test.run()
        let testText = String(decoding: testOutput.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        test.waitUntilExit()
        guard test.terminationStatus == 0 else { throw ProcessError("nginx -t refused the derived configuration:\n\(testText)\n\(configuration)") }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["-p", directory.path, "-c", file.path, "-e", errorLog.path]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let nginx = NginxProcess(process: process, port: port, errorLog: errorLog)
        // Ready when it accepts a connection.
        let deadline = Date().addingTimeInterval(15)
        while !FreePort.accepts(port) {
            guard process.isRunning, Date() < deadline else {
                nginx.stop()
                throw ProcessError("nginx did not start: \((try? String(contentsOf: errorLog, encoding: .utf8)) ?? "")")
            }
            usleep(20_000)
        }
        return nginx
    }

    private init(process: Process, port: Int, errorLog: URL) {
        self.process = process
        self.port = port
        self.errorLog = errorLog
    }

    /// SIGQUIT (graceful), then SIGKILL after 10 s: never left running after a test.
    func stop() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGQUIT)
        let deadline = Date().addingTimeInterval(10)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }
}

/// Loopback ports for servers the tests start.
enum FreePort {
    /// A port the kernel just handed out and released; free unless another process takes it first.
    static func pick() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw ProcessError("socket() failed") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw ProcessError("bind() failed") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    static func accepts(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }
}
