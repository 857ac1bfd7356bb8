import Foundation
import XCTest

/// What `serve` logs and how it refuses a bad configuration, seen from outside the process.
final class ServeLoggingTests: TemporaryDirectoryTestCase {
    override class var directoryPrefix: String { "storyarchive-logs" }

    private func jsonLines(_ log: String) -> [[String: Any]] {
        log.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    }

    func testJSONFormatGivesOneObjectPerLineWithAStartUpLineAndOneLinePerRequest() throws {
        let curl = try Curl.require()
        let database = directory.appendingPathComponent("archive.sqlite").path
        let server = try RunningServer.start(arguments: ["--db", database], environment: ["STORYARCHIVE_LOG_FORMAT": "json"])
        defer { server.stop() }
        _ = try curl.run(["-sS", "-o", "/dev/null", "-H", "X-Request-ID: log-test-1", "http://127.0.0.1:\(server.port)/stories/42"])
        XCTAssertEqual(server.terminate(), 0)

        let lines = server.log.split(separator: "\n")
        let objects = jsonLines(server.log)
        XCTAssertEqual(objects.count, lines.count, "every line is a JSON object:\n\(server.log)")
        for object in objects {
            XCTAssertNotNil(object["timestamp"] as? String)
            XCTAssertNotNil(object["level"] as? String)
            XCTAssertEqual(object["label"] as? String, "storyarchive")
            XCTAssertNotNil(object["message"] as? String)
            XCTAssertNotNil(object["metadata"] as? [String: Any])
        }
        let start = try XCTUnwrap(objects.first { ($0["message"] as? String)?.contains("listening on http://127.0.0.1:\(server.port)") == true })
        let startMetadata = try XCTUnwrap(start["metadata"] as? [String: String])
        XCTAssertEqual(startMetadata["database"], database)
        XCTAssertEqual(startMetadata["version"], "0.1.0")
        XCTAssertEqual(startMetadata["address"], "127.0.0.1:\(server.port)")

        let request = try XCTUnwrap(objects.first { ($0["metadata"] as? [String: String])?["request_id"] == "log-test-1" }, server.log)
        XCTAssertEqual(request["message"] as? String, "request")
        XCTAssertEqual(request["level"] as? String, "info")
        let metadata = try XCTUnwrap(request["metadata"] as? [String: String])
        XCTAssertEqual(metadata["method"], "GET")
        XCTAssertEqual(metadata["path"], "/stories/42")
        XCTAssertEqual(metadata["status"], "404")
        XCTAssertEqual(metadata["client"], "127.0.0.1")
        XCTAssertNotNil(metadata["duration_ms"].flatMap(Double.init))
        XCTAssertNotNil(metadata["bytes"].flatMap(Int.init))
    }

    func testNoTokenIsEverLoggedAtAnyLevelOrFormat() throws {
        let curl = try Curl.require()
        let token = "tok-\(UUID().uuidString)", wrong = "wrong-\(UUID().uuidString)"
        for format in ["text", "json"] {
            let server = try RunningServer.start(
                arguments: ["--db", directory.appendingPathComponent("\(format).sqlite").path, "--log-level", "trace", "--log-format", format],
                environment: ["STORYARCHIVE_WRITE_TOKEN": token]
            )
            defer { server.stop() }
            let post = { (bearer: String) throws -> String in
                try curl.run(["-sS", "-o", "/dev/null", "-w", "%{http_code}", "-H", "Authorization: Bearer \(bearer)",
                              "-H", "Content-Type: text/plain", "--data-binary", "@\(Fixtures.url("electric-ferry.txt").path)",
                              "http://127.0.0.1:\(server.port)/stories"])
            }
            XCTAssertEqual(try post(wrong), "401")
            XCTAssertEqual(try post(token), "201")
            _ = try curl.run(["-sS", "-o", "/dev/null", "-H", "Authorization: Basic \(Data("u:\(token)".utf8).base64EncodedString())",
                              "http://127.0.0.1:\(server.port)/stories/1"])
            XCTAssertEqual(server.terminate(), 0)
            XCTAssertTrue(server.log.contains("request"), "requests were logged (\(format)):\n\(server.log)")
            XCTAssertFalse(server.log.contains(token), "the token is in the \(format) log")
            XCTAssertFalse(server.log.contains(wrong), "a rejected token is in the \(format) log")
            XCTAssertFalse(server.log.contains(Data("u:\(token)".utf8).base64EncodedString()))
        }
    }

    func testAnInvalidSettingStopsTheStartNamingTheKeyAndTheAllowedValues() throws {
        let config = directory.appendingPathComponent("bad.json")
        try Data(#"{"log": {"format": "xml"}}"#.utf8).write(to: config)
        let fromFile = try StoryArchiveProcess.run(["serve", "--config", config.path, "--db", directory.appendingPathComponent("a.sqlite").path])
        XCTAssertNotEqual(fromFile.status, 0)
        XCTAssertTrue(fromFile.stderr.contains("log.format is 'xml'"), fromFile.stderr)
        XCTAssertTrue(fromFile.stderr.contains("allowed: one of text, json"), fromFile.stderr)
        XCTAssertTrue(fromFile.stderr.contains(config.path), fromFile.stderr)

        let fromEnvironment = try StoryArchiveProcess.run(["serve"], environment: ["STORYARCHIVE_HTTP_MAX_CONNECTIONS": "-1"])
        XCTAssertNotEqual(fromEnvironment.status, 0)
        XCTAssertTrue(fromEnvironment.stderr.contains("http.max_connections is '-1' (from environment variable STORYARCHIVE_HTTP_MAX_CONNECTIONS)"),
                      fromEnvironment.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory.appendingPathComponent("a.sqlite").path),
                       "nothing is opened before the configuration is valid")
    }

    func testServeReadsTheConfigurationFileOfItsWorkingDirectory() throws {
        let curl = try Curl.require()
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("config"), withIntermediateDirectories: true)
        try Data(#"{"database": {"path": "from-file/archive.sqlite"}, "log": {"format": "json"}}"#.utf8)
            .write(to: directory.appendingPathComponent("config/storyarchive.json"))
        let server = try RunningServer.start(arguments: [], directory: directory)
        defer { server.stop() }
        XCTAssertEqual(try curl.run(["-sS", "http://127.0.0.1:\(server.port)/healthz"]), #"{"status":"ok"}"#)
        XCTAssertTrue(FileManager.default.fileExists(atPath: directory.appendingPathComponent("from-file/archive.sqlite").path))
        XCTAssertTrue(server.log.hasPrefix("{"), "log.format from the file: \(server.log)")
        XCTAssertEqual(server.terminate(), 0)
    }
}
