import Foundation
import GRDB

/// The archive's SQLite database: a GRDB DatabasePool (WAL: one writer, a pool of readers, and
/// reads never wait for the writer — https://sqlite.org/wal.html) with foreign keys on and a busy
/// timeout, migrated from the migrations embedded in the binary.
///
/// Thread-safe: every method may be called from any thread; the pool serialises writes.
public final class ArchiveDatabase: Sendable {
    /// The path the database was opened at.
    public let path: String
    let pool: DatabasePool
    let migrator: Migrator

    /// Opens (creating the file and its directory if missing) the database and, unless told not to,
    /// applies pending migrations.
    /// - Parameters:
    ///   - path: the database file.
    ///   - migrate: apply pending migrations now (the service does; `storyarchive migrate --status` does not).
    ///   - busyTimeout: how long a write waits for another process's lock before failing with
    ///     `.unavailable(reason: .locked, …)`.
    /// - Throws: `.unavailable(.cannotOpen)` when the directory or file cannot be made or opened,
    ///   `.corrupt` when the file is not a database, `.migration` when the database does not fit this binary.
    public convenience init(path: String, migrate: Bool = true, busyTimeout: Duration = .seconds(5)) throws(StorageError) {
        try self.init(path: path, migrate: migrate, busyTimeout: busyTimeout, migrations: Migration.embedded)
    }

    /// For tests: a database migrated with another set of migrations, and optionally every statement
    /// any connection runs reported to `trace` (with its arguments expanded).
    init(
        path: String, migrate: Bool, busyTimeout: Duration, migrations: [Migration],
        trace: (@Sendable (String) -> Void)? = nil
    ) throws(StorageError) {
        self.path = path
        self.migrator = Migrator(migrations: migrations)
        try Migration.validate(migrations)

        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            } catch {
                throw .unavailable(
                    reason: .cannotOpen("cannot create directory \(directory): \(error.localizedDescription)"),
                    retryAfter: StorageError.retryAfterOperator
                )
            }
        }

        var config = Configuration()
        config.foreignKeysEnabled = true
        let components = busyTimeout.components
        config.busyMode = .timeout(Double(components.seconds) + Double(components.attoseconds) / 1e18)
        config.maximumReaderCount = 4
        config.label = "ArchiveDatabase"
        config.prepareDatabase { db in
            // After a burst of ingests the WAL is cut back to 64 MiB at the next checkpoint instead of
            // keeping its largest size forever (https://sqlite.org/pragma.html#pragma_journal_size_limit).
            try db.execute(sql: "PRAGMA journal_size_limit = 67108864")
            if let trace {
                db.trace(options: .statement) { event in
                    if case .statement(let statement) = event { trace(statement.expandedSQL) }
                }
            }
        }
        do {
            pool = try DatabasePool(path: path, configuration: config)
            // WAL with synchronous=FULL on the one writer connection: a story acknowledged as stored
            // survives power loss, not only a crash (https://sqlite.org/pragma.html#pragma_synchronous).
            // Set after opening because the pool puts its writer in NORMAL while enabling WAL.
            try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        } catch {
            throw StorageError.from(error)
        }
        if migrate {
            try self.migrate()
        }
    }

    /// Applies pending migrations, each in one transaction with its record.
    /// - Throws: `.migration` when the database is newer than this binary, an applied migration's
    ///   file changed, or a migration fails (it is rolled back); `.unavailable` when locked or full.
    public func migrate() throws(StorageError) {
        try migrator.migrate(pool)
    }

    /// Every migration this binary knows and every one the database has applied, in version order.
    public func migrationStatus() throws(StorageError) -> [MigrationStatus] {
        do {
            return try pool.read { db in try migrator.status(db) }
        } catch {
            throw StorageError.from(error)
        }
    }

    /// True when the database answers and every migration this binary knows is applied unchanged
    /// (and none unknown): what `/readyz` reports.
    public func isReady() -> Bool {
        guard let statuses = try? migrationStatus() else { return false }
        return statuses.allSatisfy { $0.state == .applied }
    }

    // MARK: Access for repositories, mapping every failure to StorageError.

    func read<T>(_ body: (Database) throws -> T) throws(StorageError) -> T {
        do {
            return try pool.read(body)
        } catch {
            throw StorageError.from(error)
        }
    }

    func write<T>(_ body: (Database) throws -> T) throws(StorageError) -> T {
        do {
            return try pool.write(body)
        } catch {
            throw StorageError.from(error)
        }
    }
}
