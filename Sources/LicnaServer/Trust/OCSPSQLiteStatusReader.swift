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

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// One connection and its prepared statement; used by one thread at a time (taken from and returned to `idle`).
    final class Connection: @unchecked Sendable {
        let handle: OpaquePointer
        let statement: OpaquePointer

        init(path: String) throws {
            var handle: OpaquePointer?
            let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX
            guard sqlite_nio_sqlite3_open_v2(path, &handle, flags, nil) == SQLITE_OK, let handle else {
                if let handle { sqlite_nio_sqlite3_close_v2(handle) }
                throw Failure(description: "cannot open \(path)")
            }
            sqlite_nio_sqlite3_busy_timeout(handle, 20)
            typealias Columns = PKICertificatesTable
            let query = "SELECT \(Columns.status.name), \(Columns.revokedAt.name), \(Columns.reason.name), \(Columns.notBefore.name) "
                + "FROM \(Columns.table.name) WHERE \(Columns.serial.name) = ?1 AND \(Columns.authorityID.name) = ?2"
            var statement: OpaquePointer?
            guard sqlite_nio_sqlite3_exec(handle, "PRAGMA query_only = 1", nil, nil, nil) == SQLITE_OK,
                  sqlite_nio_sqlite3_prepare_v3(handle, query, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil) == SQLITE_OK,
                  let statement else {
                let message = String(cString: sqlite_nio_sqlite3_errmsg(handle))
                sqlite_nio_sqlite3_close_v2(handle)
                throw Failure(description: "cannot prepare the status read: \(message)")
            }
            self.handle = handle
            self.statement = statement
        }

        deinit {
            sqlite_nio_sqlite3_finalize(statement)
            sqlite_nio_sqlite3_close_v2(handle)
        }

        /// The status of one serial (lower-case hex) of `issuer`, or nil when this CA never issued it.
        func status(of serial: String, issuer: String) throws -> OCSPCertificateStatus? {
            defer {
                sqlite_nio_sqlite3_reset(statement)
                sqlite_nio_sqlite3_clear_bindings(statement)
            }
            let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
            guard sqlite_nio_sqlite3_bind_text(statement, 1, serial, -1, transient) == SQLITE_OK,
                  sqlite_nio_sqlite3_bind_text(statement, 2, issuer, -1, transient) == SQLITE_OK else {
                throw Failure(description: "cannot bind the serial")
            }
            switch sqlite_nio_sqlite3_step(statement) {
            case SQLITE_DONE:
                return nil
            case SQLITE_ROW:
                guard let text = sqlite_nio_sqlite3_column_text(statement, 0),
                      let status = CertificateRecord.Status(rawValue: String(cString: text)) else {
                    throw Failure(description: "a certificate row has an unknown status")
                }
                let revokedAt = sqlite_nio_sqlite3_column_type(statement, 1) == SQLITE_NULL ? nil : Date(timeIntervalSince1970: Double(sqlite_nio_sqlite3_column_int64(statement, 1)))
                let reason = sqlite_nio_sqlite3_column_type(statement, 2) == SQLITE_NULL ? nil : RevocationReason(rawValue: Int(sqlite_nio_sqlite3_column_int64(statement, 2)))
                let notBefore = Date(timeIntervalSince1970: Double(sqlite_nio_sqlite3_column_int64(statement, 3)))
                return CertificateRecord.ocspStatus(status, revokedAt: revokedAt, reason: reason, notBefore: notBefore)
            case let code:
                throw Failure(description: "the status read failed: \(String(cString: sqlite_nio_sqlite3_errstr(code)))")
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
