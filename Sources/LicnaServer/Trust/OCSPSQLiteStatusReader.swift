import Foundation
import LicnaPKI
import VaporCSQLite

/// Reads certificate statuses straight from an SQLite installation's file, synchronously, so that the dedicated OCSP
/// listener answers a request with a nonce — which must be signed afresh from the status at that moment (RFC 6960
/// §4.4.1) — on its event loop, without the hops to a task and to the database driver's thread and back, the way
/// OpenSSL's responder reads its index in process.
///
/// Each read is its own SQLite read transaction on the WAL file (SQLite §"Write-Ahead Logging": readers never wait
/// for the writer), so a status another process committed a moment ago is seen at once. The connections are
/// read-only (`PRAGMA query_only`), and SQLite is the one SQLiteNIO links (sqlite-nio's vendored library). Any
/// failure — a busy database, a schema it does not expect — is thrown, and the caller takes the asynchronous path.
final class OCSPSQLiteStatusReader: Sendable {
    /// Connections kept for reuse (one per event loop is what the listener needs).
    private let connections: SQLiteConnectionPool<Connection>

    /// One connection and its prepared statement; used by one thread at a time (taken from and returned to `idle`).
    final class Connection: @unchecked Sendable {
        let file: SQLiteFileConnection
        var statement: OpaquePointer { file.statements[0] }

        init(path: String) throws {
            typealias Columns = PKICertificatesTable
            file = try SQLiteFileConnection(path: path, busyTimeout: 20, queryOnly: true, prepare: [
                "SELECT \(Columns.status.name), \(Columns.revokedAt.name), \(Columns.reason.name), \(Columns.notBefore.name) "
                    + "FROM \(Columns.table.name) WHERE \(Columns.serial.name) = ?1 AND \(Columns.authorityID.name) = ?2",
            ])
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
            var found: [String: OCSPCertificateStatus] = [:]
            for serial in serials {
                if let status = try connection.status(of: serial, issuer: issuer) { found[serial] = status }
            }
            return found
        }
    }
}
