import Crypto
import Fluent
import Foundation
import LicnaCard
import LicnaCardClient
import LicnaCore
import LicnaDocuments
import LicnaPKI
@testable import LicnaServer
import LicnaTestSupport
import Testing
import Vapor
import VaporTesting
import X509

/// QcSSCD is stated only for a key the card proves it generated (key attestation, docs/card.md) on a model
/// configured as a certified QSCD, whose attestation chains to that model's root. Each test is an attack of
/// docs/threat_model.md ("someone who requests a signature certificate") or its positive control.
@Suite struct AttestationIssuanceTests {
    static let transportKey = [UInt8](repeating: 9, count: 32)

    /// A card authority over the installation's CA, as `licna card create --data` uses it.
    struct InstallationAuthority: CardIssuingAuthority {
        let service: CertificateAuthorityService

        func issueCertificate(profile: CertificateProfile, csr: CertificateSigningRequest, latestNotAfter: Date,
                              attestation: KeyAttestation?) async throws -> Certificate {
            try await service.issue(CertificateRequest(profile: profile, csr: csr, latestNotAfter: latestNotAfter, attestation: attestation),
                                    context: .test)
        }

        func securityObject(dataGroups: [Int: [UInt8]]) async throws -> [UInt8] {
            try await service.securityObject(dataGroups: dataGroups, context: .test)
        }
    }

    static func holder() -> CardHolder {
        CardHolder(surname: "PETROVIĆ", givenNames: "Đorđe", identificationNumber: IdentificationNumber.random(), jmbg: "0101990210006",
                   birthDate: "900101", sex: "M", cardNumber: "LC1234567", cardExpiry: Date().addingTimeInterval(5 * 365 * 86_400),
                   issuingAuthority: "Test")
    }

    static func card(_ manufacturer: CardManufacturer, model: String = CardManufacturer.virtualCardModel) throws -> VirtualCard {
        var image = CardImage(transportKey: transportKey)
        try manufacturer.manufacture(&image, model: model, now: Date())
        return VirtualCard(image: image, store: nil)
    }

    /// A key generated in `slot` (9C by default) of a card of `model`, its CSR (signed by the card) and the card's
    /// attestation.
    static func cardKey(_ manufacturer: CardManufacturer, model: String,
                        slot: PIVSlot = .signature) throws -> (csr: CertificateSigningRequest, attestation: KeyAttestation) {
        let piv = PIVClient(channel: SmartCardChannel(card: try card(manufacturer, model: model)))
        _ = try piv.select()
        try piv.authenticateManagementKey(SymmetricKey(data: transportKey))
        try piv.setReferenceData(.pin, value: "123456")
        let publicKey = Certificate.PublicKey(try piv.generateP256KeyPair(slot: slot))
        try piv.verify(pin: "123456")
        let key = CardPrivateKey(client: piv, slot: slot, algorithm: .p256, publicKey: publicKey) { try piv.verify(pin: "123456") }
        let csr = try CertificateSigningRequest(version: .v1, subject: try TrustFixtures.citizenSubject(), privateKey: Certificate.PrivateKey(key),
                                                attributes: CertificateSigningRequest.Attributes())
        let answer = try piv.attest(slot: slot)
        let attestation = try KeyAttestation(certificate: Certificate(derEncoded: answer.attestation),
                                             deviceCertificate: Certificate(derEncoded: answer.device))
        return (csr, attestation)
    }

    static func statesQcSSCD(_ certificate: Certificate) throws -> Bool {
        let statements = try QCStatements(extensionValue: try #require(certificate.extensions[oid: .PKIXExtensions.qcStatements]).value)
        let policies = try CertificatePolicies(extensionValue: try #require(certificate.extensions[oid: .PKIXExtensions.certificatePolicies]).value)
        #expect(statements.keyOnQSCD == policies.policies.contains(.QC.policyQCPnQSCD))
        return statements.keyOnQSCD
    }

    static func issue(_ app: Application, csr: CertificateSigningRequest, attestation: KeyAttestation? = nil,
                      cardModel: String? = nil) async throws -> Certificate {
        try await app.licna.trust.authority(on: app.db).issue(
            CertificateRequest(profile: .signature, csr: csr, cardModel: cardModel, attestation: attestation), context: .test)
    }

    /// Before: naming a configured model in `cardModel` was enough. Now the claim is read and ignored.
    @Test func aClaimedCardModelAloneNeverGivesQcSSCD() async throws {
        let acme = try CardManufacturer.development(now: Date())
        let trust = TrustConfiguration(qscdModels: ["acme-qscd": [acme.root.certificate]], acceptsDevelopmentCards: true)
        try await TestInstallation.make(.sqlite).withApp(http: false, trust: trust) { app in
            try await TrustFixtures.initialize(app)
            let csr = try TrustFixtures.csr(subject: try TrustFixtures.citizenSubject())
            for claim in ["acme-qscd", CardManufacturer.virtualCardModel] {
                #expect(try !Self.statesQcSSCD(try await Self.issue(app, csr: csr, cardModel: claim)))
            }
        }
    }

    /// The positive control and the forgeries: another manufacturer's key, a model the root does not certify, an
    /// attestation of another key than the CSR's, an attestation certificate under another card's device certificate.
    @Test func onlyAGenuineAttestationOfTheCSRsKeyForItsModelGivesQcSSCD() async throws {
        let acme = try CardManufacturer.development(now: Date())
        let other = try CardManufacturer.development(now: Date())
        let trust = TrustConfiguration(qscdModels: ["acme-qscd": [acme.root.certificate], "other-qscd": [other.root.certificate]])
        try await TestInstallation.make(.sqlite).withApp(http: false, trust: trust) { app in
            try await TrustFixtures.initialize(app)
            let genuine = try Self.cardKey(acme, model: "acme-qscd")
            #expect(try Self.statesQcSSCD(try await Self.issue(app, csr: genuine.csr, attestation: genuine.attestation)))

            // Signed by another key: an attacker's own "manufacturer" names the certified model.
            let forger = try CardManufacturer.development(now: Date())
            let forged = try Self.cardKey(forger, model: "acme-qscd")
            #expect(try !Self.statesQcSSCD(try await Self.issue(app, csr: forged.csr, attestation: forged.attestation)))

            // Wrong model: acme's root certifies this card, but as a model not configured as a QSCD; and a card of
            // another certified model cannot pass for acme's.
            let cheap = try Self.cardKey(acme, model: "acme-cheap")
            #expect(try !Self.statesQcSSCD(try await Self.issue(app, csr: cheap.csr, attestation: cheap.attestation)))
            let otherCard = try Self.cardKey(other, model: "other-qscd")
            #expect(try Self.statesQcSSCD(try await Self.issue(app, csr: otherCard.csr, attestation: otherCard.attestation)))
            let disguised = try Self.cardKey(other, model: "acme-qscd")
            #expect(try !Self.statesQcSSCD(try await Self.issue(app, csr: disguised.csr, attestation: disguised.attestation)))

            // A genuine attestation of the authentication key (9A: PIN once per session, not before each signature).
            let authentication = try Self.cardKey(acme, model: "acme-qscd", slot: .authentication)
            #expect(try !Self.statesQcSSCD(try await Self.issue(app, csr: authentication.csr, attestation: authentication.attestation)))

            // The attested key is not the CSR's: a software key with a genuine card's attestation.
            let software = try TrustFixtures.csr(subject: try TrustFixtures.citizenSubject())
            #expect(try !Self.statesQcSSCD(try await Self.issue(app, csr: software, attestation: genuine.attestation)))

            // A genuine attestation certificate presented under another genuine card's device certificate.
            let second = try Self.cardKey(acme, model: "acme-qscd")
            let mixed = try KeyAttestation(certificate: genuine.attestation.certificate, deviceCertificate: second.attestation.deviceCertificate)
            #expect(try !Self.statesQcSSCD(try await Self.issue(app, csr: genuine.csr, attestation: mixed)))
        }
    }

    /// A virtual card attests with the installation's development root: only a `--dev` installation accepts it,
    /// whatever the configuration says about the model `licna-virtual`.
    @Test func aNonDevelopmentInstallationNeverGivesAVirtualCardQcSSCD() async throws {
        // Production data started with --dev: the hierarchy is not a `ca init --dev` one, so still no QcSSCD.
        let productionData = try await TestInstallation.make(.sqlite)
        try await productionData.withApp(http: false, trust: TrustConfiguration(acceptsDevelopmentCards: true)) { app in
            try await TrustFixtures.initialize(app)
            let manufacturer = try await app.licna.trust.authority(on: app.db).developmentCardManufacturer()
            let virtual = try Self.cardKey(manufacturer, model: CardManufacturer.virtualCardModel)
            #expect(try !Self.statesQcSSCD(try await Self.issue(app, csr: virtual.csr, attestation: virtual.attestation)))
        }
        let installation = try await TestInstallation.make(.sqlite)
        let root = try await installation.withAppResult(http: false) { app in
            try await TrustFixtures.initialize(app, development: true)
            return try await app.licna.trust.authority(on: app.db).developmentCardManufacturer().root.certificate
        }
        let production = TrustConfiguration(qscdModels: [CardManufacturer.virtualCardModel: [root]])
        try await installation.withApp(http: false, trust: production) { app in
            let manufacturer = try await app.licna.trust.authority(on: app.db).developmentCardManufacturer()
            #expect(manufacturer.root.certificate == root)  // one root per installation, kept
            let virtual = try Self.cardKey(manufacturer, model: CardManufacturer.virtualCardModel)
            #expect(try !Self.statesQcSSCD(try await Self.issue(app, csr: virtual.csr, attestation: virtual.attestation)))
        }
        try await installation.withApp(http: false, trust: TrustConfiguration(acceptsDevelopmentCards: true)) { app in
            let manufacturer = try await app.licna.trust.authority(on: app.db).developmentCardManufacturer()
            let virtual = try Self.cardKey(manufacturer, model: CardManufacturer.virtualCardModel)
            #expect(try Self.statesQcSSCD(try await Self.issue(app, csr: virtual.csr, attestation: virtual.attestation)))
            // Another installation's development root is not this one's.
            let stranger = try Self.cardKey(try CardManufacturer.development(now: Date()), model: CardManufacturer.virtualCardModel)
            #expect(try !Self.statesQcSSCD(try await Self.issue(app, csr: stranger.csr, attestation: stranger.attestation)))
        }
    }

    /// End to end on a development installation: a virtual card personalized by the installation signs a PDF that
    /// validates as a qualified electronic signature with the citizen CA on the trusted list.
    @Test func aDevelopmentCardSignsAQualifiedSignature() async throws {
        try await TestInstallation.make(.sqlite).withApp(http: false, trust: TrustConfiguration(acceptsDevelopmentCards: true)) { app in
            try await TrustFixtures.initialize(app, development: true)
            let service = app.licna.trust.authority(on: app.db)
            let card = try Self.card(try await service.developmentCardManufacturer())
            let channel = SmartCardChannel(card: card)
            let result = try await CardPersonalizer(channel: channel, transportKey: Self.transportKey)
                .personalize(Self.holder(), secrets: .init(pin: "123456", puk: "12345678", can: "123456"),
                             authority: InstallationAuthority(service: service))
            #expect(try Self.statesQcSSCD(try #require(result.signatureCertificate)))
            let entries = try await AuditEntryModel.query(on: app.db).filter(\.$action == "ca.issue").all()
            #expect(entries.contains { $0.detail?.contains("key on QSCD licna-virtual") == true })

            card.reset()
            let piv = PIVClient(channel: channel)
            _ = try piv.select()
            let key = CardPrivateKey(client: piv, slot: .signature, algorithm: .p256, publicKey: try #require(result.signatureCertificate).publicKey) {
                try piv.verify(pin: "123456")
            }
            let hierarchy = try await service.hierarchy()
            let citizenCA = try hierarchy.authority(.citizen).certificate
            let signed = try await PAdESSigner(certificate: try #require(result.signatureCertificate), chain: [citizenCA])
                .sign(PDFFixtures.classic(), with: SoftwareSignatureProducer(privateKey: Certificate.PrivateKey(key)), level: .basic, signingTime: Date())
            let policy = ValidationPolicy(trustAnchors: [try hierarchy.authority(.root).certificate], trustedListIssuers: [citizenCA],
                                          revocationSource: PublishedCRLs(crls: app.licna.trust.crls(on: app.db)), now: Date(), clock: ContinuousClock())
            let report = try #require(try await PDFSignatureValidator(policy: policy).validate(signed).first)
            #expect(report.indication == .totalPassed, "\(report.findings)")
            #expect(report.qualification == .qualified)
        }
    }

    /// OpenSSL, an independent X.509 implementation, parses the certificate the card wrote in DER and verifies the
    /// chain attestation → card's attestation key → manufacturer root; under another root it fails.
    @Test(.requires("openssl")) func openSSLVerifiesTheAttestationChain() throws {
        let openssl = try OpenSSLTool.required()
        let manufacturer = try CardManufacturer.development(now: Date())
        let attested = try Self.cardKey(manufacturer, model: "acme-qscd")
        let folder = try OpenSSLTool.temporaryDirectory()
        try OpenSSLTool.writePEM(manufacturer.root.certificate, to: folder.appendingPathComponent("root.pem"))
        try OpenSSLTool.writePEM(try CardManufacturer.development(now: Date()).root.certificate, to: folder.appendingPathComponent("other.pem"))
        try OpenSSLTool.writePEM(attested.attestation.deviceCertificate, to: folder.appendingPathComponent("f9.pem"))
        try OpenSSLTool.writePEM(attested.attestation.certificate, to: folder.appendingPathComponent("attestation.pem"))
        let verified = try OpenSSLTool.run(openssl, ["verify", "-CAfile", "root.pem", "-untrusted", "f9.pem", "attestation.pem"], in: folder)
        #expect(verified.status == 0 && verified.output.contains("attestation.pem: OK"), "\(verified.output)")
        let refused = try OpenSSLTool.run(openssl, ["verify", "-CAfile", "other.pem", "-untrusted", "f9.pem", "attestation.pem"], in: folder)
        #expect(refused.status != 0)
        let text = try OpenSSLTool.run(openssl, ["x509", "-in", "attestation.pem", "-noout", "-text"], in: folder)
        #expect(text.output.contains("Licna PIV Attestation 9C") && text.output.contains("1.3.6.1.4.1.64512.1.3.1"), "\(text.output)")
    }

    /// The officer API takes the attestation as PEM beside the CSR; one that does not parse is a 400.
    @Test func theAPITakesTheAttestation() async throws {
        try await TestInstallation.make(.sqlite).withApp(trust: TrustConfiguration(acceptsDevelopmentCards: true)) { app in
            let officer = try await officerToken(app)
            try await TrustFixtures.initialize(app, development: true)
            let manufacturer = try await app.licna.trust.authority(on: app.db).developmentCardManufacturer()
            let virtual = try Self.cardKey(manufacturer, model: CardManufacturer.virtualCardModel)
            var headers = HTTPHeaders([("Authorization", "Bearer \(officer)")])
            headers.contentType = .json
            let csr = try virtual.csr.serializeAsPEM().pemString
            try await app.testing().test(.POST, "/api/pki/certificates", headers: headers, beforeRequest: { request in
                try request.content.encode(["profile": "signature", "csr": csr, "attestation": try virtual.attestation.pemEncoded()])
            }) { response in
                #expect(response.status == .ok)
                let body = try response.content.decode(TrustController.IssuedBody.self)
                #expect(try Self.statesQcSSCD(try Certificate(pemEncoded: body.certificate)))
            }
            try await app.testing().test(.POST, "/api/pki/certificates", headers: headers, beforeRequest: { request in
                try request.content.encode(["profile": "signature", "csr": csr, "attestation": csr])
            }) { #expect($0.status == .badRequest) }
        }
    }
}
