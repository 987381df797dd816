import Foundation
import LicnaBasics
import LicnaCore
import NIOPosix
import VaporCSQLite

/// The audit append of a read, straight on an SQLite installation's file (issue 11, item 10): the head's bump, the
/// entries and the head's new hash in one durable write transaction, run as one job on a thread of the pool, instead
/// of a hop to the database driver's thread and back for each of BEGIN, the three statements and COMMIT. An
/// officer's audited read was mostly those hops (BENCHMARKS.md, "Where the audited read's time goes").
///
/// The statements are the ones `AuditLog.append` runs through SQLKit, on the same tables, and the hash chain is
/// computed by the same `AuditLog.records`. The transaction is `BEGIN IMMEDIATE` (it takes the write lock at once),
/// commits durably like every other write (the connection keeps SQLite's default `synchronous`, with the file in WAL
/// mode), and waits up to five seconds for another process's writer; this process's writers are kept in turn by the
/// caller (`SQLiteWriteGate`). Any failure is thrown after a rollback (`SQLiteFileConnection`), so nothing of it is written.
final class SQLiteAuditAppender: Sendable {
    private let connections: SQLiteConnectionPool<Connection>

    init(path: String) {
        connections = SQLiteConnectionPool { try Connection(path: path) }
    }

    /// Appends `events` in a transaction of their own, at the time `clock` tells once the write lock is held (so the
    /// entries' times follow their order, as through the driver).
    func append(_ events: [AuditEvent], clock: any WallClock) async throws {
        try await NIOThreadPool.singleton.runIfActive { [connections] in
            try connections.withConnection { try $0.append(events, clock: clock) }
        }
    }

    /// One read-write connection and its three prepared statements; used by one thread at a time.
    final class Connection: @unchecked Sendable {
        let file: SQLiteFileConnection
        var bump: OpaquePointer { file.statements[0] }
        var insert: OpaquePointer { file.statements[1] }
        var setHash: OpaquePointer { file.statements[2] }

        init(path: String) throws {
            typealias Head = AuditHeadTable
            typealias Entries = AuditEntriesTable
            let columns = [Entries.id, Entries.timeMilliseconds, Entries.actor, Entries.purpose, Entries.action, Entries.objectType,
                           Entries.objectID, Entries.detail, Entries.previousHash, Entries.hash]
            file = try SQLiteFileConnection(path: path, busyTimeout: 5_000, prepare: [
                "UPDATE \(Head.table.name) SET \(Head.sequence.name) = \(Head.sequence.name) + ?1 WHERE \(Head.id.name) = 1 "
                    + "RETURNING \(Head.sequence.name), \(Head.hash.name)",
                "INSERT INTO \(Entries.table.name) (\(columns.map(\.name).joined(separator: ", "))) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                "UPDATE \(Head.table.name) SET \(Head.hash.name) = ?1 WHERE \(Head.id.name) = 1",
            ])
        }

        func append(_ events: [AuditEvent], clock: any WallClock) throws {
            try file.inWriteTransaction { try appendInTransaction(events, at: clock.now) }
        }

        private func appendInTransaction(_ events: [AuditEvent], at time: Date) throws {
            let head = try step(bump, binding: [.integer(Int64(events.count))]) { statement in
                guard let hash = sqlite_nio_sqlite3_column_text(statement, 1) else { throw SQLiteFileConnection.Failure(description: "the audit head has no hash") }
                return (sequence: Int(sqlite_nio_sqlite3_column_int64(statement, 0)) - events.count, hash: String(cString: hash))
            }
            guard let head else { throw AuditLogError.headMissing }
            let records = AuditLog.records(for: events, after: head, at: time)
            for record in records {
                _ = try step(insert, binding: [.integer(Int64(record.sequence)), .integer(AuditEntryModel.milliseconds(record.time)),
                                               .text(record.actor), .text(record.purpose), .text(record.action), .text(record.objectType),
                                               .text(record.objectID), .text(record.detail), .text(record.previousHash), .text(record.hash)]) { _ in () }
            }
            if let last = records.last {
                _ = try step(setHash, binding: [.text(last.hash)]) { _ in () }
            }
        }

        enum Value {
            case integer(Int64)
            case text(String?)
        }

        /// Binds `values`, steps once and reads the row (if there is one) with `row`; the statement is reset after.
        private func step<T>(_ statement: OpaquePointer, binding values: [Value], row: (OpaquePointer) throws -> T) throws -> T? {
            defer {
                sqlite_nio_sqlite3_reset(statement)
                sqlite_nio_sqlite3_clear_bindings(statement)
            }
            for (index, value) in values.enumerated() {
                let position = Int32(index + 1)
                let code: Int32
                switch value {
                case .integer(let number): code = sqlite_nio_sqlite3_bind_int64(statement, position, number)
                case .text(let text?): code = sqlite_nio_sqlite3_bind_text(statement, position, text, -1, SQLiteFileConnection.transient)
                case .text(nil): code = sqlite_nio_sqlite3_bind_null(statement, position)
                }
                guard code == SQLITE_OK else { throw SQLiteFileConnection.Failure(description: "cannot bind an audit value") }
            }
            switch sqlite_nio_sqlite3_step(statement) {
            case SQLITE_ROW: return try row(statement)
            case SQLITE_DONE: return nil
            case let code: throw SQLiteFileConnection.Failure(description: "the audit append failed: \(String(cString: sqlite_nio_sqlite3_errstr(code)))")
            }
        }
    }
}
