import Foundation
import GRDB

/// Applies migrations and tells where a database stands. Each migration runs in its own
/// IMMEDIATE transaction together with the row that records it, so a crash leaves it either
/// wholly applied and recorded or not at all (https://sqlite.org/lang_transaction.html).
struct Migrator: Sendable {
    let migrations: [Migration]

    static let createLedger = """
        CREATE TABLE IF NOT EXISTS schema_migrations (
            version    INTEGER PRIMARY KEY,
            name       TEXT    NOT NULL,
            checksum   TEXT    NOT NULL,
            applied_at INTEGER NOT NULL
        ) STRICT
        """

    struct Record {
        var version: Int
        var name: String
        var checksum: String
        var appliedAt: Date
    }

    func appliedRecords(_ db: Database) throws -> [Record] {
        guard try db.tableExists("schema_migrations") else { return [] }
        return try Row.fetchAll(db, sql: "SELECT version, name, checksum, applied_at FROM schema_migrations ORDER BY version")
            .map { row in
                Record(
                    version: row["version"], name: row["name"], checksum: row["checksum"],
                    appliedAt: Date(timeIntervalSince1970: Double(row["applied_at"] as Int64) / 1000)
                )
            }
    }

    func status(_ db: Database) throws -> [MigrationStatus] {
        let applied = try appliedRecords(db)
        let appliedByVersion = Dictionary(applied.map { ($0.version, $0) }, uniquingKeysWith: { first, _ in first })
        var result: [MigrationStatus] = migrations.map { migration in
            guard let record = appliedByVersion[migration.version] else {
                return MigrationStatus(version: migration.version, name: migration.fileName, checksum: migration.checksum, appliedAt: nil, state: .pending)
            }
            if record.name != migration.fileName || record.checksum != migration.checksum {
                return MigrationStatus(version: record.version, name: migration.fileName, checksum: record.checksum, appliedAt: record.appliedAt, state: .changed)
            }
            return MigrationStatus(version: record.version, name: record.name, checksum: record.checksum, appliedAt: record.appliedAt, state: .applied)
        }
        let known = Set(migrations.map(\.version))
        for record in applied where !known.contains(record.version) {
            result.append(MigrationStatus(version: record.version, name: record.name, checksum: record.checksum, appliedAt: record.appliedAt, state: .unknown))
        }
        return result.sorted { $0.version < $1.version }
    }

    /// Throws `.migration` when the database cannot be used by this binary: it holds migrations this
    /// binary does not know (it is newer), or an applied migration's file has changed since.
    func verify(_ statuses: [MigrationStatus]) throws(StorageError) {
        let latestKnown = migrations.last.map { "\($0.fileName)" } ?? "none"
        for status in statuses {
            switch status.state {
            case .unknown:
                throw .migration(
                    "the database is newer than this binary: it has migration \(status.version) (\(status.name)) applied, "
                        + "but the latest this binary knows is \(latestKnown); run a newer storyarchive"
                )
            case .changed:
                throw .migration(
                    "migration \(status.name) was changed after it was applied (recorded checksum \(status.checksum), "
                        + "file now \(migrations.first { $0.version == status.version }?.checksum ?? "?")); "
                        + "never edit an applied migration: add a new one"
                )
            case .applied, .pending:
                continue
            }
        }
    }

    /// Applies every pending migration in order. Safe against a second process migrating at the
    /// same time: each step re-reads the ledger inside its write transaction.
    func migrate(_ writer: some DatabaseWriter) throws(StorageError) {
        try Migration.validate(migrations)
        // Read first: a fully migrated database opens without taking the write lock, so a
        // read-only or busy file still serves reads.
        let current: [MigrationStatus]
        do {
            current = try writer.read { db in try status(db) }
        } catch {
            throw StorageError.from(error)
        }
        try verify(current)
        guard current.contains(where: { $0.state == .pending }) else { return }
        for migration in migrations {
            do {
                try writer.writeWithoutTransaction { db in
                    try db.inTransaction(.immediate) {
                        try db.execute(sql: Self.createLedger)
                        let statuses = try status(db)
                        try verify(statuses)
                        if statuses.contains(where: { $0.version == migration.version && $0.state == .applied }) {
                            return .commit
                        }
                        do {
                            try db.execute(sql: migration.sql)
                        } catch let error as DatabaseError {
                            if case .unavailable = StorageError.from(error) { throw error }
                            throw StorageError.migration("\(migration.fileName) failed: \(StorageError.from(error).detail)")
                        }
                        // Foreign keys cannot be switched off inside a transaction, but a migration
                        // may still leave dangling references (https://sqlite.org/pragma.html#pragma_foreign_key_check).
                        if try Row.fetchOne(db, sql: "PRAGMA foreign_key_check") != nil {
                            throw StorageError.migration("\(migration.fileName) left rows violating foreign keys; rolled back")
                        }
                        try db.execute(
                            sql: "INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (?, ?, ?, ?)",
                            arguments: [migration.version, migration.fileName, migration.checksum, Clock.nowMilliseconds()]
                        )
                        return .commit
                    }
                }
            } catch {
                throw StorageError.from(error)
            }
        }
    }
}
