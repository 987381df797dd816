import Crypto
import Foundation
@testable import LicnaDocuments
import LicnaPKI
import LicnaTestSupport
import Testing
import X509

/// A test hierarchy whose signer certificate names a CRL address, so that revocation data can be fetched for
/// B-LT and validation (RFC 5280 §4.2.1.13), with a TSA under the same root.
struct PAdESTestPKI: Sendable {
    static let crlURL = "http://crl.licna.test/root.crl"
    let root: SigningAuthority
    let signer: Certificate
    let signerKey: Certificate.PrivateKey
    let tsa: TimeStampResponder

    init() throws {
        let hierarchy = CertificateHierarchyBuilder(now: Date(), backdating: 3_600)
        let month: TimeInterval = 86_400 * 30
        root = try hierarchy.selfSigned(.root.lasting(86_400 * 365).pathLength(0),
                                        subject: try DistinguishedName { CountryName("ME"); CommonName("PAdES Test Root") })
        let locations = TrustServiceLocations(ocsp: nil, caIssuers: nil, crl: Self.crlURL)
        let signer = try hierarchy.issue(
            .init(profile: .signature, keyType: .p256, lifetime: month),
            subject: try DistinguishedName.citizen(country: "ME", givenName: "Đurđa", surname: "Šćepanović", identificationNumber: "276543219"),
            under: root, locations: locations)
        (self.signer, signerKey) = (signer.certificate, signer.privateKey)
        let tsa = try hierarchy.issue(.timestamping.lasting(month), subject: try DistinguishedName { CountryName("ME"); CommonName("PAdES Test TSA") },
                                      under: root, locations: locations)
        self.tsa = try TimeStampResponder(certificate: tsa.certificate, signer: SoftwareSignatureProducer(privateKey: tsa.privateKey))
    }

    func crl(revoking revoked: [RevokedCertificate] = []) throws -> [UInt8] {
        try CertificateRevocationListBuilder().build(authority: root, crlNumber: 1, thisUpdate: Date(), nextUpdate: Date() + 3_600,
                                                     entries: revoked, distributionPoint: nil, scope: .all)
    }
}

/// Serves one CRL for its address, as the CA's web server would; the CRL is made when it is fetched, so that it is
/// issued after a signature made before (a signer's revocation data must be, README "Validation policy").
struct StaticRevocationSource: RevocationSource {
    let make: @Sendable () throws -> [UInt8]
    init(crl: @autoclosure @escaping @Sendable () throws -> [UInt8]) { make = crl }
    func ocspResponse(url: String, request: [UInt8]) async -> [UInt8]? { nil }
    func crl(url: String) async -> [UInt8]? { url == PAdESTestPKI.crlURL ? try? make() : nil }
}

@Suite struct PAdESSignerTests {
    let pki: PAdESTestPKI

    init() throws {
        pki = try PAdESTestPKI()
    }

    func document() throws -> [UInt8] {
        let font = try WriterFixtures.font()
        return try PDFDocumentWriter(font: font).render(try SampleDocument.blocks(withImage: false)).data.map { $0 }
    }

    func sign(_ pdf: [UInt8], _ level: SignatureLevel) async throws -> [UInt8] {
        try await PAdESSigner(certificate: pki.signer, chain: [pki.root.certificate], reason: "Saglasnost", location: "Podgorica").sign(
            pdf, with: SoftwareSignatureProducer(privateKey: pki.signerKey), level: level,
            timestampAuthority: InProcessTimestampAuthority(responder: pki.tsa), revocationSource: StaticRevocationSource(crl: try pki.crl()), signingTime: Date())
    }

    func validate(_ pdf: [UInt8], online: Bool = true, anchors: [Certificate]? = nil) async throws -> [SignatureValidationReport] {
        let source: (any RevocationSource)? = online ? StaticRevocationSource(crl: try pki.crl()) : nil
        return try await PDFSignatureValidator(policy: ValidationPolicy(trustAnchors: anchors ?? [pki.root.certificate], revocationSource: source, now: Date(), clock: ContinuousClock()))
            .validate(pdf)
    }

    @Test(.requiresFont, arguments: [SignatureLevel.basic, .timestamped, .longTerm])
    func signedDocumentsValidate(level: SignatureLevel) async throws {
        let pdf = try document()
        let signed = try await sign(pdf, level)
        #expect(Array(signed.prefix(pdf.count)) == pdf)  // an incremental update: the original bytes stay
        let reports = try await validate(signed, online: level != .longTerm)  // B-LT carries its own revocation data
        #expect(reports.count == 1)
        let report = try #require(reports.first)
        #expect(report.indication == .totalPassed, "\(report.findings)")
        if level == .longTerm {  // the DSS comes in a revision of its own, after the signature
            #expect(report.coverage?.contains("validation data") == true && report.coverage?.hasSuffix("(allowed)") == true, "\(report.coverage ?? "")")
        } else {
            #expect(report.coverage == "the whole document")
        }
        #expect(report.signerIdentifier == "PNOME-276543219")
        #expect(report.format == "PAdES-" + ["b-b": "B-B", "b-t": "B-T", "b-lt": "B-LT"][level.rawValue]!)
        let file = try PDFFile(bytes: signed)
        #expect((try file.documentSecurityStore() != nil) == (level == .longTerm))
        // One byte of the signed range changed: HASH_FAILURE.
        var tampered = signed
        guard let position = PAdESSigner.find(Array("/Producer (Licna)".utf8), in: tampered, from: 0) else {
            Issue.record("the writer's /Producer entry was not found")
            return
        }
        tampered[position + 11] ^= 0x01  // "Licna" → "Micna", inside the signed range
        let broken = try await validate(tampered)
        #expect(broken.first?.indication == .totalFailed && broken.first?.subIndication == .hashFailure, "\(broken.first?.findings ?? [])")
        // Another root: no chain.
        let stranger = try PAdESTestPKI()
        let untrusted = try await validate(signed, anchors: [stranger.root.certificate])
        #expect(untrusted.first?.subIndication == .noCertificateChainFound)
    }

    @Test(.requiresFont) func aSecondSignatureKeepsTheFirstValid() async throws {
        let pdf = try document()
        let twice = try await sign(try await sign(pdf, .timestamped), .timestamped)
        let reports = try await validate(twice)
        #expect(reports.count == 2)
        #expect(reports.allSatisfy { $0.indication == .totalPassed }, "\(reports.map(\.findings))")
        #expect(reports[0].coverage?.contains("(allowed)") == true, "\(reports[0].coverage ?? "")")
        #expect(reports[1].coverage == "the whole document")
        let fields = try PDFFile(bytes: twice).formFields().map(\.fullyQualifiedName)
        #expect(Set(fields) == ["Signature1", "Signature2"])
    }

    @Test(.requiresFont) func aRevocationBeforeTheTimestampIsRevoked() async throws {
        let pdf = try document()
        let revoked = try pki.crl(revoking: [RevokedCertificate(serialNumber: pki.signer.serialNumber, revocationDate: Date() - 300,
                                                                 reason: .keyCompromise)])
        let signed = try await sign(pdf, .timestamped)
        let reports = try await PDFSignatureValidator(policy: ValidationPolicy(trustAnchors: [pki.root.certificate],
                                                                              revocationSource: StaticRevocationSource(crl: revoked), now: Date(), clock: ContinuousClock()))
            .validate(signed)
        #expect(reports.first?.indication == .totalFailed && reports.first?.subIndication == .revoked)
        // The status is a code with the time and reason beside it; the sentence is a translation key's (issue 11, item 7).
        let report = try #require(reports.first)
        #expect(report.certificateStatus == .revoked && report.certificateRevocationReason == "keyCompromise")
        let revokedAt = try #require(report.certificateRevocationTime)
        #expect(abs(revokedAt.timeIntervalSinceNow + 300) < 60)
        let message = try #require(report.certificateStatusMessage)
        #expect(message.key == "verify.status.revoked-reason" && message.arguments["reason"] == "keyCompromise")
        #expect(message.arguments["time"] == ISO8601DateFormatter().string(from: revokedAt))
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        let json = try #require(try JSONSerialization.jsonObject(with: encoder.encode(report)) as? [String: Any])
        #expect(json["certificateStatus"] as? String == "revoked" && json["certificateRevocationReason"] as? String == "keyCompromise")
    }

    @Test func encryptedAndBrokenFilesGetClearErrors() async throws {
        let notPDF = Array("%PDF-1.7\nthis is not a PDF\n".utf8)
        await #expect(throws: SigningError.self) {
            _ = try await PAdESSigner(certificate: pki.signer).sign(notPDF, with: SoftwareSignatureProducer(privateKey: pki.signerKey), signingTime: Date())
        }
    }
}
