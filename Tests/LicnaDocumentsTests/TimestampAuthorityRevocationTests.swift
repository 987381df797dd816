import Crypto
import Foundation
@testable import LicnaDocuments
import LicnaPKI
import LicnaTestSupport
import Testing
import X509

/// A hierarchy with two CAs under the root, one for signers and one for the TSA, each with its own CRL address,
/// so that the signer's and the TSA's revocation data are different CRLs.
struct TwoBranchTestPKI: Sendable {
    static let rootCRL = "http://crl.licna.test/root.crl"
    static let signingCRL = "http://crl.licna.test/signing.crl"
    static let timestampingCRL = "http://crl.licna.test/timestamping.crl"
    let root: SigningAuthority
    let signingCA: SigningAuthority
    let timestampingCA: SigningAuthority
    let signer: Certificate
    let signerKey: Certificate.PrivateKey
    let tsa: TimeStampResponder

    init() throws {
        // Every key P-256; a one-year root, half-year CAs, one-month end entities.
        let hierarchy = CertificateHierarchyBuilder(now: Date(), backdating: 3_600)
        let month: TimeInterval = 86_400 * 30
        func locations(_ crl: String) -> TrustServiceLocations { .init(ocsp: nil, caIssuers: nil, crl: crl) }
        let root = try hierarchy.selfSigned(.root.keyed(.p256).lasting(86_400 * 365),
                                            subject: try DistinguishedName { CountryName("ME"); CommonName("Two Branch Root") })
        self.root = root
        func ca(_ name: String) throws -> SigningAuthority {
            try hierarchy.issue(.issuingCA.keyed(.p256).lasting(86_400 * 180), subject: try DistinguishedName { CountryName("ME"); CommonName(name) },
                                under: root, locations: locations(Self.rootCRL))
        }
        let signingCA = try ca("Two Branch Signing CA")
        let timestampingCA = try ca("Two Branch Timestamping CA")
        self.signingCA = signingCA
        self.timestampingCA = timestampingCA
        let signer = try hierarchy.issue(
            .init(profile: .signature, keyType: .p256, lifetime: month),
            subject: try DistinguishedName.citizen(country: "ME", givenName: "Milena", surname: "Vuković", identificationNumber: "276543219"),
            under: signingCA, locations: locations(Self.signingCRL))
        (self.signer, signerKey) = (signer.certificate, signer.privateKey)
        let tsa = try hierarchy.issue(.timestamping.lasting(month), subject: try DistinguishedName { CountryName("ME"); CommonName("Two Branch TSA") },
                                      under: timestampingCA, locations: locations(Self.timestampingCRL))
        self.tsa = try TimeStampResponder(certificate: tsa.certificate, chain: [timestampingCA.certificate],
                                          signer: SoftwareSignatureProducer(privateKey: tsa.privateKey))
    }

    static func crl(_ authority: SigningAuthority, revoking revoked: [RevokedCertificate] = []) throws -> [UInt8] {
        try CertificateRevocationListBuilder().build(authority: authority, crlNumber: 1, thisUpdate: Date(), nextUpdate: Date() + 3_600,
                                                     entries: revoked, distributionPoint: nil, scope: .all)
    }

    /// The three CRLs by address; `timestampingRevoked` lists the TSA certificate as revoked, `leaving` drops one.
    func crls(timestampingRevoked: Bool = false, leaving omitted: String? = nil) throws -> [String: [UInt8]] {
        let revoked = timestampingRevoked
            ? [RevokedCertificate(serialNumber: tsa.certificate.serialNumber, revocationDate: Date() - 30, reason: .keyCompromise)] : []
        var crls = [Self.rootCRL: try Self.crl(root), Self.signingCRL: try Self.crl(signingCA),
                    Self.timestampingCRL: try Self.crl(timestampingCA, revoking: revoked)]
        if let omitted { crls[omitted] = nil }
        return crls
    }
}

/// Serves CRLs by address, as the CAs' web servers would; they are made when fetched, so issued after a signature
/// made before.
struct CRLMapSource: RevocationSource {
    let make: @Sendable () throws -> [String: [UInt8]]
    init(crls: @autoclosure @escaping @Sendable () throws -> [String: [UInt8]]) { make = crls }
    func ocspResponse(url: String, request: [UInt8]) async -> [UInt8]? { nil }
    func crl(url: String) async -> [UInt8]? { try? make()[url] }
}

/// The TSA certificate's revocation (ETSI EN 319 102-1 §5.4: a timestamp whose TSA is revoked proves no time) and
/// B-LT files that carry what validates both the signer and the TSA offline.
@Suite struct TimestampAuthorityRevocationTests {
    let content = Array("Ugovor o kupoprodaji stana — Cetinje\n".utf8)

    // MARK: The TSA's revocation in validation

    @Test func aRevokedTimestampAuthorityProvesNoTime() async throws {
        let pki = try CMSTestPKI()
        let signature = try await CAdESSigner(certificate: pki.signer).sign(
            content, with: SoftwareSignatureProducer(privateKey: pki.signerKey), level: .timestamped,
            timestampAuthority: try InProcessTimestampAuthority(pki: pki), signingTime: Date())
        let authority = SigningAuthority(certificate: pki.root, privateKey: pki.rootKey)
        func validate(revoking revoked: [RevokedCertificate]) async throws -> SignatureValidationReport {
            let crl = try CertificateRevocationListBuilder().build(authority: authority, crlNumber: 1, thisUpdate: Date(),
                                                                   nextUpdate: Date() + 3_600, entries: revoked, distributionPoint: nil, scope: .all)
            return await CMSSignatureValidator(policy: ValidationPolicy(trustAnchors: [pki.root], now: Date(), clock: ContinuousClock())).validate(
                contentInfoDER: signature, content: .bytes(content), embedded: EmbeddedRevocationData(crls: [crl]), format: "CAdES")
        }
        let tsaRevoked = RevokedCertificate(serialNumber: pki.tsa.serialNumber, revocationDate: Date() - 600, reason: .keyCompromise)
        let signerRevoked = RevokedCertificate(serialNumber: pki.signer.serialNumber, revocationDate: Date() - 600, reason: .keyCompromise)

        // The signer is good now: the signature passes, but nothing proves when it was made.
        let unproven = try await validate(revoking: [tsaRevoked])
        #expect(unproven.indication == .totalPassed, "\(unproven.findings)")
        #expect(unproven.provenSigningTime == nil && unproven.format == "CAdES-B-B")
        #expect(unproven.findings.contains {
            $0.code == .timestampCertificateRevoked && $0.arguments["certificate"] == "timestamp-authority" && $0.arguments["time"] != nil
                && $0.arguments["reason"] == "keyCompromise"
        }, "\(unproven.findings)")
        // The signer revoked: with a good TSA the timestamp shows the revocation came first (REVOKED); with a
        // revoked TSA nothing shows when the signature was made (REVOKED_NO_POE).
        let proven = try await validate(revoking: [signerRevoked])
        #expect(proven.indication == .totalFailed && proven.subIndication == .revoked)
        let both = try await validate(revoking: [signerRevoked, tsaRevoked])
        #expect(both.indication == .indeterminate && both.subIndication == .revokedNoPOE, "\(both.findings)")
        // Revoked after it stamped: still no proof, as nothing shows the token existed before the revocation.
        let later = try await validate(revoking: [RevokedCertificate(serialNumber: pki.tsa.serialNumber, revocationDate: Date() + 60, reason: .superseded)])
        #expect(later.provenSigningTime == nil)
    }

    @Test func noRevocationDataForTheTimestampAuthorityProvesNoTime() async throws {
        let pki = try TwoBranchTestPKI()
        let signed = try await PAdESSigner(certificate: pki.signer, chain: [pki.signingCA.certificate]).sign(
            PDFFixtures.classic(), with: SoftwareSignatureProducer(privateKey: pki.signerKey), level: .timestamped,
            timestampAuthority: InProcessTimestampAuthority(responder: pki.tsa), signingTime: Date())
        func validate(_ crls: [String: [UInt8]]) async throws -> SignatureValidationReport? {
            try await PDFSignatureValidator(policy: ValidationPolicy(trustAnchors: [pki.root.certificate], revocationSource: CRLMapSource(crls: crls), now: Date(), clock: ContinuousClock()))
                .validate(signed).first
        }
        let complete = try await validate(try pki.crls())
        #expect(complete?.indication == .totalPassed && complete?.provenSigningTime != nil, "\(complete?.findings ?? [])")
        let missing = try await validate(try pki.crls(leaving: TwoBranchTestPKI.timestampingCRL))
        #expect(missing?.provenSigningTime == nil)
        #expect(missing?.findings.contains(ValidationFinding(.timestampNoRevocationData, ["certificate": "timestamp-authority"])) == true,
                "\(missing?.findings ?? [])")
        let revoked = try await validate(try pki.crls(timestampingRevoked: true))
        #expect(revoked?.provenSigningTime == nil && revoked?.format == "PAdES-B-B", "\(revoked?.findings ?? [])")
    }

    // MARK: B-LT completeness

    @Test func longTermFilesValidateOfflineForTheSignerAndTheTimestampAuthority() async throws {
        let pki = try TwoBranchTestPKI()
        // The chain given is only the signing CA: the root is the trust anchor, and its CRL (for both CAs) is
        // fetched from the CAs' distribution points.
        let signed = try await PAdESSigner(certificate: pki.signer, chain: [pki.signingCA.certificate]).sign(
            PDFFixtures.classic(), with: SoftwareSignatureProducer(privateKey: pki.signerKey), level: .longTerm,
            timestampAuthority: InProcessTimestampAuthority(responder: pki.tsa), revocationSource: CRLMapSource(crls: try pki.crls()), signingTime: Date())
        let report = try #require(try await PDFSignatureValidator(policy: ValidationPolicy(trustAnchors: [pki.root.certificate], now: Date(), clock: ContinuousClock())).validate(signed).first)
        #expect(report.indication == .totalPassed, "\(report.findings)")
        #expect(report.provenSigningTime != nil && report.format == "PAdES-B-LT", "\(report.findings)")
        let dss = try #require(try PDFFile(bytes: signed).documentSecurityStore())
        #expect(Set(try dss.crls.map { try CertificateRevocationList(derEncoded: $0).issuer })
                    == [pki.root.certificate.subject, pki.signingCA.certificate.subject, pki.timestampingCA.certificate.subject])
        let embedded = Set(try dss.certificates.map { try Certificate(derEncoded: $0) })
        #expect(embedded == [pki.signer, pki.signingCA.certificate, pki.tsa.certificate, pki.timestampingCA.certificate])

        // A second B-LT signature keeps the first one's data and adds its own (issued after its timestamp), nothing
        // twice.
        let twice = try await PAdESSigner(certificate: pki.signer, chain: [pki.signingCA.certificate]).sign(
            signed, with: SoftwareSignatureProducer(privateKey: pki.signerKey), level: .longTerm,
            timestampAuthority: InProcessTimestampAuthority(responder: pki.tsa), revocationSource: CRLMapSource(crls: try pki.crls()), signingTime: Date())
        let reports = try await PDFSignatureValidator(policy: ValidationPolicy(trustAnchors: [pki.root.certificate], now: Date(), clock: ContinuousClock())).validate(twice)
        #expect(reports.map(\.indication) == [.totalPassed, .totalPassed], "\(reports.map(\.findings))")
        let crls = try #require(try PDFFile(bytes: twice).documentSecurityStore()?.crls)
        #expect(Set(crls).count == crls.count && Set(crls).isSuperset(of: dss.crls))
    }

    @Test func longTermSigningRefusesWhenTheTimestampAuthorityHasNoRevocationData() async throws {
        let pki = try TwoBranchTestPKI()
        let error = await #expect(throws: SigningError.self) {
            _ = try await PAdESSigner(certificate: pki.signer, chain: [pki.signingCA.certificate]).sign(
                PDFFixtures.classic(), with: SoftwareSignatureProducer(privateKey: pki.signerKey), level: .longTerm,
                timestampAuthority: InProcessTimestampAuthority(responder: pki.tsa),
                revocationSource: CRLMapSource(crls: try pki.crls(leaving: TwoBranchTestPKI.timestampingCRL)), signingTime: Date())
        }
        #expect(error?.message.contains("Two Branch TSA") == true, "\(error?.message ?? "")")
    }
}
