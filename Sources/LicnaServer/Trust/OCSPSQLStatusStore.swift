import Fluent
import Foundation
import LicnaPKI
import SQLKit
import X509

/// The installation's certificate statuses for the OCSP responder: rows of `pki_certificates`, and the feed of
/// status changes (`pki_status_changes`) every server polls to drop what it cached.
struct OCSPSQLStatusStore: OCSPStatusStore {
    let database: any Database

    /// One indexed read of the committed rows: a change is committed before the CA reports it, so the status read
    /// is the status at `time`.
    func statuses(of serials: [Certificate.SerialNumber], issuer: String, at time: Date) async throws
        -> [Certificate.SerialNumber: OCSPCertificateStatus] {
        var byHex: [String: Certificate.SerialNumber] = [:]
        for serial in serials { byHex[serial.hex] = serial }
        typealias Certificates = PKICertificatesTable
        let rows = try await database.sql.select().columns(CertificateRecord.columns).from(Certificates.table)
            .where(Certificates.serial, .in, Array(byHex.keys)).where(Certificates.authorityID, .equal, issuer).all()
        var statuses: [Certificate.SerialNumber: OCSPCertificateStatus] = [:]
        for row in rows {
            let record = try CertificateRecord(row: row)
            if let serial = byHex[record.serial] { statuses[serial] = record.ocspStatus }
        }
        return statuses
    }

    /// Status changes with an id above `after`, oldest first, at most `limit`: (id, serial in lower-case hex).
    func changes(after: Int64, limit: Int) async throws -> [(id: Int64, serial: String)] {
        typealias Changes = PKIStatusChangesTable
        let rows = try await database.sql.raw("""
            SELECT \(Changes.id), \(Changes.serial) FROM \(Changes.table) WHERE \(Changes.id) > \(bind: after) ORDER BY \(Changes.id) LIMIT \(bind: limit)
            """).all()
        return try rows.map { (try $0.decode(column: Changes.id.name, as: Int64.self), try $0.decode(column: Changes.serial.name, as: String.self)) }
    }

    /// The id of the latest status change, 0 when there is none.
    func lastChange() async throws -> Int64 {
        let row = try await database.sql.raw("SELECT MAX(\(PKIStatusChangesTable.id)) AS last FROM \(PKIStatusChangesTable.table)").first()
        return (try? row?.decode(column: "last", as: Int64?.self)) ?? 0
    }
}
