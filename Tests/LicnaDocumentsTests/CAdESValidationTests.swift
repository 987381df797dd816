import Foundation
@testable import LicnaDocuments
import LicnaPKI
import LicnaTestSupport
import Testing
import X509

/// The validator's indications for detached CAdES signatures, with revocation data made in the test.
@Suite struct CAdESValidationTests {
    let pki: CMSTestPKI
    let content = Array("Izvod iz matične knjige rođenih\n".utf8)

    init() throws {
        pki = try CMSTestPKI()
    }

    func crl(revoking revoked: [RevokedCertificate] = [], at time: Date = Date()) throws -> [UInt8] {
        try CertificateRevocationListBuilder().build(
            authority: SigningAuthority(certificate: pki.root, privateKey: pki.rootKey), crlNumber: 1,
            thisUpdate: time, nextUpdate: time + 3_600, entries: revoked, distributionPoint: nil, scope: .all)
    }

    func sign(_ level: SignatureLevel) async throws -> [UInt8] {
        try await CAdESSigner(certificate: pki.signer).sign(
            content, with: SoftwareSignatureProducer(privateKey: pki.signerKey), level: level,
            timestampAuthority: try InProcessTimestampAuthority(pki: pki), signingTime: Date())
    }

    func validate(_ signature: [UInt8], content: [UInt8]? = nil, anchors: [Certificate]? = nil,
                  crls: [[UInt8]]) async -> SignatureValidationReport {
        let policy = ValidationPolicy(trustAnchors: anchors ?? [pki.root], now: Date(), clock: ContinuousClock())
        return await CMSSignatureValidator(policy: policy).validate(
            contentInfoDER: signature, content: .bytes(content ?? self.content),
            embedded: EmbeddedRevocationData(crls: crls), format: "CAdES")
    }

    @Test func aGoodSignatureUnderATrustAnchorPasses() async throws {
        let report = await validate(try await sign(.timestamped), crls: [try crl()])
        #expect(report.indication == .totalPassed, "\(report.findings)")
        #expect(report.signerName == "Signer One")
        #expect(report.provenSigningTime != nil && report.claimedSigningTime != nil, "\(report.findings)")
        #expect(report.certificateStatus == .good)
        #expect(report.format == "CAdES-B-LT")
        #expect(report.qualification == .advanced)
    }

    @Test func anotherRootIsNoChain() async throws {
        let stranger = try CMSTestPKI()
        let report = await validate(try await sign(.basic), anchors: [stranger.root], crls: [try crl()])
        #expect(report.indication == .indeterminate && report.subIndication == .noCertificateChainFound)
    }

    @Test func aChangedByteIsAHashFailure() async throws {
        var changed = content
        changed[3] ^= 0x20
        let report = await validate(try await sign(.basic), content: changed, crls: [try crl()])
        #expect(report.indication == .totalFailed && report.subIndication == .hashFailure)
    }

    @Test func noRevocationDataIsNotAPass() async throws {
        let report = await validate(try await sign(.basic), crls: [])
        #expect(report.indication == .indeterminate && report.subIndication == .tryLater)
        #expect(report.certificateStatus == .noRevocationData)
    }

    @Test func revokedBeforeTheProvenTimeFailsAndWithoutProofIsIndeterminate() async throws {
        let revoked = [RevokedCertificate(serialNumber: pki.signer.serialNumber, revocationDate: Date() - 600, reason: .keyCompromise)]
        let timestamped = await validate(try await sign(.timestamped), crls: [try crl(revoking: revoked)])
        #expect(timestamped.indication == .totalFailed && timestamped.subIndication == .revoked)
        let basic = await validate(try await sign(.basic), crls: [try crl(revoking: revoked)])
        #expect(basic.indication == .indeterminate && basic.subIndication == .revokedNoPOE)
        // Revoked after the proven time: the signature was made while the certificate was good.
        let later = [RevokedCertificate(serialNumber: pki.signer.serialNumber, revocationDate: Date() + 60, reason: .superseded)]
        let before = await validate(try await sign(.timestamped), crls: [try crl(revoking: later, at: Date() + 120)])
        #expect(before.indication == .totalPassed, "\(before.findings)")
    }

    @Test func garbageIsAFormatFailure() async throws {
        let report = await validate([0x30, 0x03, 0x02, 0x01, 0x01], crls: [])
        #expect(report.indication == .totalFailed && report.subIndication == .formatFailure)
    }
}
