import ArchiveModel
import Foundation
import GRDB

/// One transcript to store in a batch.
public struct StoryToInsert: Sendable {
    public var draft: StoryDraft
    public var transcript: [UInt8]
    public var metadata: StoryMetadata

    public init(draft: StoryDraft, transcript: [UInt8], metadata: StoryMetadata = StoryMetadata()) {
        self.draft = draft
        self.transcript = transcript
        self.metadata = metadata
    }
}

/// What became of one story of a batch.
public enum BatchInsertOutcome: Sendable, Equatable {
    case created(id: Int64)
    /// The same transcript was already stored (or came earlier in the batch).
    case duplicate(id: Int64)
    case failed(StorageError)
}

extension StoryRepository {
    /// Stores many stories in one write transaction, each inside its own savepoint.
    ///
    /// Bulk import is bound by the commit, not by the inserts: with `synchronous=FULL` every
    /// transaction waits for the disk, so one commit per batch instead of per story is what makes an
    /// import fast. A story that fails rolls back its savepoint alone; the others are kept.
    /// - Throws: only when the transaction as a whole cannot be written (disk full, locked, read-only);
    ///   then nothing of the batch is stored.
    public func insertBatch(_ items: [StoryToInsert]) throws(StorageError) -> [BatchInsertOutcome] {
        // Validation, hashing and compression happen before the write lock is taken.
        var outcomes: [BatchInsertOutcome] = []
        var prepared: [(item: StoryToInsert, digest: Data, compressed: Data)?] = []
        for item in items {
            do throws(StorageError) {
                try Self.validate(item.draft)
                prepared.append((item, Data(SHA256.hash(item.transcript)), Data(TranscriptCompression.compress(item.transcript))))
                outcomes.append(.created(id: 0))  // replaced below
            } catch {
                prepared.append(nil)
                outcomes.append(.failed(error))
            }
        }
        let now = Clock.nowMilliseconds()
        return try database.write { db in
            // First all stories under one savepoint. FTS5 writes its pending terms to disk at every
            // savepoint, so a savepoint per story cost each story a flush of three full-text indexes
            // (and later merges of the tiny segments). Only when a story fails is the batch undone
            // and stored again with a savepoint per story, so that the failure takes no other with it.
            var stored = outcomes
            var someStoryFailed = false
            try db.inSavepoint {
                do {
                    stored = try Self.insertEach(db, prepared, outcomes: outcomes, now: now, isolatingFailures: false)
                    return .commit
                } catch let error as DatabaseError where Self.failsTheWholeTransaction(error) {
                    throw error
                } catch {
                    someStoryFailed = true
                    return .rollback
                }
            }
            guard someStoryFailed else { return stored }
            return try Self.insertEach(db, prepared, outcomes: outcomes, now: now, isolatingFailures: true)
        }
    }

    /// Stores the prepared stories that are not duplicates. With `isolatingFailures`, each story is
    /// inside its own savepoint and a failure is recorded as its outcome; without, the first
    /// failure is thrown.
    private static func insertEach(
        _ db: Database, _ prepared: [(item: StoryToInsert, digest: Data, compressed: Data)?],
        outcomes: [BatchInsertOutcome], now: Int64, isolatingFailures: Bool
    ) throws -> [BatchInsertOutcome] {
        var outcomes = outcomes
        for (index, entry) in prepared.enumerated() {
            guard let (item, digest, compressed) = entry else { continue }
            if let existing = try storyID(db, transcriptDigest: digest) {
                outcomes[index] = .duplicate(id: existing)
                continue
            }
            func insert() throws -> Int64 {
                try insertNewStory(
                    db, item.draft, metadata: item.metadata, transcriptByteCount: item.transcript.count,
                    digest: digest, compressed: compressed, now: now, searchRows: false
                )
            }
            guard isolatingFailures else {
                outcomes[index] = .created(id: try insert())
                continue
            }
            do {
                try db.inSavepoint {
                    outcomes[index] = .created(id: try insert())
                    return .commit
                }
            } catch let error as DatabaseError where failsTheWholeTransaction(error) {
                throw error
            } catch {
                outcomes[index] = .failed(StorageError.from(error))
            }
        }
        let created = zip(prepared, outcomes).compactMap { entry, outcome -> (id: Int64, draft: StoryDraft)? in
            guard case .created(let id) = outcome, let draft = entry?.item.draft else { return nil }
            return (id, draft)
        }
        try insertSearchRows(db, stories: created)
        return outcomes
    }

    /// Errors after which the transaction cannot go on (the disk, the file or a lock), as opposed to
    /// one story's own bad data.
    private static func failsTheWholeTransaction(_ error: DatabaseError) -> Bool {
        switch error.resultCode {
        case .SQLITE_FULL, .SQLITE_IOERR, .SQLITE_READONLY, .SQLITE_BUSY, .SQLITE_LOCKED, .SQLITE_CORRUPT, .SQLITE_NOTADB, .SQLITE_CANTOPEN:
            true
        default:
            false
        }
    }
}
