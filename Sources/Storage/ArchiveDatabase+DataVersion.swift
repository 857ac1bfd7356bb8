import GRDB

extension ArchiveDatabase {
    /// A number that changes whenever another connection — another process included — has committed
    /// a change to the database file since the last call (https://sqlite.org/pragma.html#pragma_data_version).
    ///
    /// It is read on the writer connection, so it does not move for this process's own writes; callers
    /// that cache what they read track their own writes themselves and use this for everyone else's.
    public func dataVersion() throws(StorageError) -> Int64 {
        do {
            return try pool.writeWithoutTransaction { db in
                try Int64.fetchOne(db, sql: "PRAGMA data_version") ?? 0
            }
        } catch {
            throw StorageError.from(error)
        }
    }
}
