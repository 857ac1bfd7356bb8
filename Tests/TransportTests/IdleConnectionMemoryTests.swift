import Foundation
import Glibc
import XCTest
@testable import Transport

/// Measures the server's RSS with thousands of idle keep-alive connections held by
/// scripts/http/idle_connections.py. Opt-in (it opens 5,000 sockets):
///
///     ulimit -n 20000; STORYARCHIVE_MEASURE_IDLE=5000 swift test --filter IdleConnectionMemoryTests
final class IdleConnectionMemoryTests: XCTestCase {
    func testRSSOfIdleKeepAliveConnections() throws {
        guard let countText = ProcessInfo.processInfo.environment["STORYARCHIVE_MEASURE_IDLE"], let count = Int(countText) else {
            throw XCTSkip("set STORYARCHIVE_MEASURE_IDLE=5000 to measure idle-connection memory")
        }
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../scripts/http/idle_connections.py").standardized.path
        guard FileManager.default.fileExists(atPath: script) else { throw XCTSkip("\(script) not found") }
        var limit = rlimit()
        getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        limit.rlim_cur = limit.rlim_max
        setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        guard limit.rlim_cur > rlim_t(count + 100) else { throw XCTSkip("descriptor limit \(limit.rlim_cur) too low; raise ulimit -n") }

        var configuration = testConfiguration(idleTimeout: 120, maxConnections: count + 100)
        configuration.ioQueueCount = ProcessInfo.processInfo.activeProcessorCount
        try withServer(configuration) { server, port in
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["python3", script, String(port), String(getpid()), String(count)]
            let output = Pipe()
            process.standardOutput = output
            try process.run()
            let data = output.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            let text = String(decoding: data, as: UTF8.self)
            print("idle connection memory: \(text)")
            XCTAssertEqual(process.terminationStatus, 0, text)
            let result = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Int])
            XCTAssertEqual(result["connections"], count)
            XCTAssertTrue(eventually(timeout: 10) { server.openConnectionCount == 0 })
        }
    }
}
