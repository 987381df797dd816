import Crypto
import Foundation
import LicnaAPI
import LicnaBasics
import LicnaCard
import LicnaCore
import LicnaPKI
import LicnaTranslations
import Fluent
@testable import LicnaServer
import Testing
import Vapor
import X509

/// Card issuance (issue 12) at the service: the workflow, activation and every way an activation must fail without
/// changing anything, suspension with its stored throttle, replacement, the activation window and the statistics.
/// The card is stood in for by software keys; the interop test does it with a real card through pcscd.
@Suite struct CardIssuanceTests {
    /// A person with an approved application, personalized as the station would (both certificates on hold) and
    /// delivered; the card's two keys in software.
    struct IssuedCard {
        var view: CardView
        var authenticationKey: P256.Signing.PrivateKey
        var signatureKey: P256.Signing.PrivateKey?
        var authentication: Certificate
        var signature: Certificate?
        var code: SuspensionCode
    }

    static func issue(_ app: Application, born: CivilDate? = nil, deliver: Bool = true, fingerprints: [UInt8]? = nil) async throws -> IssuedCard {
        let clock = app.licna.configuration.clock
        let birth = BirthRegistration(givenName: "Jelena", surname: "Šćekić", birthDate: born ?? clock.today.adding(years: -40),
                                      birthPlace: "Podgorica", sex: .female, regionCode: 21, address: "Njegoševa 1", municipality: "Podgorica")
        let number = try await app.licna.registry(on: app.db).registerBirth(birth, context: .test).person.identificationNumber
        let cards = app.licna.cards(on: app.db)
        let application = try await cards.apply(identificationNumber: number, photo: nil, fingerprints: fingerprints, language: "en",
                                                contractAccepted: true, context: .test)
        _ = try await cards.approve(id: application.id, context: .test)
        let plan = try await cards.personalizationPlan(applicationID: application.id, context: .test)
        let authority = app.licna.trust.authority(on: app.db)
        let subject = try TrustFixtures.citizenSubject(given: plan.givenNames, surname: plan.surname, number: plan.identificationNumber)
        func certify(_ profile: CertificateProfile, _ key: P256.Signing.PrivateKey) async throws -> Certificate {
            try await authority.issue(CertificateRequest(profile: profile, csr: try TrustFixtures.csr(subject: subject, key: .init(key)),
                                                         latestNotAfter: plan.validity.certificatesNotAfter, onHold: true), context: .test)
        }
        let authenticationKey = P256.Signing.PrivateKey()
        let authentication = try await certify(.authentication, authenticationKey)
        let signatureKey = plan.validity.signatureCertificate ? P256.Signing.PrivateKey() : nil
        var signature: Certificate?
        if let signatureKey { signature = try await certify(.signature, signatureKey) }
        let secrets = CardSecrets.random()
        var view = try await cards.recordPersonalization(plan, authenticationSerial: authentication.serialNumber.hex,
                                                         signatureSerial: signature?.serialNumber.hex, suspensionCode: secrets.suspensionCode,
                                                         context: .test)
        if deliver { view = try await cards.deliver(cardNumber: view.cardNumber!, context: .test) }
        return IssuedCard(view: view, authenticationKey: authenticationKey, signatureKey: signatureKey, authentication: authentication,
                          signature: signature, code: secrets.suspensionCode)
    }

    static func token(_ key: P256.Signing.PrivateKey, _ certificate: Certificate, origin: String, nonce: String) throws -> CardSignedToken {
        let data = CardTokenSignature.signedData(origin: origin, nonce: nonce, algorithm: .es256)
        let signature = try key.signature(for: data).rawRepresentation
        return CardSignedToken(unverifiedCertificate: Data(try DEREncoding.encode(certificate)).base64EncodedString(), algorithm: "ES256",
                               signature: signature.base64EncodedString(), appVersion: "test")
    }

    static func proof(_ card: IssuedCard, origin: String = "http://127.0.0.1:8080", nonce: String) throws -> CardPresenceProof {
        CardPresenceProof(authentication: try token(card.authenticationKey, card.authentication, origin: origin, nonce: nonce),
                          signature: try card.signatureKey.map { try token($0, card.signature!, origin: origin, nonce: nonce) })
    }

    static func nonceRequest(_ card: IssuedCard) -> CardNonceRequest {
        CardNonceRequest(authenticationSerial: card.authentication.serialNumber.hex, signatureSerial: card.signature?.serialNumber.hex)
    }

    static func statuses(_ app: Application, _ card: IssuedCard) async throws -> [String] {
        let authority = app.licna.trust.authority(on: app.db)
        return try await [card.authentication, card.signature].compactMap { $0 }.asyncMap { try await authority.status(serial: $0.serialNumber.hex).status }
    }

    @Test(arguments: TestEngine.available)
    func theWorkflowFromApplicationToActivation(engine: TestEngine) async throws {
        try await TestInstallation.make(engine).withApp(http: false) { app in
            try await TrustFixtures.initialize(app)
            let cards = app.licna.cards(on: app.db)
            let card = try await Self.issue(app, fingerprints: Array("fingerprint images".utf8))
            #expect(card.view.state == "delivered")
            // Delivered: the fingerprint images are gone (the default law), and the deletion is audited.
            #expect(try await CardApplicationModel.find(card.view.id, on: app.db)?.fingerprintsSealed == nil)
            #expect(try await app.licna.audit.entries(touching: [card.view.id], on: app.db).map(\.action).contains(AuditAction.cardBiometricsDeleted.rawValue))
            #expect(try await Self.statuses(app, card) == ["hold", "hold"])
            // The contract's acceptance is recorded with the hash of the text accepted.
            #expect(card.view.contractSHA256 == CardContract(language: "en").sha256)
            let nonce = try await cards.nonce(for: Self.nonceRequest(card), purpose: .activation)
            let view = try await cards.present(try Self.proof(card, nonce: nonce.nonce), purpose: .activation, context: .test)
            #expect(view.state == "activated")
            #expect(try await Self.statuses(app, card) == ["good", "good"])
            let statistics = try await cards.statistics()
            #expect(statistics.issued == 1 && statistics.delivered == 1 && statistics.activated == 1 && statistics.awaitingActivation == 0)
            #expect(statistics.activatedByMunicipality == ["Podgorica": 1])
            // One card in use per person.
            await #expect(throws: CardIssuanceError.self) {
                try await cards.apply(identificationNumber: view.identificationNumber, photo: nil, language: "en", contractAccepted: true, context: .test)
            }
            // Also when two officers apply at once for someone without a card: one application wins.
            let birth = BirthRegistration(givenName: "Ivo", surname: "Jovanović", birthDate: CivilDate(year: 1970, month: 3, day: 4)!, birthPlace: "Bar",
                                          sex: .male, regionCode: 21, address: "Obala 2", municipality: "Bar")
            let number = try await app.licna.registry(on: app.db).registerBirth(birth, context: .test).person.identificationNumber
            let outcomes = await withTaskGroup(of: Bool.self) { group in
                for _ in 0..<4 {
                    group.addTask { (try? await cards.apply(identificationNumber: number, photo: nil, language: "en", contractAccepted: true, context: .test)) != nil }
                }
                return await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(outcomes.filter { $0 }.count == 1)
        }
    }

    /// Issue 12's acceptance: an unknown card, a card not yet delivered, a replayed or expired nonce, a sign-in nonce,
    /// only one of the two signatures, or a certificate from another CA fails with a clear message and changes nothing.
    @Test(arguments: TestEngine.available)
    func refusedActivationsChangeNothing(engine: TestEngine) async throws {
        let clock = AdjustableWallClock()
        try await TestInstallation.make(engine).withApp(clock: clock, http: false) { app in
            try await TrustFixtures.initialize(app)
            let cards = app.licna.cards(on: app.db)
            let card = try await Self.issue(app)
            func refused(_ code: ErrorCode, _ body: () async throws -> Void) async throws {
                do {
                    try await body()
                    Issue.record("accepted, expected \(code.rawValue)")
                } catch let error as CardIssuanceError {
                    #expect(error.code == code)
                    #expect(!Translations.bundled.text(error.messageKey, "en", error.arguments).contains("{"))
                }
                #expect(try await cards.find(card.view.id).state == "delivered")
                #expect(try await Self.statuses(app, card) == ["hold", "hold"])
            }
            // Unknown card: a certificate this installation never issued.
            let stranger = P256.Signing.PrivateKey()
            let strangerCertificate = try Self.selfSigned(stranger, serial: Certificate.SerialNumber())
            try await refused(.cardUnknownCard) {
                _ = try await cards.nonce(for: CardNonceRequest(authenticationSerial: strangerCertificate.serialNumber.hex, signatureSerial: nil),
                                          purpose: .activation)
            }
            // Another CA's certificate with this card's serial: found by serial, refused byte for byte.
            var nonce = try await cards.nonce(for: Self.nonceRequest(card), purpose: .activation)
            var forged = card
            forged.authentication = try Self.selfSigned(stranger, serial: card.authentication.serialNumber, subject: card.authentication.subject)
            forged.authenticationKey = stranger
            try await refused(.cardToken) { _ = try await cards.present(try Self.proof(forged, nonce: nonce.nonce), purpose: .activation, context: .test) }
            // The nonce went with that attempt: the right proof over it is now a replay.
            try await refused(.cardNonce) { _ = try await cards.present(try Self.proof(card, nonce: nonce.nonce), purpose: .activation, context: .test) }
            // Only one of the two signatures.
            nonce = try await cards.nonce(for: Self.nonceRequest(card), purpose: .activation)
            var onlyOne = try Self.proof(card, nonce: nonce.nonce)
            onlyOne.signature = nil
            try await refused(.cardToken) { _ = try await cards.present(onlyOne, purpose: .activation, context: .test) }
            // Signed for another origin.
            nonce = try await cards.nonce(for: Self.nonceRequest(card), purpose: .activation)
            try await refused(.cardToken) {
                _ = try await cards.present(try Self.proof(card, origin: "https://evil.example", nonce: nonce.nonce), purpose: .activation, context: .test)
            }
            // Expired: more than five minutes old.
            nonce = try await cards.nonce(for: Self.nonceRequest(card), purpose: .activation)
            clock.advance(301)
            try await refused(.cardNonce) { _ = try await cards.present(try Self.proof(card, nonce: nonce.nonce), purpose: .activation, context: .test) }
            // A sign-in nonce for this card is not an activation nonce.
            let signIn = try await CardNonceStore(database: app.db, clock: clock).issue(.signIn, binding: CardIssuanceService.binding(
                try #require(try await CardApplicationModel.find(card.view.id, on: app.db))))
            try await refused(.cardNonce) { _ = try await cards.present(try Self.proof(card, nonce: signIn.nonce), purpose: .activation, context: .test) }
            // Not delivered yet.
            let undelivered = try await Self.issue(app, deliver: false)
            await #expect(throws: CardIssuanceError.self) { try await cards.nonce(for: Self.nonceRequest(undelivered), purpose: .activation) }
            #expect(try await Self.statuses(app, undelivered) == ["hold", "hold"])
            // And after all that, the real card with a fresh nonce activates; replaying its proof fails.
            nonce = try await cards.nonce(for: Self.nonceRequest(card), purpose: .activation)
            let proof = try Self.proof(card, nonce: nonce.nonce)
            #expect(try await cards.present(proof, purpose: .activation, context: .test).state == "activated")
            await #expect(throws: CardIssuanceError.self) { try await cards.present(proof, purpose: .activation, context: .test) }
        }
    }

    static func selfSigned(_ key: P256.Signing.PrivateKey, serial: Certificate.SerialNumber,
                           subject: DistinguishedName? = nil) throws -> Certificate {
        let name = try subject ?? DistinguishedName { CommonName("Stranger") }
        return try Certificate(version: .v3, serialNumber: serial, publicKey: .init(key.publicKey), notValidBefore: Date() - 60,
                               notValidAfter: Date() + 86_400, issuer: name, subject: name, signatureAlgorithm: .ecdsaWithSHA256,
                               extensions: Certificate.Extensions(), issuerPrivateKey: .init(key))
    }

    @Test func aMinorsCardHasOneKeyAndActivatesWithOneSignature() async throws {
        try await TestInstallation.make(.sqlite).withApp(http: false) { app in
            try await TrustFixtures.initialize(app)
            let cards = app.licna.cards(on: app.db)
            let card = try await Self.issue(app, born: app.licna.configuration.clock.today.adding(years: -12))
            #expect(card.signature == nil)
            let nonce = try await cards.nonce(for: Self.nonceRequest(card), purpose: .activation)
            #expect(try await cards.present(try Self.proof(card, nonce: nonce.nonce), purpose: .activation, context: .test).state == "activated")
        }
    }

    @Test(arguments: TestEngine.available)
    func suspensionWithTheEnvelopesCodeIsThrottledPerCardAndStored(engine: TestEngine) async throws {
        let clock = AdjustableWallClock()
        try await TestInstallation.make(engine).withApp(clock: clock, http: false) { app in
            try await TrustFixtures.initialize(app)
            let cards = app.licna.cards(on: app.db)
            let card = try await Self.issue(app)
            let number = card.view.cardNumber!
            let context = AuditContext(actor: "citizen", purpose: .cardSuspension)
            // An unknown card gets the same answer as a wrong code.
            await #expect(throws: CardIssuanceError(.cardSuspensionRefused)) { try await cards.suspend(cardNumber: "LC0000000", code: card.code.description, context: context) }
            for _ in 0..<CardIssuanceService.freeSuspensionFailures + 1 {
                await #expect(throws: CardIssuanceError(.cardSuspensionRefused)) { try await cards.suspend(cardNumber: number, code: "00000-00000", context: context) }
            }
            // Now even the right code waits: the wait is stored with the card, not in this process.
            let model = try #require(try await CardApplicationModel.find(card.view.id, on: app.db))
            #expect(model.suspensionFailures == 4 && model.suspensionNextAttempt != nil)
            await #expect(throws: CardIssuanceError.self) { try await cards.suspend(cardNumber: number, code: card.code.description, context: context) }
            clock.advance(61)
            // Lowercase, without the dash, O for 0: typed as people type it.
            let typed = card.code.canonical.lowercased()
            #expect(try await cards.suspend(cardNumber: number.lowercased(), code: typed, context: context).state == "suspended")
            #expect(try await Self.statuses(app, card) == ["hold", "hold"])
            #expect(try await cards.statistics().suspended == 1)
            // Not a code: letters outside the alphabet, non-ASCII digits, too long.
            for bad in ["UUUUU-UUUUU", "١٢٣٤٥-٦٧٨٩٠", String(repeating: "A", count: 11), ""] { #expect(SuspensionCode(bad) == nil) }
        }
    }

    @Test(arguments: TestEngine.available)
    func replacementRevokesAndOpensAPrefilledApplication(engine: TestEngine) async throws {
        try await TestInstallation.make(engine).withApp(http: false) { app in
            try await TrustFixtures.initialize(app)
            let cards = app.licna.cards(on: app.db)
            let card = try await Self.issue(app)
            let new = try await cards.replace(cardNumber: card.view.cardNumber!, reason: .lostEnvelope, context: .test)
            #expect(new.state == "submitted" && new.replaces == card.view.id && new.contractSHA256 == card.view.contractSHA256)
            #expect(try await cards.find(card.view.id).state == "replaced")
            let authority = app.licna.trust.authority(on: app.db)
            let old = try await authority.status(serial: card.authentication.serialNumber.hex)
            #expect(old.status == "revoked" && old.reason == "superseded")
            #expect(try await cards.statistics().replacedByReason == ["lost-envelope": 1])
            await #expect(throws: CardIssuanceError.self) { try await cards.replace(cardNumber: card.view.cardNumber!, reason: .lost, context: .test) }
        }
    }

    @Test func holdsOfCardsNeverActivatedTurnIntoRevocations() async throws {
        let clock = AdjustableWallClock()
        try await TestInstallation.make(.sqlite).withApp(clock: clock, http: false) { app in
            try await TrustFixtures.initialize(app)
            let cards = app.licna.cards(on: app.db)
            let card = try await Self.issue(app)
            #expect(try await cards.maintain() == 0)
            clock.advance(366 * 86_400)
            #expect(try await cards.maintain() == 1)
            let record = try await app.licna.trust.authority(on: app.db).status(serial: card.authentication.serialNumber.hex)
            #expect(record.status == "revoked" && record.reason == "cessationOfOperation")
            #expect(try await cards.statistics().activationWindowExpired == 1)
            #expect(try await cards.maintain() == 0)
        }
    }

    @Test(arguments: TestEngine.available)
    func aRecordedDeathClosesTheCard(engine: TestEngine) async throws {
        try await TestInstallation.make(engine).withApp(http: false) { app in
            try await TrustFixtures.initialize(app)
            let card = try await Self.issue(app)
            let registry = app.licna.registry(on: app.db)
            let person = try #require(try await PersonModel.query(on: app.db).filter(\.$identificationNumber == card.view.identificationNumber).first())
            _ = try await registry.recordDeath(personID: PersonID(rawValue: try person.requireID()), date: app.licna.configuration.clock.today, context: .test)
            _ = try await app.licna.trust.authority(on: app.db).processDeaths()
            let view = try await app.licna.cards(on: app.db).find(card.view.id)
            #expect(view.state == "revoked" && view.closedReason == "death")
        }
    }

    /// Hostile proofs: random and mutated tokens (bytes of every kind in every field, certificates cut short, huge
    /// values, non-ASCII digits in serials) are refused with a card error and never change the card; the nonce each
    /// one consumed is gone.
    @Test func hostileProofsAreRefusedCleanly() async throws {
        try await TestInstallation.make(.sqlite).withApp(http: false) { app in
            try await TrustFixtures.initialize(app)
            let cards = app.licna.cards(on: app.db)
            let card = try await Self.issue(app)
            var generator = SystemRandomNumberGenerator()
            let good = try Self.proof(card, nonce: "x")
            func randomText(_ length: Int) -> String {
                String((0..<length).map { _ in Character(Unicode.Scalar(UInt8.random(in: 0...255, using: &generator))) })
            }
            let certificate = Data(base64Encoded: good.authentication.unverifiedCertificate)!
            for round in 0..<60 {
                _ = try await cards.nonce(for: Self.nonceRequest(card), purpose: .activation)
                var proof = good
                switch round % 6 {
                case 0: proof.authentication.unverifiedCertificate = randomText(Int.random(in: 0...300, using: &generator))
                case 1: proof.authentication.unverifiedCertificate = certificate.prefix(Int.random(in: 0..<certificate.count, using: &generator)).base64EncodedString()
                case 2: proof.authentication.signature = Data((0..<Int.random(in: 0...200, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }).base64EncodedString()
                case 3: proof.authentication.algorithm = ["ES512", "none", "", "es256", "RS256", randomText(8)].randomElement(using: &generator)!
                case 4: proof.authentication.format = randomText(12)
                default: proof.signature?.unverifiedCertificate = String(repeating: "A", count: 200_000)
                }
                await #expect(throws: (any Error).self) { try await cards.present(proof, purpose: .activation, context: .test) }
                #expect(try await cards.find(card.view.id).state == "delivered")
            }
            for serial in ["", "٣٤٥", String(repeating: "f", count: 10_000), "'; DROP TABLE card_applications; --"] {
                await #expect(throws: CardIssuanceError.self) {
                    try await cards.nonce(for: CardNonceRequest(authenticationSerial: serial, signatureSerial: nil), purpose: .activation)
                }
            }
            #expect(try await Self.statuses(app, card) == ["hold", "hold"])
        }
    }

    /// A report that the PIN and PUK are exhausted is counted once and changes nothing else.
    @Test func aBlockedReportIsCountedAndRevokesNothing() async throws {
        try await TestInstallation.make(.sqlite).withApp(http: false) { app in
            try await TrustFixtures.initialize(app)
            let cards = app.licna.cards(on: app.db)
            let card = try await Self.issue(app)
            let report = CardBlockedReport(authenticationCertificate: Data(try DEREncoding.encode(card.authentication)).base64EncodedString())
            try await cards.reportBlocked(report, context: .test)
            try await cards.reportBlocked(report, context: .test)
            #expect(try await cards.statistics().blocked == 1)
            #expect(try await cards.find(card.view.id).state == "delivered")
            #expect(try await Self.statuses(app, card) == ["hold", "hold"])
            let stranger = try Self.selfSigned(P256.Signing.PrivateKey(), serial: card.authentication.serialNumber)
            await #expect(throws: CardIssuanceError.self) {
                try await cards.reportBlocked(CardBlockedReport(authenticationCertificate: Data(try DEREncoding.encode(stranger)).base64EncodedString()),
                                              context: .test)
            }
        }
    }

    /// Fingerprint images are sealed at rest (not in the row in clear) and deleted at delivery.
    @Test func fingerprintsAreSealedAndDeletedAtDelivery() async throws {
        try await TestInstallation.make(.sqlite).withApp(http: false) { app in
            try await TrustFixtures.initialize(app)
            let birth = BirthRegistration(givenName: "Ana", surname: "Kovač", birthDate: CivilDate(year: 1980, month: 1, day: 2)!, birthPlace: "Bar",
                                          sex: .female, regionCode: 21, address: "Obala 1", municipality: "Bar")
            let number = try await app.licna.registry(on: app.db).registerBirth(birth, context: .test).person.identificationNumber
            let cards = app.licna.cards(on: app.db)
            let fingerprints = Array("FINGERPRINT-IMAGE-BYTES".utf8)
            let view = try await cards.apply(identificationNumber: number, photo: nil, fingerprints: fingerprints, language: "sq",
                                             contractAccepted: true, context: .test)
            let stored = try #require(try await CardApplicationModel.find(view.id, on: app.db)?.fingerprintsSealed)
            #expect(stored.range(of: Data(fingerprints)) == nil)
            #expect(try cards.open(stored, application: view.id, purpose: "fingerprints") == fingerprints)
            // Sealed to its row: the same bytes do not open for another application.
            #expect(throws: (any Error).self) { try cards.open(stored, application: UUID().uuidString, purpose: "fingerprints") }
            await #expect(throws: CardIssuanceError.self) {
                try await cards.apply(identificationNumber: number, photo: Array("not a jpeg".utf8), language: "sq", contractAccepted: true, context: .test)
            }
            // A photo is sealed with the application and given to the station for DG2.
            let photo = LDSFile.testPortrait.jpeg
            let other = BirthRegistration(givenName: "Besa", surname: "Krasniqi", birthDate: CivilDate(year: 1982, month: 5, day: 6)!, birthPlace: "Ulcinj",
                                          sex: .female, regionCode: 22, address: "Rruga 1", municipality: "Ulcinj")
            let otherNumber = try await app.licna.registry(on: app.db).registerBirth(other, context: .test).person.identificationNumber
            let withPhoto = try await cards.apply(identificationNumber: otherNumber, photo: photo, language: "sq", contractAccepted: true, context: .test)
            #expect(try #require(try await CardApplicationModel.find(withPhoto.id, on: app.db)?.photoSealed).range(of: Data(photo)) == nil)
            _ = try await cards.approve(id: withPhoto.id, context: .test)
            #expect(try await cards.personalizationPlan(applicationID: withPhoto.id, context: .test).photo == photo)
            // The identity document presented is consulted against the policy: an old ID card after 30 March 2023 is refused.
            await #expect(throws: CardIssuanceError(.cardDocumentNotAccepted, ["type": "legacy-id-card", "date": "2023-03-30"])) {
                try await cards.apply(identificationNumber: number, photo: nil, language: "sq", contractAccepted: true, identityDocument: "legacy-id-card",
                                      context: .test)
            }
            await #expect(throws: CardIssuanceError.self) {
                try await cards.apply(identificationNumber: number, photo: nil, language: "sq", contractAccepted: true, identityDocument: "library-card",
                                      context: .test)
            }
        }
    }

    /// Fingerprint images go at delivery, unless the country's law (the card policy's `keepFingerprints`) keeps them;
    /// a policy file without the field keeps the default.
    @Test func theLawDecidesWhetherFingerprintsStayAfterDelivery() async throws {
        try await TestInstallation.make(.sqlite).withApp(http: false) { app in
            try await TrustFixtures.initialize(app)
            let authority = app.licna.trust.authority(on: app.db)
            let fingerprints = Array("fingerprint images".utf8)
            let deleted = try await Self.issue(app, fingerprints: fingerprints)
            #expect(try await CardApplicationModel.find(deleted.view.id, on: app.db)?.fingerprintsSealed == nil)
            var policy = CardIssuancePolicy.montenegro
            policy.keepFingerprints = true
            try await authority.setCardPolicy(policy, context: .test)
            let kept = try await Self.issue(app, born: CivilDate(year: 1970, month: 3, day: 4)!, fingerprints: fingerprints)
            let sealed = try #require(try await CardApplicationModel.find(kept.view.id, on: app.db)?.fingerprintsSealed)
            #expect(try app.licna.cards(on: app.db).open(sealed, application: kept.view.id, purpose: "fingerprints") == fingerprints)
            let older = try JSONEncoder().encode(CardIssuancePolicy.montenegro)
            var fields = try #require(try JSONSerialization.jsonObject(with: older) as? [String: Any])
            fields["keepFingerprints"] = nil
            let decoded = try JSONDecoder().decode(CardIssuancePolicy.self, from: try JSONSerialization.data(withJSONObject: fields))
            #expect(decoded == .montenegro && !decoded.keepFingerprints)
        }
    }

    @Test func theEnvelopeAndTheContractRenderInEveryLanguage() throws {
        let secrets = CardSecrets.random()
        for language in Translations.languages {
            let pdf = try CardEnvelope(holderName: "Ђорђе Šćepanović", cardNumber: "LC1234567", secrets: secrets, language: language,
                                       publicURL: "https://eid.example.me").render()
            #expect(pdf.starts(with: Data("%PDF-".utf8)))
            let contract = CardContract(language: language)
            #expect(contract.sha256.count == 64 && !contract.text.contains("card.contract"))
            #expect(try contract.pdf().starts(with: Data("%PDF-".utf8)))
        }
        #expect(CardContract(language: "en").sha256 != CardContract(language: "sq").sha256)
    }
}

extension Sequence {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var results: [T] = []
        for element in self { results.append(try await transform(element)) }
        return results
    }
}
