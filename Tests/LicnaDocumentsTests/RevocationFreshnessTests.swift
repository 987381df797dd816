import Crypto
import Foundation
@_spi(Benchmarks) @testable import LicnaDocuments
import LicnaPKI
import LicnaTestSupport
import Testing
import X509

/// Serves CRLs made when they are fetched (so issued after any signature made before), as a CA publishing on
/// demand would.
struct FreshCRLSource: RevocationSource {
    let makers: [String: @Sendable () throws -> [UInt8]]
    func ocspResponse(url: String, request: [UInt8]) async -> [UInt8]? { nil }
    func crl(url: String) async -> [UInt8]? { try? makers[url]?() }
}

/// Revocation data must be fresh and in scope (README, "Validation policy"; EN 319 102-1 §5.2.5, RFC 5280 §6.3.3,
/// RFC 6960 §3.2): a "good" answer kept from before a revocation must not make a later signature pass.
@Suite struct RevocationFreshnessTests {
    let pki: TwoBranchTestPKI
    let content = PDFFixtures.classic()

    init() throws {
        pki = try TwoBranchTestPKI()
    }

    static func crl(_ authority: SigningAuthority, thisUpdate: Date = Date(), nextUpdate: Date = Date() + 86_400,
                    revoking revoked: [RevokedCertificate] = [], point: String? = nil, scope: CRLScope = .all) throws -> [UInt8] {
        try CertificateRevocationListBuilder().build(authority: authority, crlNumber: 1, thisUpdate: thisUpdate, nextUpdate: nextUpdate,
                                                     entries: revoked, distributionPoint: point.map { DistributionPoint(url: $0) }, scope: scope)
    }

    /// An OCSP response about `certificate` signed by `responder` (the issuer itself unless a delegated one is given).
    static func ocsp(_ certificate: Certificate, issuer: SigningAuthority, responder: SigningAuthority? = nil, status: OCSPCertificateStatus = .good,
                     thisUpdate: Date, nextUpdate: Date?) throws -> [UInt8] {
        let certID = try OCSPCertID(hashAlgorithm: .sha1, issuer: issuer.certificate, serialNumber: certificate.serialNumber)
        return try OCSPResponseBuilder(responder: responder ?? issuer).build(
            answers: [OCSPSingleAnswer(certID: certID, status: status, thisUpdate: thisUpdate, nextUpdate: nextUpdate)],
            producedAt: thisUpdate, nonceExtension: nil)
    }

    func sign(_ level: SignatureLevel, source: (any RevocationSource)? = nil) async throws -> [UInt8] {
        try await PAdESSigner(certificate: pki.signer, chain: [pki.signingCA.certificate]).sign(
            content, with: SoftwareSignatureProducer(privateKey: pki.signerKey), level: level,
            timestampAuthority: level == .basic ? nil : InProcessTimestampAuthority(responder: pki.tsa), revocationSource: source, signingTime: Date())
    }

    func validate(_ pdf: [UInt8], source: (any RevocationSource)? = nil, now: Date = Date()) async throws -> SignatureValidationReport {
        let policy = ValidationPolicy(trustAnchors: [pki.root.certificate], revocationSource: source, now: now, clock: ContinuousClock())
        return try #require(try await PDFSignatureValidator(policy: policy).validate(pdf).first)
    }

    var revocation: RevokedCertificate {
        RevokedCertificate(serialNumber: pki.signer.serialNumber, revocationDate: Date() - 3_600, reason: .keyCompromise)
    }

    @Test func aGoodAnswerKeptFromBeforeTheRevocationDoesNotPassATimestampedSignatureMadeAfter() async throws {
        // Two hours ago the signer's certificate was good; an hour ago it was revoked; the thief signs now (B-T, a
        // real TSA) and adds the kept answer, still within its nextUpdate, and fresh data for the TSA and the CAs.
        let kept = try Self.ocsp(pki.signer, issuer: pki.signingCA, thisUpdate: Date() - 7_200, nextUpdate: Date() + 3_600)
        let signed = try await sign(.timestamped)
        let attacked = try HostileDocuments.appendingDSS(
            to: signed, ocspResponses: [kept], crls: [try Self.crl(pki.root), try Self.crl(pki.timestampingCA)])
        let offline = try await validate(attacked)
        #expect(offline.provenSigningTime != nil && offline.format == "PAdES-B-LT", "\(offline.findings)")
        #expect(offline.indication == .indeterminate && offline.subIndication == .tryLater)
        #expect(offline.findings.contains(
            ValidationFinding(.noRevocationData, ["certificate": "signer", "gap": "issued-before-control-time", "offline": "true"])),
                "\(offline.findings)")
        // Online, the signing CA's current CRL tells the truth: revoked before the time the timestamp proves.
        let (pki, revocation) = (self.pki, self.revocation)
        let online = try await validate(attacked, source: FreshCRLSource(makers: [
            TwoBranchTestPKI.signingCRL: { try Self.crl(pki.signingCA, revoking: [revocation]) },
        ]))
        #expect(online.indication == .totalFailed && online.subIndication == .revoked, "\(online.findings)")
    }

    @Test(arguments: [(10.0, true), (50.0, true), (180.0, false)])
    func dataGatheredWhileSigningCountsWithinTheTolerance(secondsBefore: Double, counts: Bool) async throws {
        // A signer that fetches the signer's answer a moment before it timestamps (pyHanko does): within the
        // tolerance (60 s by default) the answer counts as issued at the signature time; long before, it does not.
        let signed = try await sign(.timestamped)
        let answer = try Self.ocsp(pki.signer, issuer: pki.signingCA, thisUpdate: Date() - secondsBefore, nextUpdate: Date() + 60)
        let file = try HostileDocuments.appendingDSS(
            to: signed, ocspResponses: [answer], crls: [try Self.crl(pki.root), try Self.crl(pki.timestampingCA)])
        let report = try await validate(file, now: Date() + 3_600)  // after the answer's nextUpdate
        #expect((report.indication == .totalPassed) == counts, "\(report.findings)")
        #expect(report.provenSigningTime != nil)
    }

    @Test func aGoodCRLKeptFromBeforeTheRevocationDoesNotPassALongTermSignatureMadeAfter() async throws {
        let kept = try Self.crl(pki.signingCA, thisUpdate: Date() - 7_200, nextUpdate: Date() + 3_600)
        let pki = self.pki
        let signed = try await sign(.longTerm, source: FreshCRLSource(makers: [
            TwoBranchTestPKI.signingCRL: { kept },
            TwoBranchTestPKI.rootCRL: { try Self.crl(pki.root) },
            TwoBranchTestPKI.timestampingCRL: { try Self.crl(pki.timestampingCA) },
        ]))
        #expect(try PDFFile(bytes: signed).documentSecurityStore()?.crls.contains(kept) == true)
        let report = try await validate(signed)
        #expect(report.provenSigningTime != nil && report.format == "PAdES-B-LT", "\(report.findings)")
        #expect(report.indication == .indeterminate && report.subIndication == .tryLater, "\(report.findings)")
        #expect(report.certificateStatus == .noRevocationData)
    }

    @Test func aBasicSignatureValidatedAfterTheAnswersNextUpdateDoesNotPass() async throws {
        let answer = try Self.ocsp(pki.signer, issuer: pki.signingCA, thisUpdate: Date() - 60, nextUpdate: Date() + 3_600)
        let signed = try HostileDocuments.appendingDSS(to: try await sign(.basic), ocspResponses: [answer], crls: [try Self.crl(pki.root)])
        // Within its validity the answer counts for a signature without a timestamp (current now).
        let current = try await validate(signed)
        #expect(current.indication == .totalPassed, "\(current.findings)")
        // After its nextUpdate it does not; offline, nothing fresher can be had.
        let later = try await validate(signed, now: Date() + 7_200)
        #expect(later.indication == .indeterminate && later.subIndication == .tryLater, "\(later.findings)")
        #expect(later.findings.contains(
            ValidationFinding(.noRevocationData, ["certificate": "signer", "gap": "expired", "offline": "true"])),
                "\(later.findings)")
        // A maximum age shorter than the answer's age also refuses it.
        let strict = try await PDFSignatureValidator(policy: ValidationPolicy(
            trustAnchors: [pki.root.certificate], now: Date(), clock: ContinuousClock(), maximumRevocationAge: 30)).validate(signed)
        #expect(strict.first?.subIndication == .tryLater
                    && strict.first?.findings.contains { $0.code == .noRevocationData && $0.arguments["gap"] == "too-old" } == true,
                "\(strict.first?.findings ?? [])")
    }

    @Test func anExpiredCRLOfflineIsTryLater() async throws {
        let expired = try Self.crl(pki.signingCA, thisUpdate: Date() - 2 * 86_400, nextUpdate: Date() - 86_400)
        let signed = try HostileDocuments.appendingDSS(to: try await sign(.basic), ocspResponses: [], crls: [expired, try Self.crl(pki.root)])
        let report = try await validate(signed)
        #expect(report.indication == .indeterminate && report.subIndication == .tryLater, "\(report.findings)")
        #expect(report.findings.contains { $0.code == .noRevocationData && $0.arguments["gap"] == "expired" && $0.arguments["offline"] == "true" },
                "\(report.findings)")
        // Online, a current CRL is fetched and counts.
        let pki = self.pki
        let online = try await validate(signed, source: FreshCRLSource(makers: [TwoBranchTestPKI.signingCRL: { try Self.crl(pki.signingCA) }]))
        #expect(online.indication == .totalPassed, "\(online.findings)")
    }

    @Test(arguments: [
        (TwoBranchTestPKI.signingCRL, CRLScope.userCertificates, true),
        (TwoBranchTestPKI.signingCRL, CRLScope.all, true),
        ("http://crl.licna.test/signing-2.crl", CRLScope.userCertificates, false),  // another partition
        (TwoBranchTestPKI.signingCRL, CRLScope.caCertificates, false),  // the CA partition at the user address
    ])
    func aCRLCountsOnlyForCertificatesInItsScope(point: String, scope: CRLScope, counts: Bool) async throws {
        let partition = try Self.crl(pki.signingCA, point: point, scope: scope)
        let signed = try HostileDocuments.appendingDSS(to: try await sign(.basic), ocspResponses: [], crls: [partition, try Self.crl(pki.root)])
        let report = try await validate(signed)
        if counts {
            #expect(report.indication == .totalPassed && report.certificateStatus == .good, "\(report.findings)")
        } else {
            #expect(report.indication == .indeterminate && report.subIndication == .tryLater && report.certificateStatus == .noRevocationData,
                    "\(report.findings)")
        }
    }

    @Test func aDelegatedResponderMustBeValidWhenTheResponseWasProduced() async throws {
        func responder(notBefore: Date, notAfter: Date) throws -> SigningAuthority {
            let key = Certificate.PrivateKey(P256.Signing.PrivateKey())
            let certificate = try CertificateIssuer().issue(
                profile: .ocspResponder, subject: try DistinguishedName { CountryName("ME"); CommonName("Two Branch OCSP") },
                publicKey: key.publicKey, serialNumber: CertificateSerialNumberGenerator().next(), notBefore: notBefore, notAfter: notAfter,
                authority: pki.signingCA, options: .init(locations: .init(ocsp: nil, caIssuers: nil, crl: nil)))
            return SigningAuthority(certificate: certificate, privateKey: key)
        }
        let signed = try await sign(.basic)
        let valid = try responder(notBefore: Date() - 3_600, notAfter: Date() + 3_600)
        let lapsed = try responder(notBefore: Date() - 3 * 86_400, notAfter: Date() - 2 * 86_400)
        for (authority, counts) in [(valid, true), (lapsed, false)] {
            let answer = try Self.ocsp(pki.signer, issuer: pki.signingCA, responder: authority, thisUpdate: Date() - 60, nextUpdate: Date() + 3_600)
            let report = try await validate(try HostileDocuments.appendingDSS(to: signed, ocspResponses: [answer], crls: [try Self.crl(pki.root)]))
            #expect((report.indication == .totalPassed) == counts, "\(report.findings)")
        }
    }
}
