@testable import ArchiveAPI
import ArchiveService
import Foundation
import Routing
import Storage
import XCTest

final class OpenAPIDocumentTests: XCTestCase {
    private var repository: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    func testEmbeddedDocumentMatchesDocsFile() throws {
        let file = try String(contentsOf: repository.appendingPathComponent("docs/openapi.json"), encoding: .utf8)
        XCTAssertEqual(OpenAPIDocument.text + "\n", file, "docs/openapi.json changed: run scripts/embed-openapi")
    }

    func testEveryRouteIsDocumentedAndEveryDocumentedPathIsRouted() throws {
        let document = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(OpenAPIDocument.bytes)) as? [String: Any])
        XCTAssertEqual(document["openapi"] as? String, "3.1.0")
        let paths = try XCTUnwrap(document["paths"] as? [String: [String: Any]])
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("openapi-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = try ArchiveDatabase(path: directory.appendingPathComponent("a.sqlite").path)
        let api = ArchiveAPI(service: ArchiveService(database: database), metricsExposition: { [] })
        var routed: Set<String> = []
        for (pattern, methods) in api.routes.patterns {
            // "/stories/:id" is "/stories/{id}" in OpenAPI.
            let path = pattern.split(separator: "/").map { $0.hasPrefix(":") ? "{\($0.dropFirst())}" : String($0) }.joined(separator: "/")
            let documented = "/" + path
            routed.insert(documented)
            let operations = try XCTUnwrap(paths[documented], "\(documented) is routed but not documented")
            for method in methods {
                XCTAssertNotNil(operations[method.rawValue.lowercased()], "\(method) \(documented) is routed but not documented")
            }
            let documentedMethods = Set(operations.keys).subtracting(["parameters"])
            XCTAssertEqual(documentedMethods, Set(methods.map { $0.rawValue.lowercased() }), documented)
        }
        XCTAssertEqual(Set(paths.keys), routed)
    }

    func testDocumentIsAValidOpenAPIDocument() throws {
        let probe = Process()
        probe.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        probe.arguments = ["python3", "-c", "import openapi_spec_validator"]
        probe.standardError = FileHandle.nullDevice
        try probe.run()
        probe.waitUntilExit()
        guard probe.terminationStatus == 0 else { throw XCTSkip("python3 with openapi-spec-validator is not installed") }
        let validator = Process()
        validator.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        validator.arguments = ["python3", "-m", "openapi_spec_validator", repository.appendingPathComponent("docs/openapi.json").path]
        let output = Pipe()
        validator.standardOutput = output
        validator.standardError = output
        try validator.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        validator.waitUntilExit()
        XCTAssertEqual(validator.terminationStatus, 0, text)
    }
}
