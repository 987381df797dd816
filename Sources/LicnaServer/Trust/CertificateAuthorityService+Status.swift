import Fluent
import Foundation
import LicnaCore
import LicnaPKI
import SQLKit
import X509

/// A change of a certificate's status (RFC 5280 §3.3, §5.3.1).
public enum CertificateStatusChange: Sendable, Hashable {
    /// Permanent revocation with a reason and, optionally, when the key was compromised.
    case revoke(RevocationReason, invalidityDate: Date?)
    /// Suspension (certificateHold): reversible with `release`.
    case hold
    /// Ends a hold: the certificate is good again and leaves the next CRL.
    case release
}

extension CertificateAuthorityService {
    /// Applies a status change in one transaction with its audit entry and a row in `pki_status_changes`, which
    /// every running server polls so that OCSP answers change within a second. A keyCompromise revocation
    /// produces the CA's CRLs at once; other changes wait for the scheduled run.
    @discardableResult
    public func change(serial: CertificateSerial, _ change: CertificateStatusChange, context: AuditContext) async throws -> CertificateRecordView {
        let hex = serial.rawValue
        let now = self.now
        var attempt = 0
        while true {
            attempt += 1
            do { return try await apply(change, to: hex, now: now, context: context) } catch is ConcurrentStatusChange {
                // Another process changed the status between our read and our write: decide again, five times at most,
                // then say so (a conflict, never a 500).
                guard attempt < 5 else { throw TrustError.statusContended }
            }
        }
    }

    private struct ConcurrentStatusChange: Error {}

    private func apply(_ change: CertificateStatusChange, to hex: String, now: Date, context: AuditContext) async throws -> CertificateRecordView {
        let record: CertificateRecord = try await database.retryingTransaction { db in
            let sql = db.sql
            guard var record = try await CertificateRecord.find(serial: hex, on: sql) else { throw TrustError.unknownSerial }
            let previous = record.status
            switch (record.status, change) {
            case (.revoked, _):
                throw TrustError.alreadyRevoked
            case (.good, .release):
                throw TrustError.notOnHold
            case (.hold, .hold):
                throw TrustError.alreadyOnHold
            case (_, .revoke(let reason, let invalidity)):
                guard RevocationReason.revocationReasons.contains(reason) else {
                    throw TrustError.invalidRequest("use `licna ca hold` to suspend a certificate")
                }
                record.status = .revoked
                record.revokedAt = now
                record.reason = reason
                record.invalidityDate = invalidity.map { min($0, now) }
            case (.good, .hold):
                record.status = .hold
                record.revokedAt = now
                record.reason = .certificateHold
            case (.hold, .release):
                record.status = .good
                record.revokedAt = nil
                record.reason = nil
                record.invalidityDate = nil
            }
            // Conditional on the status read above: PostgreSQL's read committed lets two changes read the same
            // status; the second one finds no row here and decides again, so a revocation is never overwritten.
            typealias Certificates = PKICertificatesTable
            typealias Changes = PKIStatusChangesTable
            let updated = try await sql.update(Certificates.table)
                .set(Certificates.status, to: record.status.rawValue)
                .set(Certificates.revokedAt, to: record.revokedAt.map { Int64($0.timeIntervalSince1970) })
                .set(Certificates.reason, to: record.reason?.rawValue)
                .set(Certificates.invalidityDate, to: record.invalidityDate.map { Int64($0.timeIntervalSince1970) })
                .where(Certificates.serial, .equal, hex)
                .where(Certificates.status, .equal, previous.rawValue)
                .returning(Certificates.serial)
                .all()
            guard !updated.isEmpty else { throw ConcurrentStatusChange() }
            try await sql.insert(into: Changes.table).columns(Changes.serial, Changes.authorityID, Changes.changedAt)
                .values(SQLBind(hex), SQLBind(record.authority.rawValue), SQLBind(Int64(now.timeIntervalSince1970))).run()
            let action: AuditAction
            switch change {
            case .revoke(let reason, _):
                guard let revoke = AuditAction.revoke(reason) else { throw TrustError.invalidRequest("use `licna ca hold` to suspend a certificate") }
                action = revoke
            case .hold: action = .caHold
            case .release: action = .caRelease
            }
            try await audit.append([context.event(action, .certificate, hex)], on: db)
            return record
        }
        if case .revoke(.keyCompromise, _) = change, record.authority != .root {
            try await CRLPublisher(authorityService: self).publish(record.authority)
        }
        return CertificateRecordView(record)
    }

    /// Applies a status change to the certificate whose serial an operator typed (`CertificateSerial(hex:)`).
    @discardableResult
    public func change(serial text: String, _ change: CertificateStatusChange, context: AuditContext) async throws -> CertificateRecordView {
        try await self.change(serial: Self.serial(text), change, context: context)
    }

    /// The status of one certificate, for `licna ca status` and the API.
    public func status(serial: CertificateSerial) async throws -> CertificateRecordView {
        guard let record = try await CertificateRecord.find(serial: serial.rawValue, on: sql) else { throw TrustError.unknownSerial }
        return CertificateRecordView(record)
    }

    /// The status of the certificate whose serial an operator typed (`CertificateSerial(hex:)`).
    public func status(serial text: String) async throws -> CertificateRecordView {
        try await status(serial: Self.serial(text))
    }

    /// A serial number an operator typed, or the error that says how to type it.
    static func serial(_ text: String) throws -> CertificateSerial {
        guard let serial = CertificateSerial(hex: text) else {
            throw TrustError.invalidRequest("the serial number must be hexadecimal, as `licna ca status` prints it")
        }
        return serial
    }
}

/// A certificate's record as commands print it (`--json`: camelCase keys, dates in ISO 8601).
public struct CertificateRecordView: Sendable, Codable, Equatable {
    public var serial: CertificateSerial
    public var authority: String
    public var profile: String
    public var subject: String
    public var status: String
    public var notBefore: Date
    public var notAfter: Date
    public var revokedAt: Date?
    public var reason: String?
    public var invalidityDate: Date?
    public var crlPartition: Int

    init(_ record: CertificateRecord) {
        serial = CertificateSerial(rawValue: record.serial)
        authority = record.authority.rawValue
        profile = record.profile.rawValue
        subject = record.subject
        status = record.status.rawValue
        notBefore = record.notBefore
        notAfter = record.notAfter
        revokedAt = record.revokedAt
        reason = record.reason?.name
        invalidityDate = record.invalidityDate
        crlPartition = record.partition
    }
}
