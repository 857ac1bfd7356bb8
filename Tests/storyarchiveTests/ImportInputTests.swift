import Foundation
import XCTest

@testable import storyarchive

final class ImportInputTests: TemporaryDirectoryTestCase {
    override class var directoryPrefix: String { "storyarchive-inputs" }

    override func setUpWithError() throws {
        try super.setUpWithError()
        for folder in ["a/b", "a/.git", "c"] {
            try FileManager.default.createDirectory(at: directory.appendingPathComponent(folder), withIntermediateDirectories: true)
        }
        for file in ["a/2.txt", "a/1.txt", "a/b/3.txt", "a/.git/HEAD", "a/.hidden.txt", "c/4.txt"] {
            try Data("x".utf8).write(to: directory.appendingPathComponent(file))
        }
    }

    func testDirectoriesAreWalkedInPathOrderSkippingHiddenEntriesAndNothingIsTakenTwice() {
        let root = directory.path
        let inputs = ImportInput.collect(["\(root)/a/", "\(root)/c/4.txt", "-", "\(root)/a/1.txt", "-", "\(root)/nope"])
        XCTAssertEqual(inputs.map(\.name), [
            "\(root)/a/1.txt", "\(root)/a/2.txt", "\(root)/a/b/3.txt", "\(root)/c/4.txt", "-", "\(root)/nope",
        ])
        XCTAssertEqual(inputs.last?.origin, .unreadable("\(root)/nope", reason: "no such file or directory"))
        XCTAssertEqual(inputs[4].origin, .standardInput)
    }

    func testAnUnreadableInputFailsWithItsReason() {
        let input = ImportInput(origin: .unreadable("x", reason: "no such file or directory"))
        XCTAssertThrowsError(try input.read()) { error in
            XCTAssertEqual(error as? ImportFailure, ImportFailure(reason: "no such file or directory"))
        }
        XCTAssertEqual(try ImportInput(origin: .file(directory.appendingPathComponent("c/4.txt").path)).read(), Array("x".utf8))
    }
}
