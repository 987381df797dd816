import Fluent
import FluentSQLiteDriver

extension Database {
    /// Fluent's transaction, run again when SQLite answers "busy": a transaction that read before writing, while
    /// another connection (another event loop's, or another process's: a station beside the server) committed, cannot
    /// wait for the lock — its snapshot is stale (SQLITE_BUSY_SNAPSHOT) — and SQLite refuses it at once whatever the
    /// busy handler. The attempt was rolled back whole, so it is simply made again on a fresh snapshot, up to eight
    /// times with a short random wait. Inside a transaction it runs once (the outer one is retried instead); on
    /// PostgreSQL it is Fluent's transaction.
    func retryingTransaction<T: Sendable>(_ closure: @escaping @Sendable (any Database) async throws -> T) async throws -> T {
        guard !inTransaction else { return try await transaction(closure) }
        var attempt = 0
        while true {
            attempt += 1
            do {
                return try await transaction(closure)
            } catch let error as SQLiteError where error.isBusy && attempt < 8 {
                try await Task.sleep(for: .microseconds(Int.random(in: 100...(500 << attempt))))
            }
        }
    }
}

extension SQLiteError {
    /// The database is locked or busy for this connection now (SQLite result codes 5 and 6 and their extended forms).
    var isBusy: Bool {
        switch reason {
        case .busy, .busyInSnapshot, .busyInRecovery, .busyTimeout, .locked, .lockedBySharedCache: true
        default: false
        }
    }
}
