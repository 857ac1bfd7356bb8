import Foundation
import Logging
import Synchronization
import XCTest

@testable import storyarchive

final class JSONLogHandlerTests: XCTestCase {
    /// Lines written by a handler, kept for the test to read.
    final class Lines: Sendable {
        let lines = Mutex<[String]>([])
        var all: [String] { lines.withLock { $0 } }
        var sink: LogSink { LogSink { line in self.lines.withLock { $0.append(line) } } }
    }

    private func object(_ line: String) throws -> [String: Any] {
        XCTAssertFalse(line.contains("\n"), "one event is one line")
        return try XCTUnwrap(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], line)
    }

    func testAnEventIsOneJSONObjectWithTimestampLevelLabelMessageAndMetadata() throws {
        let lines = Lines()
        var handler = JSONLogHandler(label: "storyarchive", sink: lines.sink)
        handler.logLevel = .info
        handler[metadataKey: "instance"] = "a"
        let logger = Logger(label: "storyarchive") { _ in handler }
        logger.info("request", metadata: [
            "status": "201", "path": "/stories", "duration_ms": .stringConvertible(1.5),
            "tags": ["x", "y"], "peer": ["address": "127.0.0.1"],
        ])
        XCTAssertEqual(lines.all.count, 1)
        let event = try object(lines.all[0])
        XCTAssertEqual(event["level"] as? String, "info")
        XCTAssertEqual(event["label"] as? String, "storyarchive")
        XCTAssertEqual(event["message"] as? String, "request")
        let timestamp = try XCTUnwrap(event["timestamp"] as? String)
        XCTAssertNotNil(try? Date(timestamp, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)), timestamp)
        XCTAssertTrue(timestamp.hasSuffix("Z"), "timestamps are UTC: \(timestamp)")
        let metadata = try XCTUnwrap(event["metadata"] as? [String: Any])
        XCTAssertEqual(metadata["status"] as? String, "201")
        XCTAssertEqual(metadata["path"] as? String, "/stories")
        XCTAssertEqual(metadata["duration_ms"] as? String, "1.5")
        XCTAssertEqual(metadata["instance"] as? String, "a", "the handler's own metadata is included")
        XCTAssertEqual(metadata["tags"] as? [String], ["x", "y"])
        XCTAssertEqual((metadata["peer"] as? [String: Any])?["address"] as? String, "127.0.0.1")
    }

    func testEventsBelowTheLevelAreNotWritten() throws {
        let lines = Lines()
        var handler = JSONLogHandler(label: "l", sink: lines.sink)
        handler.logLevel = .notice
        let logger = Logger(label: "l") { _ in handler }
        logger.info("quiet")
        logger.debug("quieter")
        logger.warning("loud")
        XCTAssertEqual(lines.all.count, 1)
        XCTAssertEqual(try object(lines.all[0])["level"] as? String, "warning")
    }

    func testQuotesNewlinesAndNonASCIIStayInsideOneLine() throws {
        let line = JSONLogHandler.line(timestamp: Date(timeIntervalSince1970: 0), level: .error, label: "l",
                                       message: "a \"quoted\"\nsecond line — Zürich", metadata: ["k": "v\r\n"])
        let event = try object(line)
        XCTAssertEqual(event["message"] as? String, "a \"quoted\"\nsecond line — Zürich")
        XCTAssertEqual((event["metadata"] as? [String: Any])?["k"] as? String, "v\r\n")
        XCTAssertTrue(line.hasPrefix("{") && line.hasSuffix("}"))
    }
}
