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
    ///   - durability: `.full` (the default) syncs every commit to disk.
    /// - Throws: `.unavailable(.cannotOpen)` when the directory or file cannot be made or opened,
    ///   `.corrupt` when the file is not a database, `.migration` when the database does not fit this binary.
    public convenience init(
        path: String, migrate: Bool = true, busyTimeout: Duration = .seconds(5), durability: Durability = .full
    ) throws(StorageError) {
        try self.init(
            path: path, migrate: migrate, busyTimeout: busyTimeout, migrations: Migration.embedded, durability: durability
        )
    }

    /// Opens an existing, already migrated database without the right to write (for status, export,
    /// or a copy on read-only media): every write fails with `.unavailable(reason: .readOnly, …)`.
    /// - Throws: `.unavailable(.cannotOpen)` when the file does not exist or cannot be opened.
    public static func openReadOnly(path: String, busyTimeout: Duration = .seconds(5)) throws(StorageError) -> ArchiveDatabase {
        try ArchiveDatabase(path: path, migrate: false, busyTimeout: busyTimeout, migrations: Migration.embedded, readOnly: true)
    }

    /// What a commit promises (https://sqlite.org/pragma.html#pragma_synchronous, https://sqlite.org/wal.html).
    public enum Durability: String, Sendable, Hashable, CaseIterable {
        /// synchronous=FULL: every commit is synced to disk before it returns, so a story acknowledged as
        /// stored survives power loss. Costs one fsync per ingest.
        case full
        /// synchronous=NORMAL: a crash or power loss never corrupts the database, but may lose the last
        /// commits before a checkpoint. Several times faster on slow disks.
        case normal
    }

    /// For tests: a database migrated with another set of migrations, and optionally every statement
    /// any connection runs reported to `trace` (with its arguments expanded).
    init(
        path: String, migrate: Bool, busyTimeout: Duration, migrations: [Migration],
        durability: Durability = .full, readOnly: Bool = false, trace: (@Sendable (String) -> Void)? = nil
    ) throws(StorageError) {
        self.path = path
        self.migrator = Migrator(migrations: migrations)
        try Migration.validate(migrations)

        let directory = (path as NSString).deletingLastPathComponent
        if readOnly {
            guard FileManager.default.fileExists(atPath: path) else {
                throw .unavailable(reason: .cannotOpen("no database at \(path)"), retryAfter: StorageError.retryAfterOperator)
            }
        } else if !directory.isEmpty {
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
        config.readonly = readOnly
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
            // Only the one writer connection commits. Set after opening, because the pool puts its
            // writer in NORMAL while enabling WAL.
            if !readOnly {
                let synchronous = durability == .full ? "FULL" : "NORMAL"
                try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = \(synchronous)") }
                // The writer's page cache: 32 MiB instead of SQLite's 2 MiB. Every story touches
                // pages all over the indexes (transcript digests, speakers, quotes by speaker), and
                // with 2 MiB a large archive's writer kept reading back pages it had just evicted:
                // importing 100k stories took 53.4-54.6 s with 15-17 s of system time, and
                // 46.3-51.5 s with 10.5-11 s with 16-64 MiB (https://sqlite.org/pragma.html#pragma_cache_size).
                try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA cache_size = -32768") }
            }
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

    /// Lets SQLite refresh its planner statistics (https://sqlite.org/pragma.html#pragma_optimize) and
    /// closes every connection, checkpointing the WAL into the database file. Call once at shutdown,
    /// after the last request: afterwards every call fails and `isReady()` is false.
    public func close() throws(StorageError) {
        do {
            try pool.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA optimize")
                // The pool's readers are read-only connections and cannot checkpoint on close, so the
                // writer folds the WAL into the file now (https://sqlite.org/pragma.html#pragma_wal_checkpoint).
                _ = try Row.fetchAll(db, sql: "PRAGMA wal_checkpoint(TRUNCATE)")
            }
            try pool.close()
        } catch {
            throw StorageError.from(error)
        }
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
