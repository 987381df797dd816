import Fluent
import Foundation
import LicnaPKI
import SQLKit
import X509

/// Produces and stores CRLs (RFC 5280 §5). A partitioned CA gets one CRL per partition, each with the issuing
/// distribution point its certificates name; the root and the CSCA publish one full CRL each. Expired
/// certificates leave the CRL (§3.3). Produced on a schedule, not on every change: OCSP is the real-time answer.
struct CRLPublisher: Sendable {
    let authorityService: CertificateAuthorityService

    /// A CRL as stored, ready to serve.
    struct StoredCRL: Sendable {
        let der: [UInt8]
        let thisUpdate: Date
        let nextUpdate: Date
        let number: Int64
    }

    /// Every online CA's CRLs (every citizen CA generation until its end, when its last certificate has expired);
    /// the root's too when its key is unlocked.
    func publishAll(root: SigningAuthority? = nil) async throws {
        let hierarchy = try await authorityService.hierarchy()
        for name in hierarchy.publishingCRLs(at: authorityService.now) { try await publish(name) }
        if let root { try await publish(.root, root: root) }
    }

    /// Produces the CRLs of one CA now: every partition, or only `partition`. The CRL number is drawn in a short
    /// transaction of its own, the entries are read and the CRLs signed outside any transaction, and the new CRLs
    /// are written in a second short one, so issuance and revocations never wait for the signing.
    func publish(_ name: AuthorityName, root: SigningAuthority? = nil, partition only: Int? = nil) async throws {
        let service = authorityService
        let configuration = service.configuration
        let hierarchy = try await service.hierarchy()
        guard let signer = name == .root ? root : try hierarchy.authority(name).signer else { throw TrustError.rootLocked }
        let urls = try await service.urls()
        let now = service.now
        let (number, issued): (Int64, Int64) = try await service.database.retryingTransaction { db in
            let sql = db.sql
            typealias Authorities = PKIAuthoritiesTable
            guard let row = try await sql.raw("""
                UPDATE \(Authorities.table) SET \(Authorities.crlNumber) = \(Authorities.crlNumber) + 1 WHERE \(Authorities.id) = \(bind: name.rawValue)
                RETURNING \(Authorities.crlNumber), \(Authorities.issuedCount)
                """).first() else { throw TrustError.notInitialized }
            return (try row.decode(column: Authorities.crlNumber.name, as: Int64.self), try row.decode(column: Authorities.issuedCount.name, as: Int64.self))
        }
        let size = Int64(configuration.crlPartitionSize)
        let partitions = name.isPartitioned ? max(1, Int((issued + size - 1) / size)) : 1
        let wanted = only.map { [$0] } ?? Array(0..<partitions)
        var entries = [[RevokedCertificate]](repeating: [], count: partitions)
        typealias Certificates = PKICertificatesTable
        let revoked = [CertificateRecord.Status.revoked, .hold].map { "'\($0.rawValue)'" }.joined(separator: ", ")
        var query = """
            SELECT \(Certificates.serial), \(Certificates.partitionNumber), \(Certificates.revokedAt), \(Certificates.reason), \(Certificates.invalidityDate)
            FROM \(Certificates.table) WHERE \(Certificates.authorityID) = \(bind: name.rawValue) AND \(Certificates.status) IN (\(unsafeRaw: revoked))
            AND \(Certificates.notAfter) > \(bind: Int64(now.timeIntervalSince1970))
            """ as SQLQueryString
        if let only { query = query + " AND \(Certificates.partitionNumber) = \(bind: only)" }
        for row in try await service.sql.raw(query + " ORDER BY \(Certificates.serial)").all() {
            let partition = min(max(0, try row.decode(column: Certificates.partitionNumber.name, as: Int.self)), partitions - 1)
            guard let serial = Certificate.SerialNumber(hex: try row.decode(column: Certificates.serial.name, as: String.self)) else { continue }
            entries[partition].append(RevokedCertificate(
                serialNumber: serial,
                revocationDate: Date(timeIntervalSince1970: Double(try row.decode(column: Certificates.revokedAt.name, as: Int64?.self) ?? 0)),
                reason: try row.decode(column: Certificates.reason.name, as: Int?.self).flatMap(RevocationReason.init(rawValue:)),
                invalidityDate: try row.decode(column: Certificates.invalidityDate.name, as: Int64?.self).map { Date(timeIntervalSince1970: Double($0)) }))
        }
        let validity = name == .root ? configuration.rootCRLValidity : configuration.crlValidity
        var signed: [(partition: Int, der: [UInt8])] = []
        for partition in wanted where partition < partitions {
            signed.append((partition, try CertificateRevocationListBuilder().build(
                authority: signer, crlNumber: UInt64(number), thisUpdate: now, nextUpdate: now + validity,
                entries: entries[partition],
                distributionPoint: name.isPartitioned ? DistributionPoint(url: urls.crl(name, partition: partition)) : nil,
                scope: name.isPartitioned ? .userCertificates : .all)))
        }
        let crls = signed
        typealias CRLs = PKICRLsTable
        try await service.database.retryingTransaction { db in
            let sql = db.sql
            for (partition, der) in crls {
                // A slower run that drew an older number never replaces a newer CRL.
                try await sql.delete(from: CRLs.table).where(CRLs.authorityID, .equal, name.rawValue)
                    .where(CRLs.partitionNumber, .equal, partition).where(CRLs.crlNumber, .lessThan, number).run()
                let existing = try await sql.select().column(SQLLiteral.numeric("1"), as: "present").from(CRLs.table)
                    .where(CRLs.authorityID, .equal, name.rawValue).where(CRLs.partitionNumber, .equal, partition).first()
                guard existing == nil else { continue }
                try await sql.insert(into: CRLs.table).columns(CRLs.table.columns)
                    .values(SQLBind(name.rawValue), SQLBind(partition), SQLBind(number), SQLBind(Int64(now.timeIntervalSince1970)),
                            SQLBind(Int64((now + validity).timeIntervalSince1970)), SQLBind(Data(der)))
                    .run()
            }
        }
    }

    /// The stored CRL with this name. A partition that exists (a certificate names it) but has no CRL yet gets
    /// one at once, so a freshly issued certificate's CRL address never answers 404.
    func crl(_ name: CRLName) async throws -> StoredCRL? {
        if let stored = try await stored(name) { return stored }
        guard name.authority.isPartitioned else { return nil }
        let sql = authorityService.sql
        typealias Authorities = PKIAuthoritiesTable
        guard let row = try await sql.select().column(Authorities.issuedCount).from(Authorities.table).where(Authorities.id, .equal, name.authority.rawValue).first(),
              Int64(name.partition) * Int64(authorityService.configuration.crlPartitionSize) < (try row.decode(column: Authorities.issuedCount.name, as: Int64.self))
        else { return nil }
        try await publish(name.authority, partition: name.partition)
        return try await stored(name)
    }

    func stored(_ name: CRLName) async throws -> StoredCRL? {
        typealias CRLs = PKICRLsTable
        guard let row = try await authorityService.sql.select().columns(CRLs.crl, CRLs.thisUpdate, CRLs.nextUpdate, CRLs.crlNumber).from(CRLs.table)
            .where(CRLs.authorityID, .equal, name.authority.rawValue).where(CRLs.partitionNumber, .equal, name.partition).first() else { return nil }
        return StoredCRL(der: [UInt8](try row.decode(column: CRLs.crl.name, as: Data.self)),
                         thisUpdate: Date(timeIntervalSince1970: Double(try row.decode(column: CRLs.thisUpdate.name, as: Int64.self))),
                         nextUpdate: Date(timeIntervalSince1970: Double(try row.decode(column: CRLs.nextUpdate.name, as: Int64.self))),
                         number: try row.decode(column: CRLs.crlNumber.name, as: Int64.self))
    }

    /// The CRLs that exist now, for `licna ca crl` to report.
    func list() async throws -> [(name: String, entries: Int, nextUpdate: Date)] {
        typealias CRLs = PKICRLsTable
        let rows = try await authorityService.sql.select().columns(CRLs.authorityID, CRLs.partitionNumber, CRLs.nextUpdate, CRLs.crl).from(CRLs.table)
            .orderBy(CRLs.authorityID).orderBy(CRLs.partitionNumber).all()
        var result: [(String, Int, Date)] = []
        for row in rows {
            guard let authority = AuthorityName(rawValue: try row.decode(column: CRLs.authorityID.name, as: String.self)) else { continue }
            let name = CRLName(authority: authority, partition: try row.decode(column: CRLs.partitionNumber.name, as: Int.self))
            let crl = try CertificateRevocationList(derEncoded: [UInt8](try row.decode(column: CRLs.crl.name, as: Data.self)))
            result.append((name.fileName, crl.entries.count, Date(timeIntervalSince1970: Double(try row.decode(column: CRLs.nextUpdate.name, as: Int64.self)))))
        }
        return result
    }
}
