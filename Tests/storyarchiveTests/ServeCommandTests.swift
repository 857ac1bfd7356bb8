import Foundation
import XCTest

/// `storyarchive serve` as a user runs it: a child process, real sockets, curl as the client.
final class ServeCommandTests: TemporaryDirectoryTestCase {
    override class var directoryPrefix: String { "storyarchive-serve" }

    func testServesWithNoConfigurationAndStopsOnSIGTERM() throws {
        let curl = try Curl.require()
        let server = try RunningServer.start(arguments: ["--db", directory.appendingPathComponent("nested/archive.sqlite").path])
        defer { server.stop() }

        // The database directory was created and a write token generated, readable only by its owner.
        let tokenPath = directory.appendingPathComponent("nested/write-token").path
        let attributes = try FileManager.default.attributesOfItem(atPath: tokenPath)
        XCTAssertEqual((attributes[.posixPermissions] as? NSNumber)?.intValue, 0o600)
        let token = try String(contentsOfFile: tokenPath, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertGreaterThanOrEqual(token.count, 32)
        XCTAssertFalse(server.log.contains(token), "the token itself is never logged")
        XCTAssertTrue(server.log.contains(tokenPath), "the log says where the token is")

        let health = try curl.run(["-sS", "-i", "http://127.0.0.1:\(server.port)/healthz"])
        XCTAssertTrue(health.hasPrefix("HTTP/1.1 200"), health)

        let created = try curl.run([
            "-sS", "-i", "-H", "Authorization: Bearer \(token)", "-H", "Content-Type: text/plain",
            "--data-binary", "@\(Fixtures.url("electric-ferry.txt").path)", "http://127.0.0.1:\(server.port)/stories",
        ])
        XCTAssertTrue(created.hasPrefix("HTTP/1.1 201"), created)
        XCTAssertTrue(created.lowercased().contains("\r\nlocation: /stories/1\r\n"), created)

        let quotes = try curl.run(["-sS", "http://127.0.0.1:\(server.port)/stories/1/quotes"])
        let body = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(quotes.utf8)) as? [String: Any])
        XCTAssertEqual((body["items"] as? [Any])?.count, 3)

        XCTAssertEqual(server.terminate(), 0, "SIGTERM ends the server cleanly")
    }

    func testWritesNeedTheTokenFromTheEnvironmentWhenSet() throws {
        let curl = try Curl.require()
        let server = try RunningServer.start(
            arguments: ["--db", directory.appendingPathComponent("archive.sqlite").path],
            environment: ["STORYARCHIVE_WRITE_TOKEN": "alpha, beta"]
        )
        defer { server.stop() }
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory.appendingPathComponent("write-token").path))
        let post = { (token: String) throws -> String in
            try curl.run(["-sS", "-o", "/dev/null", "-w", "%{http_code}", "-H", "Authorization: Bearer \(token)",
                          "-H", "Content-Type: text/plain", "--data-binary", "@\(Fixtures.url("electric-ferry.txt").path)",
                          "http://127.0.0.1:\(server.port)/stories"])
        }
        XCTAssertEqual(try post("gamma"), "401")
        XCTAssertEqual(try post("beta"), "201")
    }

    func testRefusesABadFlagWithAMessage() throws {
        let output = try StoryArchiveProcess.run(["serve", "--port", "70000"])
        XCTAssertNotEqual(output.status, 0)
        XCTAssertTrue(output.stderr.contains("--port"), output.stderr)
    }
}

/// `storyarchive serve --port 0` running in the background, its port read from its start-up log line.
final class RunningServer {
    let process: Process
    let port: Int
    private let logReader: LineCollector

    var log: String { logReader.text }

    static func start(arguments: [String], environment: [String: String] = [:], directory: URL? = nil) throws -> RunningServer {
        let process = Process()
        process.executableURL = StoryArchiveProcess.binary
        if let directory { process.currentDirectoryURL = directory }
        process.arguments = ["serve", "--port", "0"] + arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let stderr = Pipe()
        process.standardError = stderr
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let collector = LineCollector(stderr.fileHandleForReading)
        guard let line = collector.waitForLine(containing: "listening on http://", timeout: 60) else {
            process.terminate()
            throw ProcessError("the server did not report its address; log:\n\(collector.text)")
        }
        // The port right after the address: a JSON log line has more colons after it (its timestamp).
        guard let range = line.range(of: #"http://(\[[^\]]*\]|[^:/\s"]+):\d+"#, options: .regularExpression),
              let port = line[range].split(separator: ":").last.flatMap({ Int($0) })
        else { throw ProcessError("no port in: \(line)") }
        return RunningServer(process: process, port: port, logReader: collector)
    }

    private init(process: Process, port: Int, logReader: LineCollector) {
        self.process = process
        self.port = port
        self.logReader = logReader
    }

    /// Sends SIGTERM and returns the exit status (waits at most 30 s).
    func terminate() -> Int32? {
        process.terminate()
        let deadline = Date().addingTimeInterval(30)
        while process.isRunning && Date() < deadline { usleep(10_000) }
        return process.isRunning ? nil : process.terminationStatus
    }

    func stop() {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }
}

/// Collects a child's output line by line on a background thread.
final class LineCollector: @unchecked Sendable {
    private let lock = NSCondition()
    private var buffer = ""

    init(_ handle: FileHandle) {
        Thread.detachNewThread { [self] in
            while true {
                let data = handle.availableData
                if data.isEmpty { break }
                lock.lock()
                buffer += String(decoding: data, as: UTF8.self)
                lock.broadcast()
                lock.unlock()
            }
        }
    }

    var text: String {
        lock.lock(); defer { lock.unlock() }
        return buffer
    }

    func waitForLine(containing needle: String, timeout: TimeInterval) -> String? {
        let deadline = Date().addingTimeInterval(timeout)
        lock.lock(); defer { lock.unlock() }
        while true {
            if let line = buffer.split(separator: "\n").first(where: { $0.contains(needle) }) { return String(line) }
            if !lock.wait(until: deadline) { return nil }
        }
    }
}

/// curl(1), when installed.
struct Curl {
    let path: String

    static func require() throws -> Curl {
        for candidate in ["/usr/bin/curl", "/usr/local/bin/curl"] where FileManager.default.isExecutableFile(atPath: candidate) {
            return Curl(path: candidate)
        }
        throw XCTSkip("curl is not installed (scripts/test installs it when run as root)")
    }

    func run(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = ["--max-time", "30"] + arguments
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}
