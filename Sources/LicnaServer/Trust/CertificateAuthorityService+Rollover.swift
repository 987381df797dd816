import Crypto
import Fluent
import Foundation
import LicnaCore
import LicnaPKI
import SQLKit
import X509

/// The citizen CA's rollover (issue 12, item 1; docs/card.md "Policies"): a 50-year card renews its 5-year
/// certificates ten times, far beyond one issuing CA's 12 years. Before the current citizen CA can no longer cover a
/// full certificate period, the root (offline, with its passphrase) certifies a new generation: a new P-384 key and
/// name (`<organization> Citizen CA <N>`), its own OCSP responder, counters and CRLs. New certificates come from the
/// newest generation; every older one stays in the hierarchy, answering OCSP and publishing CRLs, for as long as
/// its certificates live (RFC 5280 §6: each certificate chains through the CA that signed it).
extension CertificateAuthorityService {
    /// Where the current citizen CA stands: the generation that issues, its end, and whether a rollover is due — the
    /// CA ends within `margin` of the longest certificate the card policy allows, so that certificates issued from
    /// then on would be cut short.
    public struct CitizenCAState: Sendable, Equatable, Codable {
        public var current: String
        public var notAfter: Date
        /// The last moment a certificate of the policy's full period still fits under the current CA.
        public var fullPeriodUntil: Date
        public var rolloverDue: Bool
        public var generations: [String]
    }

    /// The margin before `fullPeriodUntil` at which a rollover is due (the server warns from then on).
    public static let rolloverMargin: TimeInterval = 180 * 86_400

    public func citizenCAState() async throws -> CitizenCAState {
        let hierarchy = try await hierarchy()
        let current = try hierarchy.authority(hierarchy.currentCitizen)
        let policy = try await cardPolicy()
        // The CA's end minus the policy's certificate period.
        let fullPeriodUntil = Self.adding(years: -policy.certificateMaximumYears, to: current.certificate.notValidAfter)
        return CitizenCAState(current: current.name.rawValue, notAfter: current.certificate.notValidAfter, fullPeriodUntil: fullPeriodUntil,
                              rolloverDue: fullPeriodUntil.timeIntervalSince(now) < Self.rolloverMargin,
                              generations: hierarchy.citizenGenerations.map(\.rawValue))
    }

    /// Makes the next citizen CA generation under the root (unlocked with its passphrase) and its OCSP responder, in
    /// one transaction with their records and the audit entry, then publishes its first CRLs. From then on the new
    /// generation issues; the old ones keep answering. Refused when the root itself would end before a new CA could
    /// cover one certificate period (a new root is a ceremony of its own).
    public func rollOverCitizenCA(rootPassphrase: String, context: AuditContext) async throws -> (name: AuthorityName, certificate: Certificate) {
        let hierarchy = try await hierarchy()
        let root = try unlockRoot(passphrase: rootPassphrase, hierarchy: hierarchy)
        let current = try hierarchy.authority(hierarchy.currentCitizen)
        let next = AuthorityName.citizen(generation: current.name.generation + 1)
        let settings = try await settings()
        let organization = settings.organization ?? "Licna"
        let now = self.now
        let policy = try Self.cardPolicy(in: settings)
        let needed = Self.adding(years: policy.certificateMaximumYears, to: now)
        guard root.certificate.notValidAfter > needed else {
            throw TrustError.invalidRequest("the root ends \(Self.day(root.certificate.notValidAfter)), before a new citizen CA could cover one \(policy.certificateMaximumYears)-year certificate: a new root is needed first")
        }
        let builder = CertificateHierarchyBuilder(now: now)
        let subject = try DistinguishedName {
            CountryName(settings.country ?? current.certificate.subject.countryName ?? "ME")
            OrganizationName(organization)
            CommonName("\(organization) Citizen CA \(next.generation)")
        }
        let urls = try await self.urls()
        let underRoot = TrustServiceLocations(ocsp: nil, caIssuers: urls.caIssuers(.root), crl: urls.crl(.root, partition: 0))
        let authority = try builder.issue(.issuingCA, subject: subject, under: root, locations: underRoot,
                                          notAfter: min(now + CertificateHierarchyBuilder.Role.issuingCA.lifetime, root.certificate.notValidAfter))
        let responder = try makeResponder(for: next, authority: authority, organization: organization, now: now)
        let sealed = try vault.seal(authority.privateKey, at: .authority(next.rawValue))
        do {
            try await database.retryingTransaction { db in
                let sql = db.sql
                typealias Authorities = PKIAuthoritiesTable
                try await sql.insert(into: Authorities.table)
                    .columns(Authorities.id, Authorities.profile, Authorities.certificate, Authorities.sealedKey, Authorities.keyProtection,
                             Authorities.issuedCount, Authorities.crlNumber, Authorities.createdAt)
                    .values(SQLBind(next.rawValue), SQLBind(CertificateProfile.issuingCA.rawValue),
                            SQLBind(Data(try DEREncoding.encode(authority.certificate))), SQLBind(Data(sealed)), SQLBind("master"),
                            SQLBind(Int64(0)), SQLBind(Int64(0)), SQLBind(Int64(now.timeIntervalSince1970)))
                    .run()
                try await self.insertSigningKey(id: "responder-\(next.rawValue)", authority: next, profile: .ocspResponder, key: responder, now: now, on: sql)
                try await CertificateRecord.insert(authority.certificate, authority: .root, profile: .issuingCA, partition: 0, issuedAt: now, on: sql)
                try await CertificateRecord.insert(responder.certificate, authority: next, profile: .ocspResponder, partition: 0, issuedAt: now, on: sql)
                try await self.audit.append([context.event(.caRollover, .certificateAuthority, next.rawValue,
                                                           detail: "\(next.rawValue) \(authority.certificate.serialNumber.hex) until \(Self.day(authority.certificate.notValidAfter)) succeeds \(current.name.rawValue) (until \(Self.day(current.certificate.notValidAfter)))")],
                                            on: db)
            }
        } catch let error as any DatabaseError where error.isConstraintFailure {
            throw TrustError.invalidRequest("another rollover made \(next.rawValue) at the same moment; run `licna ca rollover --check` to see it")
        }
        try await CRLPublisher(authorityService: self).publish(next)
        return (next, authority.certificate)
    }
}
