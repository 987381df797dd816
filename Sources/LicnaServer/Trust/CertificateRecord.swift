import Foundation
import LicnaPKI
import SQLKit
import X509

/// A row of `pki_certificates`: every certificate Licna issued, with its status. A certificate exists only once
/// this row is committed: issuance returns it after the commit, so a crash can never leave one outside.
struct CertificateRecord: Sendable, Codable {
    enum Status: String, Sendable, Codable {
        case good, revoked, hold
    }

    var serial: String
    var authority: AuthorityName
    var profile: CertificateProfile
    var subject: String
    var partition: Int
    var notBefore: Date
    var notAfter: Date
    var status: Status
    var revokedAt: Date?
    var reason: RevocationReason?
    var invalidityDate: Date?

    static func insert(_ certificate: Certificate, authority: AuthorityName, profile: CertificateProfile, partition: Int,
                       issuedAt: Date, status: Status = .good, on sql: any SQLDatabase) async throws {
        typealias Columns = PKICertificatesTable
        // A certificate issued on hold is held from the time of issue (RFC 5280 §5.3.1 certificateHold).
        let held = status == .hold
        try await sql.insert(into: Columns.table)
            .columns(Columns.serial, Columns.authorityID, Columns.profile, Columns.subject, Columns.partitionNumber, Columns.notBefore,
                     Columns.notAfter, Columns.status, Columns.revokedAt, Columns.reason, Columns.certificate, Columns.issuedAt)
            .values(SQLBind(certificate.serialNumber.hex), SQLBind(authority.rawValue), SQLBind(profile.rawValue),
                    SQLBind(certificate.subject.description), SQLBind(partition),
                    SQLBind(Int64(certificate.notValidBefore.timeIntervalSince1970)),
                    SQLBind(Int64(certificate.notValidAfter.timeIntervalSince1970)), SQLBind(status.rawValue),
                    SQLBind(held ? Int64(issuedAt.timeIntervalSince1970) : nil), SQLBind(held ? RevocationReason.certificateHold.rawValue : nil),
                    SQLBind(Data(try DEREncoding.encode(certificate))), SQLBind(Int64(issuedAt.timeIntervalSince1970)))
            .run()
    }

    /// The columns a record is read from (all but the certificate itself and when it was issued).
    static let columns = [PKICertificatesTable.serial, PKICertificatesTable.authorityID, PKICertificatesTable.profile, PKICertificatesTable.subject,
                          PKICertificatesTable.partitionNumber, PKICertificatesTable.notBefore, PKICertificatesTable.notAfter,
                          PKICertificatesTable.status, PKICertificatesTable.revokedAt, PKICertificatesTable.reason,
                          PKICertificatesTable.invalidityDate].map(\.name)

    init(row: any SQLRow) throws {
        typealias Columns = PKICertificatesTable
        serial = try row.decode(column: Columns.serial.name, as: String.self)
        // Anything unrecognised is an error (OCSP internalError), never a "good" answer.
        guard let authority = AuthorityName(rawValue: try row.decode(column: Columns.authorityID.name, as: String.self)),
              let profile = CertificateProfile(rawValue: try row.decode(column: Columns.profile.name, as: String.self)),
              let status = Status(rawValue: try row.decode(column: Columns.status.name, as: String.self)) else {
            throw TrustError.corruptRecord("a certificate row has an unknown authority, profile or status")
        }
        self.authority = authority
        self.profile = profile
        self.status = status
        subject = try row.decode(column: Columns.subject.name, as: String.self)
        partition = try row.decode(column: Columns.partitionNumber.name, as: Int.self)
        notBefore = Date(timeIntervalSince1970: Double(try row.decode(column: Columns.notBefore.name, as: Int64.self)))
        notAfter = Date(timeIntervalSince1970: Double(try row.decode(column: Columns.notAfter.name, as: Int64.self)))
        revokedAt = try row.decode(column: Columns.revokedAt.name, as: Int64?.self).map { Date(timeIntervalSince1970: Double($0)) }
        reason = try row.decode(column: Columns.reason.name, as: Int?.self).flatMap(RevocationReason.init(rawValue:))
        invalidityDate = try row.decode(column: Columns.invalidityDate.name, as: Int64?.self).map { Date(timeIntervalSince1970: Double($0)) }
    }

    static func find(serial: String, on sql: any SQLDatabase) async throws -> CertificateRecord? {
        try await sql.select().columns(columns.map { SQLColumn($0) }).from(PKICertificatesTable.table)
            .where(PKICertificatesTable.serial, .equal, serial).first().map(CertificateRecord.init(row:))
    }

    /// The status as OCSP states it (RFC 6960 §2.2): a hold is revoked with reason certificateHold.
    var ocspStatus: OCSPCertificateStatus {
        Self.ocspStatus(status, revokedAt: revokedAt, reason: reason, notBefore: notBefore)
    }

    /// The OCSP status of a row's stored status, revocation time and reason.
    static func ocspStatus(_ status: Status, revokedAt: Date?, reason: RevocationReason?, notBefore: Date) -> OCSPCertificateStatus {
        switch status {
        case .good: .good
        case .hold: .revoked(time: revokedAt ?? notBefore, reason: .certificateHold)
        case .revoked: .revoked(time: revokedAt ?? notBefore, reason: reason == .unspecified ? nil : reason)
        }
    }
}
