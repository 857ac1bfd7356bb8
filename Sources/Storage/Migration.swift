import Foundation
import GRDB

/// One schema change: a `migrations/NNNN_name.sql` file, applied once, in version order.
struct Migration: Sendable, Hashable {
    /// The file name, e.g. "0001_initial_schema.sql"; recorded with the migration.
    let fileName: String
    let sql: String
    /// The NNNN prefix.
    let version: Int
    /// SHA-256 of the file's bytes, hex: an applied migration whose file changed is refused.
    let checksum: String

    init(fileName: String, sql: String) {
        self.fileName = fileName
        self.sql = sql
        self.version = Migration.version(ofFileName: fileName) ?? -1
        self.checksum = SHA256.hexDigest(Array(sql.utf8))
    }

    /// The version of "NNNN_name.sql": four or more digits, an underscore, a name, ".sql".
    static func version(ofFileName fileName: String) -> Int? {
        guard fileName.hasSuffix(".sql"), let underscore = fileName.firstIndex(of: "_") else { return nil }
        let digits = fileName[..<underscore]
        let name = fileName[fileName.index(after: underscore)...].dropLast(4)
        guard digits.count >= 4, digits.allSatisfy({ $0.isASCII && $0.isNumber }), !name.isEmpty else { return nil }
        return Int(digits)
    }

    /// Checks that a set of migrations can be applied in order: well-named, unique, increasing versions.
    static func validate(_ migrations: [Migration]) throws(StorageError) {
        var previous = 0
        for migration in migrations {
            guard migration.version > 0 else {
                throw .migration("\(migration.fileName): name must be NNNN_name.sql with NNNN ≥ 0001")
            }
            guard migration.version > previous else {
                throw .migration("\(migration.fileName): version \(migration.version) is not after \(previous); versions must be unique and increasing")
            }
            previous = migration.version
        }
    }
}

/// Where one migration stands in a database.
public struct MigrationStatus: Sendable, Hashable {
    public enum State: String, Sendable, Hashable {
        /// Applied, and the file still has the checksum recorded then.
        case applied
        /// Known to this binary, not yet applied.
        case pending
        /// Applied, but this binary's file differs from what was applied: the service refuses to start.
        case changed
        /// Applied by a newer binary: this one does not know it and refuses to start.
        case unknown
    }

    public var version: Int
    /// The migration's file name ("0001_initial_schema.sql").
    public var name: String
    /// SHA-256 (hex) of the file this binary carries, or for `.unknown`/`.changed` the one recorded.
    public var checksum: String
    public var appliedAt: Date?
    public var state: State

    public init(version: Int, name: String, checksum: String, appliedAt: Date?, state: State) {
        self.version = version
        self.name = name
        self.checksum = checksum
        self.appliedAt = appliedAt
        self.state = state
    }
}

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

/// Wall-clock time as stored: Unix milliseconds.
enum Clock {
    static func nowMilliseconds() -> Int64 {
        Int64((Date().timeIntervalSince1970 * 1000).rounded(.down))
    }

    static func date(milliseconds: Int64) -> Date {
        Date(timeIntervalSince1970: Double(milliseconds) / 1000)
    }
}
