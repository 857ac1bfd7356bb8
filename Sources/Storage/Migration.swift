import Foundation

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
