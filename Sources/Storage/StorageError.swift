import GRDB

/// Everything that can go wrong in storage, carrying what the HTTP boundary needs to answer.
///
/// The API maps these in one place: `.unavailable` → 503 with `Retry-After: retryAfter`,
/// `.notFound` → 404, `.invalid` → 422, `.migration` refuses to start, `.corrupt` and
/// `.database` → 500. Raw SQLite details travel in `SQLiteFailure` for logs, never for clients.
public enum StorageError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The database cannot take the request now but may later: disk full, read-only file,
    /// locked by another process past the busy timeout, I/O error. Nothing was written.
    case unavailable(reason: UnavailableReason, retryAfter: Int)
    /// Migrations could not be applied, or the database does not match this binary's migrations
    /// (newer than the code, or an applied file changed). The service must not start.
    case migration(String)
    /// The file is not a database, is damaged, or holds data this code cannot read back.
    case corrupt(String)
    /// The thing asked for does not exist (for operations that need it to, e.g. update, delete).
    case notFound(String)
    /// The caller's input cannot be stored as given (e.g. a quote naming a speaker index that does not exist).
    case invalid(String)
    /// Any other SQLite failure: a bug or an unexpected condition.
    case database(SQLiteFailure)

    /// A human sentence for logs and problem details.
    public var detail: String {
        switch self {
        case .unavailable(let reason, let retryAfter):
            let cause = reason.failure.map { ": \($0.description)" } ?? ""
            return "storage unavailable (\(reason.summary)); retry after \(retryAfter)s\(cause)"
        case .migration(let detail): return "migration: \(detail)"
        case .corrupt(let detail): return "database corrupt: \(detail)"
        case .notFound(let detail): return "not found: \(detail)"
        case .invalid(let detail): return "invalid: \(detail)"
        case .database(let failure): return "database error: \(failure.description)"
        }
    }

    public var description: String { detail }

    /// Seconds a client should wait before retrying, for `.unavailable`; nil otherwise.
    public var retryAfter: Int? {
        if case .unavailable(_, let seconds) = self { return seconds }
        return nil
    }

    /// The SQLite extended result code behind the error, where there is one.
    public var sqliteResultCode: Int32? {
        switch self {
        case .unavailable(let reason, _): return reason.failure?.extendedResultCode
        case .database(let failure): return failure.extendedResultCode
        default: return nil
        }
    }
}

/// Why the database cannot serve a request right now.
public enum UnavailableReason: Sendable, Equatable {
    /// SQLITE_FULL: the disk (or the configured page limit) is full.
    case diskFull(SQLiteFailure)
    /// SQLITE_READONLY: the file, its directory or the connection is read-only.
    case readOnly(SQLiteFailure)
    /// SQLITE_BUSY / SQLITE_LOCKED: another connection held the lock past the busy timeout.
    case locked(SQLiteFailure)
    /// SQLITE_IOERR and friends: the operating system refused a read or write.
    case ioError(SQLiteFailure)
    /// SQLITE_CANTOPEN or a missing directory: the file cannot be opened at all.
    case cannotOpen(String)

    public var failure: SQLiteFailure? {
        switch self {
        case .diskFull(let f), .readOnly(let f), .locked(let f), .ioError(let f): return f
        case .cannotOpen: return nil
        }
    }

    public var summary: String {
        switch self {
        case .diskFull: return "disk full"
        case .readOnly: return "read-only"
        case .locked: return "locked"
        case .ioError: return "I/O error"
        case .cannotOpen(let detail): return "cannot open: \(detail)"
        }
    }
}

/// A SQLite failure as reported: result code, message and the statement that failed.
public struct SQLiteFailure: Sendable, Hashable, CustomStringConvertible {
    /// The extended result code (https://sqlite.org/rescode.html); its low byte is the primary code.
    public var extendedResultCode: Int32
    public var message: String?
    public var sql: String?

    public init(extendedResultCode: Int32, message: String?, sql: String?) {
        self.extendedResultCode = extendedResultCode
        self.message = message
        self.sql = sql
    }

    public var primaryResultCode: Int32 { extendedResultCode & 0xff }

    public var description: String {
        var text = "SQLite error \(extendedResultCode)"
        if let message { text += ": \(message)" }
        if let sql { text += " — while executing `\(sql)`" }
        return text
    }
}

extension StorageError {
    /// How long a client should wait after each kind of trouble. Locks clear in moments; a full disk
    /// or a read-only file needs an operator.
    static let retryAfterLocked = 1
    static let retryAfterOperator = 30

    /// Maps anything GRDB or SQLite threw into a StorageError (https://sqlite.org/rescode.html).
    static func from(_ error: any Error) -> StorageError {
        if let storage = error as? StorageError { return storage }
        guard let db = error as? DatabaseError else {
            return .database(SQLiteFailure(extendedResultCode: 1, message: String(describing: error), sql: nil))
        }
        let failure = SQLiteFailure(
            extendedResultCode: db.extendedResultCode.rawValue, message: db.message, sql: db.sql
        )
        switch db.resultCode {
        case .SQLITE_FULL:
            return .unavailable(reason: .diskFull(failure), retryAfter: retryAfterOperator)
        case .SQLITE_READONLY:
            return .unavailable(reason: .readOnly(failure), retryAfter: retryAfterOperator)
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            return .unavailable(reason: .locked(failure), retryAfter: retryAfterLocked)
        case .SQLITE_IOERR:
            return .unavailable(reason: .ioError(failure), retryAfter: retryAfterOperator)
        case .SQLITE_CANTOPEN:
            return .unavailable(reason: .cannotOpen(failure.description), retryAfter: retryAfterOperator)
        case .SQLITE_CORRUPT, .SQLITE_NOTADB:
            return .corrupt(failure.description)
        default:
            return .database(failure)
        }
    }
}
