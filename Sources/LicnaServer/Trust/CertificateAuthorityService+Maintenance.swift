import Fluent
import Foundation
import LicnaPKI
import SQLKit
import X509

extension CertificateAuthorityService {
    /// Renews the delegated OCSP responder certificates that expire within the renewal margin (RFC 6960
    /// §4.2.2.2.1: a responder with id-pkix-ocsp-nocheck should be short-lived). Only online CAs have responders.
    /// Returns the CAs whose responder was renewed and those that are due but could not be.
    @discardableResult
    public func renewResponders() async throws -> (renewed: [String], waiting: [String]) {
        let hierarchy = try await hierarchy()
        let now = self.now
        let organization = try await settings().organization ?? "Licna"
        var renewed: [String] = [], waiting: [String] = []
        for (name, responder) in hierarchy.responders.sorted(by: { $0.key.rawValue < $1.key.rawValue })
        where responder.certificate.notValidAfter.timeIntervalSince(now) < configuration.responderRenewalMargin {
            guard let authority = hierarchy.authorities[name]?.signer else {
                waiting.append(name.rawValue)
                continue
            }
            // A CA past its end (an old citizen CA generation) has no certificate left to answer for.
            guard authority.certificate.notValidAfter > now else { continue }
            let fresh = try makeResponder(for: name, authority: authority, organization: organization, now: now)
            let old = Int64(responder.certificate.notValidAfter.timeIntervalSince1970)
            let sealed = try vault.seal(fresh.privateKey, at: .signingKey("responder-" + name.rawValue))
            let replaced: Bool = try await database.retryingTransaction { db in
                let sql = db.sql
                // Conditional on the old expiry: when two servers renew at once, only one replaces the key.
                typealias Keys = PKISigningKeysTable
                let updated = try await sql.raw("""
                    UPDATE \(Keys.table) SET \(Keys.certificate) = \(bind: Data(try DEREncoding.encode(fresh.certificate))),
                    \(Keys.sealedKey) = \(bind: Data(sealed)), \(Keys.notAfter) = \(bind: Int64(fresh.certificate.notValidAfter.timeIntervalSince1970)),
                    \(Keys.updatedAt) = \(bind: Int64(now.timeIntervalSince1970))
                    WHERE \(Keys.id) = \(bind: "responder-" + name.rawValue) AND \(Keys.notAfter) = \(bind: old) RETURNING \(Keys.id)
                    """).all()
                guard !updated.isEmpty else { return false }
                try await CertificateRecord.insert(fresh.certificate, authority: name, profile: .ocspResponder, partition: 0, issuedAt: now, on: sql)
                try await audit.append([AuditEvent(actor: "system", purpose: .responderRenewal, action: .caRenewResponder,
                                                   objectType: .certificate, objectID: fresh.certificate.serialNumber.hex,
                                                   detail: name.rawValue)], on: db)
                return true
            }
            if replaced { renewed.append(name.rawValue) }
        }
        return (renewed, waiting)
    }

    /// True when the CRLs of the online CAs that still publish (`TrustHierarchy.publishingCRLs`) are older than the
    /// production interval (or missing).
    func crlsAreDue() async throws -> Bool {
        typealias CRLs = PKICRLsTable
        let publishing = try await hierarchy().publishingCRLs(at: now).map(\.rawValue)
        let row = try await sql.select().column(SQLFunction("MIN", args: SQLColumn(CRLs.thisUpdate.name)), as: "oldest")
            .column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from(CRLs.table)
            .where(SQLColumn(CRLs.authorityID.name), .in, SQLBind.group(publishing)).first()
        guard let row, try row.decode(column: "n", as: Int.self) > 0,
              let oldest = try row.decode(column: "oldest", as: Int64?.self) else { return true }
        return Double(oldest) + configuration.crlInterval <= now.timeIntervalSince1970
    }
}
