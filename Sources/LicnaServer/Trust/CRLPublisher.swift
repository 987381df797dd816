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

    /// Every online CA's CRLs; the root's too when its key is unlocked.
    func publishAll(root: SigningAuthority? = nil) async throws {
        for name in [AuthorityName.citizen, .institution, .csca] { try await publish(name) }
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
        let (number, issued): (Int64, Int64) = try await service.database.transaction { db in
            let sql = db.sql
            guard let row = try await sql.raw("""
                UPDATE pki_authorities SET crl_number = crl_number + 1 WHERE id = \(bind: name.rawValue) RETURNING crl_number, issued_count
                """).first() else { throw TrustError.notInitialized }
            return (try row.decode(column: "crl_number", as: Int64.self), try row.decode(column: "issued_count", as: Int64.self))
        }
        let size = Int64(configuration.crlPartitionSize)
        let partitions = name.isPartitioned ? max(1, Int((issued + size - 1) / size)) : 1
        let wanted = only.map { [$0] } ?? Array(0..<partitions)
        var entries = [[RevokedCertificate]](repeating: [], count: partitions)
        var query = """
            SELECT serial, partition_number, revoked_at, reason, invalidity_date FROM pki_certificates
            WHERE authority_id = \(bind: name.rawValue) AND status IN ('revoked', 'hold') AND not_after > \(bind: Int64(now.timeIntervalSince1970))
            """ as SQLQueryString
        if let only { query = query + " AND partition_number = \(bind: only)" }
        for row in try await service.sql.raw(query + " ORDER BY serial").all() {
            let partition = min(max(0, try row.decode(column: "partition_number", as: Int.self)), partitions - 1)
            guard let serial = Certificate.SerialNumber(hex: try row.decode(column: "serial", as: String.self)) else { continue }
            entries[partition].append(RevokedCertificate(
                serialNumber: serial,
                revocationDate: Date(timeIntervalSince1970: Double(try row.decode(column: "revoked_at", as: Int64?.self) ?? 0)),
                reason: try row.decode(column: "reason", as: Int?.self).flatMap(RevocationReason.init(rawValue:)),
                invalidityDate: try row.decode(column: "invalidity_date", as: Int64?.self).map { Date(timeIntervalSince1970: Double($0)) }))
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
        try await service.database.transaction { db in
            let sql = db.sql
            for (partition, der) in crls {
                // A slower run that drew an older number never replaces a newer CRL.
                try await sql.raw("""
                    DELETE FROM pki_crls WHERE authority_id = \(bind: name.rawValue) AND partition_number = \(bind: partition) AND crl_number < \(bind: number)
                    """).run()
                let existing = try await sql.raw("""
                    SELECT 1 AS present FROM pki_crls WHERE authority_id = \(bind: name.rawValue) AND partition_number = \(bind: partition)
                    """).first()
                guard existing == nil else { continue }
                try await sql.insert(into: "pki_crls").columns("authority_id", "partition_number", "crl_number", "this_update", "next_update", "crl")
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
        guard let row = try await sql.select().column("issued_count").from("pki_authorities").where("id", .equal, name.authority.rawValue).first(),
              Int64(name.partition) * Int64(authorityService.configuration.crlPartitionSize) < (try row.decode(column: "issued_count", as: Int64.self))
        else { return nil }
        try await publish(name.authority, partition: name.partition)
        return try await stored(name)
    }

    func stored(_ name: CRLName) async throws -> StoredCRL? {
        guard let row = try await authorityService.sql.select().columns("crl", "this_update", "next_update", "crl_number").from("pki_crls")
            .where("authority_id", .equal, name.authority.rawValue).where("partition_number", .equal, name.partition).first() else { return nil }
        return StoredCRL(der: [UInt8](try row.decode(column: "crl", as: Data.self)),
                         thisUpdate: Date(timeIntervalSince1970: Double(try row.decode(column: "this_update", as: Int64.self))),
                         nextUpdate: Date(timeIntervalSince1970: Double(try row.decode(column: "next_update", as: Int64.self))),
                         number: try row.decode(column: "crl_number", as: Int64.self))
    }

    /// The CRLs that exist now, for `licna ca crl` to report.
    func list() async throws -> [(name: String, entries: Int, nextUpdate: Date)] {
        let rows = try await authorityService.sql.select().columns("authority_id", "partition_number", "next_update", "crl").from("pki_crls")
            .orderBy("authority_id").orderBy("partition_number").all()
        var result: [(String, Int, Date)] = []
        for row in rows {
            guard let authority = AuthorityName(rawValue: try row.decode(column: "authority_id", as: String.self)) else { continue }
            let name = CRLName(authority: authority, partition: try row.decode(column: "partition_number", as: Int.self))
            let crl = try CertificateRevocationList(derEncoded: [UInt8](try row.decode(column: "crl", as: Data.self)))
            result.append((name.fileName, crl.entries.count, Date(timeIntervalSince1970: Double(try row.decode(column: "next_update", as: Int64.self)))))
        }
        return result
    }
}
