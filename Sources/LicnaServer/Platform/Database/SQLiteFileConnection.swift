import VaporCSQLite

/// A connection of our own to an SQLite installation's file with its prepared statements, for the paths that bypass
/// the database driver to save its per-statement hops (`OCSPSQLiteStatusReader`, `SQLiteTokenRotator`,
/// `SQLiteAuditAppender`). SQLite is the one SQLiteNIO links (sqlite-nio's vendored library). Used by one thread at a
/// time (`SQLiteConnectionPool` hands it out); every failure is a `SQLiteFileConnection.Failure`, after which the
/// caller takes the driver's path.
final class SQLiteFileConnection: @unchecked Sendable {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    let handle: OpaquePointer
    /// The statements prepared at opening, in the order given.
    let statements: [OpaquePointer]

    /// Opens `path` read-write (read-only in effect with `queryOnly`: `PRAGMA query_only`), waits up to `busyTimeout`
    /// milliseconds for another connection's lock, and prepares `sql`.
    init(path: String, busyTimeout: Int32, queryOnly: Bool = false, prepare sql: [String]) throws {
        var opened: OpaquePointer?
        guard sqlite_nio_sqlite3_open_v2(path, &opened, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nil) == SQLITE_OK, let handle = opened else {
            if let opened { sqlite_nio_sqlite3_close_v2(opened) }
            throw Failure(description: "cannot open \(path)")
        }
        sqlite_nio_sqlite3_busy_timeout(handle, busyTimeout)
        var prepared: [OpaquePointer] = []
        func fail(_ what: String) -> Failure {
            let failure = Failure(description: "\(what): \(String(cString: sqlite_nio_sqlite3_errmsg(handle)))")
            prepared.forEach { sqlite_nio_sqlite3_finalize($0) }
            sqlite_nio_sqlite3_close_v2(handle)
            return failure
        }
        if queryOnly, sqlite_nio_sqlite3_exec(handle, "PRAGMA query_only = 1", nil, nil, nil) != SQLITE_OK { throw fail("cannot make the connection read-only") }
        for text in sql {
            var statement: OpaquePointer?
            guard sqlite_nio_sqlite3_prepare_v3(handle, text, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil) == SQLITE_OK,
                  let statement else { throw fail("cannot prepare \(text)") }
            prepared.append(statement)
        }
        self.handle = handle
        statements = prepared
    }

    deinit {
        statements.forEach { sqlite_nio_sqlite3_finalize($0) }
        sqlite_nio_sqlite3_close_v2(handle)
    }

    func execute(_ sql: String) throws {
        guard sqlite_nio_sqlite3_exec(handle, sql, nil, nil, nil) == SQLITE_OK else {
            throw Failure(description: "\(sql): \(String(cString: sqlite_nio_sqlite3_errmsg(handle)))")
        }
    }

    /// Runs `body` in a write transaction: `BEGIN IMMEDIATE` (the write lock at once, so two writers never deadlock on
    /// upgrading a read lock), `COMMIT` (durable: the connection keeps SQLite's default `synchronous`), and `ROLLBACK`
    /// when anything fails.
    func inWriteTransaction<T>(_ body: () throws -> T) throws -> T {
        try execute("BEGIN IMMEDIATE")
        do {
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }

    /// `SQLITE_TRANSIENT`: SQLite copies a bound text or blob before the bind returns.
    static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
}
