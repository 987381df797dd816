import Foundation
import LicnaPKI
import NIOConcurrencyHelpers
import Synchronization
import VaporCSQLite

/// Reads certificate statuses straight from an SQLite installation's file, synchronously, so that the dedicated OCSP
/// listener answers a request with a nonce — which must be signed afresh from the status at that moment (RFC 6960
/// §4.4.1) — on its event loop, without the hops to a task and to the database driver's thread and back, the way
/// OpenSSL's responder reads its index in process.
///
/// A status is the one committed at that moment, by any process. A read is an SQLite read transaction on the WAL file
/// (SQLite §"Write-Ahead Logging": readers never wait for the writer). Its results are remembered with the WAL
/// index's header taken before it (`SQLiteWALIndexHeader`), and used again only while that header is unchanged —
/// while no transaction has committed since — which spares the transaction's locks for the many answers between
/// two changes. The connections are read-only (`PRAGMA query_only`), and SQLite is the one SQLiteNIO links
/// (sqlite-nio's vendored library). Any failure — a busy database, a schema it does not expect — is thrown, and the
/// caller takes the asynchronous path.
final class OCSPSQLiteStatusReader: Sendable {
    /// Statuses remembered for one WAL-index header; at most this many, then they are forgotten together.
    static let maximumRemembered = 4_096

    /// Connections kept for reuse (one per event loop is what the listener needs).
    private let connections: SQLiteConnectionPool<Connection>
    /// Statuses (nil: never issued) by issuer and serial, read while the WAL index had `header`.
    private let remembered = NIOLockedValueBox<(header: SQLiteWALIndexHeader?, statuses: [String: OCSPCertificateStatus?])>((nil, [:]))
    /// Read transactions made, for tests.
    let transactions = Atomic<Int>(0)

    /// One connection and its prepared statement; used by one thread at a time (taken from and returned to `idle`).
    final class Connection: @unchecked Sendable {
        let file: SQLiteFileConnection
        var statement: OpaquePointer { file.statements[0] }
        /// The WAL index SQLite mapped for this connection when preparing the statement read the schema (nil: the
        /// file is not in WAL mode, and every read is a transaction).
        private let walIndex: UnsafeRawPointer?

        /// The WAL index's header now; nil when it cannot be had (not in WAL mode, a commit being published).
        func walIndexHeader() -> SQLiteWALIndexHeader? {
            walIndex.flatMap(SQLiteWALIndexHeader.init(mappedAt:))
        }

        init(path: String) throws {
            typealias Columns = PKICertificatesTable
            file = try SQLiteFileConnection(path: path, busyTimeout: 20, queryOnly: true, prepare: [
                "SELECT \(Columns.status.name), \(Columns.revokedAt.name), \(Columns.reason.name), \(Columns.notBefore.name) "
                    + "FROM \(Columns.table.name) WHERE \(Columns.serial.name) = ?1 AND \(Columns.authorityID.name) = ?2",
            ])
            walIndex = file.mappedWALIndex()
        }

        /// The status of one serial (lower-case hex) of `issuer`, or nil when this CA never issued it.
        func status(of serial: String, issuer: String) throws -> OCSPCertificateStatus? {
            defer {
                sqlite_nio_sqlite3_reset(statement)
                sqlite_nio_sqlite3_clear_bindings(statement)
            }
            guard sqlite_nio_sqlite3_bind_text(statement, 1, serial, -1, SQLiteFileConnection.transient) == SQLITE_OK,
                  sqlite_nio_sqlite3_bind_text(statement, 2, issuer, -1, SQLiteFileConnection.transient) == SQLITE_OK else {
                throw SQLiteFileConnection.Failure(description: "cannot bind the serial")
            }
            switch sqlite_nio_sqlite3_step(statement) {
            case SQLITE_DONE:
                return nil
            case SQLITE_ROW:
                guard let text = sqlite_nio_sqlite3_column_text(statement, 0),
                      let status = CertificateRecord.Status(rawValue: String(cString: text)) else {
                    throw SQLiteFileConnection.Failure(description: "a certificate row has an unknown status")
                }
                let revokedAt = sqlite_nio_sqlite3_column_type(statement, 1) == SQLITE_NULL ? nil : Date(timeIntervalSince1970: Double(sqlite_nio_sqlite3_column_int64(statement, 1)))
                let reason = sqlite_nio_sqlite3_column_type(statement, 2) == SQLITE_NULL ? nil : RevocationReason(rawValue: Int(sqlite_nio_sqlite3_column_int64(statement, 2)))
                let notBefore = Date(timeIntervalSince1970: Double(sqlite_nio_sqlite3_column_int64(statement, 3)))
                return CertificateRecord.ocspStatus(status, revokedAt: revokedAt, reason: reason, notBefore: notBefore)
            case let code:
                throw SQLiteFileConnection.Failure(description: "the status read failed: \(String(cString: sqlite_nio_sqlite3_errstr(code)))")
            }
        }
    }

    init(path: String) {
        connections = SQLiteConnectionPool { try Connection(path: path) }
    }

    /// The statuses of `serials` (lower-case hex) that `issuer` issued; a serial it never issued is absent.
    func statuses(of serials: [String], issuer: String) throws -> [String: OCSPCertificateStatus] {
        try connections.withConnection { connection in
            let keys = serials.map { issuer + "/" + $0 }
            // Taken before the read: what the read sees is at least what this header describes.
            let header = connection.walIndexHeader()
            let statuses: [OCSPCertificateStatus?]
            if let header, let known = recalled(keys, under: header) {
                statuses = known
            } else {
                transactions.add(1, ordering: .relaxed)
                statuses = try serials.map { try connection.status(of: $0, issuer: issuer) }
                if let header { remember(statuses, for: keys, under: header) }
            }
            var found: [String: OCSPCertificateStatus] = [:]
            for (serial, status) in zip(serials, statuses) { found[serial] = status }
            return found
        }
    }

    /// The remembered statuses of `keys`, if every one was read while the WAL index had `header`.
    private func recalled(_ keys: [String], under header: SQLiteWALIndexHeader) -> [OCSPCertificateStatus?]? {
        remembered.withLockedValue { memory in
            guard memory.header == header else { return nil }
            var known: [OCSPCertificateStatus?] = []
            for key in keys {
                guard let status = memory.statuses[key] else { return nil }
                known.append(status)
            }
            return known
        }
    }

    private func remember(_ statuses: [OCSPCertificateStatus?], for keys: [String], under header: SQLiteWALIndexHeader) {
        remembered.withLockedValue { memory in
            if memory.header != header || memory.statuses.count + keys.count > Self.maximumRemembered { memory = (header, [:]) }
            for (key, status) in zip(keys, statuses) { memory.statuses[key] = status }
        }
    }
}
