import Foundation
import LicnaPKI
import SwiftASN1
import X509

/// The revocation status of one certificate from OCSP responses and CRLs (RFC 6960, RFC 5280 §6.3): data
/// carried with the signature first, then fetched from the certificate's own addresses when a source is given.
///
/// What counts (README, "Validation policy"; ETSI EN 319 102-1 §5.2.5, RFC 5280 §6.3.3, RFC 6960 §3.2):
/// - An OCSP answer signed by the issuer, or by a responder certificate the issuer signed for OCSP signing (RFC 6960
///   §4.2.2.2) that was valid when the response was produced.
/// - A CRL signed by the issuer (whose key usage, if stated, allows CRL signing) that is complete — not a delta, no
///   `onlySomeReasons`, not indirect, no critical extension this code does not know — and whose issuing distribution
///   point, if any, names one of the certificate's CRL distribution points and fits it (`onlyContainsUserCerts`,
///   `onlyContainsCACerts`). A CRL of another partition says nothing about the certificate.
/// - "Revoked" counts whatever its date. "Good" counts only when fresh (`freshness(thisUpdate:nextUpdate:for:)`):
///   for a signer or TSA certificate under a control time (the time a trusted timestamp proves; for the TSA its
///   genTime), issued at or after it (less a small tolerance for data gathered while signing); for a CA
///   certificate, current now or, under a control time, issued at or after it; without a control time, current now
///   (now ≤ nextUpdate, thisUpdate no older than the maximum age).
///   Stale data embedded in the document sends the checker to the source for fresh data; offline, the status is
///   `.unavailable` with the reason.
///
/// Every signature check is charged to the validation's budget; checks of embedded data are made once per
/// validation (`RevocationEvidence`), and only for answers that name the certificate.
struct RevocationChecker: Sendable {
    enum Status: Sendable, Equatable {
        case good(at: Date)
        case revoked(at: Date, reason: String?)
        case unknown
        /// No usable revocation data, and why.
        case unavailable(RevocationGap)
    }

    var evidence: RevocationEvidence
    var source: (any RevocationSource)?
    /// The validation time.
    var now: Date
    /// How old "current" data may be (`ValidationPolicy.maximumRevocationAge`).
    var maximumAge: TimeInterval
    /// How much before the control time data may be issued and still count (`ValidationPolicy.revocationTimeTolerance`).
    var tolerance: TimeInterval = 0
    var budget: ValidationBudget
    /// False only when a signer gathers B-LT data: then any authentic answer will do.
    var checksFreshness = true

    func status(_ query: RevocationQuery) async throws -> Status {
        var assessment = Assessment()
        try evidence.assess(query, checker: self, into: &assessment)
        if let decided = assessment.decision { return decided }
        if let source {
            let locations = Self.locations(of: query.certificate)
            if let ocsp = locations.ocsp,
               let certID = try? OCSPCertID(hashAlgorithm: .sha1, issuer: query.issuer, serialNumber: query.certificate.serialNumber) {
                // Without a nonce first (a cached answer is fine when fresh enough); if that one is stale, with a
                // nonce, which makes the responder sign a new one.
                for nonce in [nil, Self.nonce()] {
                    try budget.checkTime()
                    guard let request = try? OCSPRequest.encode(certIDs: [certID], nonce: nonce),
                          let bytes = await source.ocspResponse(url: ocsp, request: request), Self.parseable(bytes),
                          let response = try? OCSPResponse(derEncoded: bytes), response.status == .successful else { break }
                    try assess(response, index: nil, query, into: &assessment)
                    if let decided = assessment.decision { return decided }
                    if assessment.gap != .issuedBeforeControlTime { break }
                }
            }
            for url in locations.crls {
                try budget.checkTime()
                if let bytes = await source.crl(url: url), Self.parseable(bytes), let crl = try? CertificateRevocationList(derEncoded: bytes) {
                    try assess(crl, index: nil, query, into: &assessment)
                    if let decided = assessment.decision { return decided }
                }
            }
        }
        if assessment.unknown { return .unknown }
        return .unavailable(assessment.gap ?? .none)
    }

    /// What the answers found so far say.
    struct Assessment {
        var revoked: (at: Date, reason: String?)?
        var good: Date?
        var unknown = false
        /// Why a good answer did not count, when none did.
        var gap: RevocationGap?

        /// Revoked wins over good; nil while nothing decides.
        var decision: Status? {
            if let revoked { return .revoked(at: revoked.at, reason: revoked.reason) }
            if let good { return .good(at: good) }
            return nil
        }

        mutating func add(_ status: OCSPCertificateStatus, thisUpdate: Date, freshness: RevocationGap?) {
            switch status {
            case .revoked(let time, let reason):
                if revoked.map({ time < $0.at }) ?? true { revoked = (time, reason?.name) }
            case .good:
                if let freshness { gap = freshness } else { good = thisUpdate }
            case .unknown:
                unknown = true
            }
        }
    }

    /// Adds what `response` says about the query's certificate, when it names it and an authorized responder signed it.
    func assess(_ response: OCSPResponse, index: Int?, _ query: RevocationQuery, into assessment: inout Assessment) throws {
        var answers: [OCSPResponse.SingleResponse] = []
        for single in response.responses {
            for algorithm in [DigestAlgorithm.sha1, .sha256] {
                guard let expected = try? OCSPCertID(hashAlgorithm: algorithm, issuer: query.issuer, serialNumber: query.certificate.serialNumber),
                      single.certID.issuerNameHash == expected.issuerNameHash, single.certID.issuerKeyHash == expected.issuerKeyHash,
                      single.certID.serialNumber == expected.serialNumber else { continue }
                answers.append(single)
                break
            }
        }
        guard !answers.isEmpty, try isAuthorized(response, index: index, issuer: query.issuer) else { return }
        for single in answers {
            assessment.add(single.status, thisUpdate: single.thisUpdate,
                           freshness: freshness(thisUpdate: single.thisUpdate, nextUpdate: single.nextUpdate, for: query))
        }
    }

    /// Adds what `crl` says about the query's certificate, when it is a complete CRL of its issuer in its scope.
    func assess(_ crl: CertificateRevocationList, index: Int?, _ query: RevocationQuery, into assessment: inout Assessment) throws {
        guard crl.issuer == query.issuer.subject, Self.covers(crl, query.certificate) else { return }
        if let usage = try? query.issuer.extensions.keyUsage, !usage.cRLSign { return }
        guard try evidence.verified(.crl(index), signer: query.issuer, budget: budget, { crl.isSigned(by: query.issuer) }) else { return }
        if let entry = crl.entries.first(where: { $0.serialNumber == query.certificate.serialNumber }) {
            assessment.add(.revoked(time: entry.revocationDate, reason: entry.reason), thisUpdate: crl.thisUpdate, freshness: nil)
        } else {
            assessment.add(.good, thisUpdate: crl.thisUpdate, freshness: freshness(thisUpdate: crl.thisUpdate, nextUpdate: crl.nextUpdate, for: query))
        }
    }

    /// Signed by the issuer, or by a delegated responder (RFC 6960 §4.2.2.2): a certificate the issuer signed, with
    /// the OCSP-signing usage, valid when the response was produced.
    private func isAuthorized(_ response: OCSPResponse, index: Int?, issuer: Certificate) throws -> Bool {
        if try evidence.verified(.ocsp(index), signer: issuer, budget: budget, { response.isSigned(by: issuer) }) { return true }
        let produced = response.producedAt ?? response.responses.map(\.thisUpdate).max() ?? .distantPast
        for responder in response.certificates where responder.issuer == issuer.subject
            && ((try? responder.extensions.extendedKeyUsage)??.contains(.ocspSigning) ?? false)
            && responder.notValidBefore <= produced && produced <= responder.notValidAfter {
            guard try evidence.verified(.certificate(responder), signer: issuer, budget: budget, { issuer.publicKey.isValidSignature(responder.signature, for: responder) }),
                  try evidence.verified(.ocsp(index), signer: responder, budget: budget, { response.isSigned(by: responder) }) else { continue }
            return true
        }
        return false
    }

    /// nil when a good answer with these times counts for the query (see the type's documentation), else why not.
    /// Times are compared to the second: CRLs and OCSP responses carry no fractions. A good answer issued after the
    /// validation time counts as current: revocation is final, so "good" later means good then too.
    func freshness(thisUpdate: Date, nextUpdate: Date?, for query: RevocationQuery) -> RevocationGap? {
        guard checksFreshness else { return nil }
        func second(_ date: Date) -> Double { date.timeIntervalSince1970.rounded(.down) }
        if let control = query.controlTime {
            if second(thisUpdate) >= second(control) - tolerance.rounded(.down) { return nil }
            if query.role != .certificationAuthority { return .issuedBeforeControlTime }
        }
        if let nextUpdate, now > nextUpdate { return .expired }
        if now.timeIntervalSince(thisUpdate) > maximumAge { return .tooOld }
        return nil
    }

    /// RFC 5280 §6.3.3 (b): whether a CRL speaks for `certificate` — complete, and of the partition the
    /// certificate names (or of all the issuer's certificates).
    static func covers(_ crl: CertificateRevocationList, _ certificate: Certificate) -> Bool {
        guard !crl.isDelta, crl.unrecognizedCriticalExtensions.isEmpty else { return false }
        let point: IssuingDistributionPoint?
        do { point = try crl.issuingDistributionPoint() } catch { return false }
        guard let point else { return true }
        guard !point.onlySomeReasons, !point.indirectCRL, !point.onlyContainsAttributeCerts else { return false }
        var isCA = false
        if case .isCertificateAuthority? = try? certificate.extensions.basicConstraints { isCA = true }
        if point.onlyContainsUserCerts && isCA { return false }
        if point.onlyContainsCACerts && !isCA { return false }
        if point.hasName {
            let named = locations(of: certificate).crls
            return named.contains { point.uris.contains($0) }
        }
        return true
    }

    /// Fetched data gets the guard embedded data gets: no more DER elements than a parser should build.
    static func parseable(_ bytes: [UInt8]) -> Bool {
        DERElementCounter.count(bytes, limit: EmbeddedRevocationData.maximumElements) != nil
    }

    static func nonce() -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }

    /// The OCSP address (AIA, RFC 5280 §4.2.2.1) and CRL distribution points (§4.2.1.13) of a certificate.
    static func locations(of certificate: Certificate) -> (ocsp: String?, crls: [String]) {
        var ocsp: String?
        if let access = try? certificate.extensions.authorityInformationAccess {
            for description in access where description.method == .ocspServer {
                if case .uniformResourceIdentifier(let uri) = description.location { ocsp = uri }
            }
        }
        var crls: [String] = []
        if let value = certificate.extensions[oid: .PKIXExtensions.cRLDistributionPoints]?.value {
            crls = Self.uris(inDER: Array(value))
        }
        return (ocsp, crls)
    }

    /// Every [6] IA5String (uniformResourceIdentifier) inside a DER structure: the full names of CRL
    /// distribution points.
    static func uris(inDER bytes: [UInt8]) -> [String] {
        guard let root = try? DER.parse(bytes) else { return [] }
        return IssuingDistributionPoint.uniformResourceIdentifiers(in: root)
    }
}

/// Whose certificate a revocation check is for; the freshness rules differ.
enum RevocationRole: Sendable, Equatable {
    case signer
    case timestampAuthority
    case certificationAuthority
}

/// One certificate to check, its issuer, its role and the control time (the time a trusted timestamp proves for
/// the signer's chain; the timestamp's genTime for the TSA's chain), if any.
struct RevocationQuery: Sendable {
    var certificate: Certificate
    var issuer: Certificate
    var role: RevocationRole
    var controlTime: Date?
}

/// Why no revocation data counted for a certificate.
enum RevocationGap: Sendable, Equatable {
    /// Nothing answers for the certificate.
    case none
    /// Good answers were issued before the control time (a "good" from before a revocation proves nothing).
    case issuedBeforeControlTime
    /// Good answers are past their nextUpdate.
    case expired
    /// Good answers are older than the maximum age.
    case tooOld

    /// The `gap` argument of a `no-revocation-data` finding (`ValidationFinding`); nil when nothing answered.
    var code: String? {
        switch self {
        case .none: nil
        case .issuedBeforeControlTime: "issued-before-control-time"
        case .expired: "expired"
        case .tooOld: "too-old"
        }
    }
}
