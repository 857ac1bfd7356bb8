import ArchiveModel
import Foundation
import GRDB
import XCTest

@testable import Storage

/// A fresh directory per test, removed afterwards; every storage test gets its own database file.
final class TemporaryDirectory {
    let path: String

    init() throws {
        let base = FileManager.default.temporaryDirectory.path
        let name = "storage-tests-\(UUID().uuidString)"
        path = (base as NSString).appendingPathComponent(name)
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func file(_ name: String) -> String {
        (path as NSString).appendingPathComponent(name)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }
}

extension XCTestCase {
    /// A migrated database in a fresh temporary directory that lives as long as the test.
    func makeDatabase(busyTimeout: Duration = .seconds(5)) throws -> ArchiveDatabase {
        let directory = try TemporaryDirectory()
        addTeardownBlock { _ = directory }
        return try ArchiveDatabase(path: directory.file("archive.sqlite"), busyTimeout: busyTimeout)
    }

    func makeTemporaryDirectory() throws -> TemporaryDirectory {
        let directory = try TemporaryDirectory()
        addTeardownBlock { _ = directory }
        return directory
    }
}

extension StoryDraft {
    /// A small but complete story: narration, two speakers, a shot list, two quotes.
    static func make(
        title: String = "Officials inspect flood defences",
        location: String? = "Germany",
        isoDate: String? = "2020-02-11",
        speakers: [SpeakerDraft] = [
            SpeakerDraft(name: "Anna Schmidt", title: "Mayor", organization: "City of Bonn", rawLabel: "ANNA SCHMIDT, Mayor, City of Bonn"),
            SpeakerDraft(name: "José García", title: "Engineer", rawLabel: "JOSÉ GARCÍA, engineer"),
        ],
        quotes: [QuoteDraft]? = nil
    ) -> StoryDraft {
        let segments = [
            SegmentDraft(kind: .voiceOver, text: "Water levels on the Rhine rose overnight."),
            SegmentDraft(kind: .shot, text: "1. Wide of river"),
            SegmentDraft(kind: .soundBite, text: "\"We are prepared.\"", speakerIndex: 0),
            SegmentDraft(kind: .soundBite, text: "\"The walls will hold.\"", speakerIndex: speakers.count > 1 ? 1 : 0),
        ]
        return StoryDraft(
            title: title, location: location,
            dateline: Dateline(place: "Bonn", date: "11 February 2020", isoDate: isoDate),
            durationSeconds: 95, restrictions: ["No access Germany"], storyNumber: "A123", source: "AP",
            segments: segments, speakers: speakers,
            quotes: quotes ?? [
                QuoteDraft(speakerIndex: 0, segmentIndex: 2, text: "We are prepared.", language: "German", interpreted: true),
                QuoteDraft(speakerIndex: speakers.count > 1 ? 1 : 0, segmentIndex: 3, text: "The walls will hold."),
            ]
        )
    }
}

/// Raw transcript bytes that differ per call site unless told otherwise.
func transcriptBytes(_ text: String) -> [UInt8] {
    Array(text.utf8)
}

/// Another connection (as another process would) holding the write lock with `BEGIN EXCLUSIVE`
/// until `release()`. GRDB forbids leaving a transaction open between accesses, so the lock is
/// held inside one access on a background thread; every wait is bounded.
final class LockHolder: @unchecked Sendable {
    // @unchecked: the semaphores are thread-safe; `queue` is touched only by init and the background block.
    private let locked = DispatchSemaphore(value: 0)
    private let released = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)
    private let queue: DatabaseQueue

    init(path: String, sql: String = "BEGIN EXCLUSIVE") throws {
        var config = Configuration()
        config.busyMode = .timeout(5)
        queue = try DatabaseQueue(path: path, configuration: config)
        let queue = self.queue
        let (locked, released, finished) = (self.locked, self.released, self.finished)
        DispatchQueue.global().async {
            try? queue.writeWithoutTransaction { db in
                try db.execute(sql: sql)
                locked.signal()
                _ = released.wait(timeout: .now() + 60)
                try db.execute(sql: "ROLLBACK")
            }
            finished.signal()
        }
        guard locked.wait(timeout: .now() + 10) == .success else {
            throw StorageError.unavailable(reason: .cannotOpen("lock holder could not take the lock"), retryAfter: 0)
        }
    }

    func release() {
        released.signal()
        _ = finished.wait(timeout: .now() + 10)
    }
}
