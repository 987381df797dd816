import Crypto
import Fluent
import Foundation
import LicnaAPI
import LicnaBasics
import LicnaCard
import LicnaCardClient
import LicnaCore
import LicnaDocuments
import LicnaPKI
import LicnaTranslations
@testable import LicnaServer
import Testing
import Vapor
import X509

/// On-line renewal (issue 12, item 5; docs/card.md "Renewal") with a real virtual card driven through the server's
/// fixed script: a 76-year-old's 50-year card gets new keys and 5-year certificates, the old ones revoked; and each
/// attack of the threat model's renewal row — a key substituted by software between card and server, another chip's
/// attestation, another card, no PIN, a replayed or expired session, hostile answers — is refused and leaves the old
/// certificates good.
@Suite struct CardRenewalTests {
    static let transportKey = [UInt8](repeating: 7, count: 32)
    static let pin = "482913"

    /// The installation's CA behind the personalizer, certificates on hold, as `licna cards personalize` uses it.
    struct HeldAuthority: CardIssuingAuthority {
        let service: CertificateAuthorityService

        func issueCertificate(profile: CertificateProfile, csr: CertificateSigningRequest, latestNotAfter: Date,
                              attestation: KeyAttestation?) async throws -> Certificate {
            try await service.issue(CertificateRequest(profile: profile, csr: csr, latestNotAfter: latestNotAfter, attestation: attestation,
                                                       onHold: true), context: .test)
        }

        func securityObject(dataGroups: [Int: [UInt8]]) async throws -> [UInt8] {
            try await service.securityObject(dataGroups: dataGroups, context: .test)
        }
    }

    struct ActiveCard {
        var card: VirtualCard
        var view: CardView
        var channel: SmartCardChannel { SmartCardChannel(card: card) }
    }

    /// A blank virtual card made by the installation's development manufacturer.
    static func blankCard(_ app: Application) async throws -> VirtualCard {
        let manufacturer = try await app.licna.trust.authority(on: app.db).developmentCardManufacturer()
        var image = CardImage(transportKey: transportKey)
        try manufacturer.manufacture(&image, model: CardManufacturer.virtualCardModel, now: Date())
        return VirtualCard(image: image, store: nil)
    }

    /// A person born `age` years ago with a card personalized on a virtual card (its chip recorded from the
    /// attestation, unless `recordChip` is false), delivered and activated with its PIN.
    static func activeCard(_ app: Application, age: Int = 76, recordChip: Bool = true) async throws -> ActiveCard {
        let clock = app.licna.configuration.clock
        let birth = BirthRegistration(givenName: "Milica", surname: "Vukčević", birthDate: clock.today.adding(years: -age),
                                      birthPlace: "Cetinje", sex: .female, regionCode: 22, address: "Njegoševa 2", municipality: "Cetinje")
        let number = try await app.licna.registry(on: app.db).registerBirth(birth, context: .test).person.identificationNumber
        let cards = app.licna.cards(on: app.db)
        let application = try await cards.apply(identificationNumber: number, photo: nil, language: "cnr", contractAccepted: true, context: .test)
        _ = try await cards.approve(id: application.id, context: .test)
        let plan = try await cards.personalizationPlan(applicationID: application.id, context: .test)
        let holder = CardHolder(surname: plan.surname, givenNames: plan.givenNames, identificationNumber: plan.identificationNumber, jmbg: plan.jmbg,
                                birthDate: String(format: "%02d%02d%02d", plan.birthDate.year % 100, plan.birthDate.month, plan.birthDate.day),
                                sex: plan.sex, country: plan.country, icaoState: "MNE", cardNumber: plan.cardNumber,
                                cardExpiry: plan.validity.cardExpires.startInUTC, travelDocumentExpiry: plan.validity.travelDocumentExpires.startInUTC,
                                certificatesNotAfter: plan.validity.certificatesNotAfter, signatureCertificate: plan.validity.signatureCertificate,
                                issuingAuthority: "MUP ME", portrait: LDSFile.testPortrait)
        let card = try await blankCard(app)
        let result = try await CardPersonalizer(channel: SmartCardChannel(card: card), transportKey: transportKey).personalize(
            holder, secrets: .init(pin: pin, puk: "12345678", can: "123456"), authority: HeldAuthority(service: app.licna.trust.authority(on: app.db)),
            managementKey: plan.managementKey)
        _ = try await cards.recordPersonalization(plan, authenticationSerial: result.authenticationCertificate.serialNumber.hex,
                                                  signatureSerial: result.signatureCertificate?.serialNumber.hex, suspensionCode: CardSecrets.random().suspensionCode,
                                                  attestation: recordChip ? result.authenticationAttestation : nil, context: .test)
        _ = try await cards.deliver(cardNumber: plan.cardNumber, context: .test)
        // Activation, as `licna-card activate` does it: both keys sign the server's nonce, each after the PIN.
        let piv = PIVClient(channel: SmartCardChannel(card: card))
        _ = try piv.select()
        let authentication = try Certificate(derEncoded: try piv.readCertificate(slot: .authentication))
        let signature = try? Certificate(derEncoded: try piv.readCertificate(slot: .signature))
        let nonce = try await cards.nonce(for: CardNonceRequest(authenticationSerial: authentication.serialNumber.hex,
                                                                signatureSerial: signature?.serialNumber.hex), purpose: .activation)
        let origin = try await cards.origin()
        func token(_ slot: PIVSlot, _ certificate: Certificate) throws -> CardSignedToken {
            let signed = try CardPresence.sign(piv, slot: slot, certificate: certificate, pin: pin, origin: origin, nonce: nonce.nonce)
            return CardSignedToken(unverifiedCertificate: Data(try DEREncoding.encode(certificate)).base64EncodedString(),
                                   algorithm: signed.algorithm.rawValue, signature: Data(signed.signature).base64EncodedString(), appVersion: "test")
        }
        let proof = CardPresenceProof(authentication: try token(.authentication, authentication),
                                      signature: try signature.map { try token(.signature, $0) })
        let view = try await cards.present(proof, purpose: .activation, context: .test)
        return ActiveCard(card: card, view: view)
    }

    /// Relays the server's script as `licna-card renew-certificates` does, after verifying the PIN; `tamper` may
    /// replace the card's answer (software between card and server).
    static func renew(_ app: Application, _ card: ActiveCard, verifyPIN: Bool = true,
                      tamper: (CommandAPDU, ResponseAPDU) throws -> ResponseAPDU = { $1 }) async throws -> CardView {
        let cards = app.licna.cards(on: app.db)
        // A new session with the card, as a tool that just opened the reader has: nothing verified yet.
        card.card.reset()
        let channel = card.channel
        let piv = PIVClient(channel: channel)
        _ = try piv.select()
        if verifyPIN { try piv.verify(pin: pin) }
        var step = try await cards.startRenewal(cardNumber: card.view.cardNumber!, context: .test)
        while let hex = step.command {
            let command = try CommandAPDU(bytes: try #require(ASCIIHex.decode(hex)))
            #expect(CardRenewalScript.permits(command))
            let response = try tamper(command, try channel.send(command))
            step = try await cards.continueRenewal(session: step.session, response: response.bytes.hexString, context: .test)
        }
        return try #require(step.card)
    }

    static func status(_ app: Application, _ serial: String?) async throws -> CertificateRecordView {
        try await app.licna.trust.authority(on: app.db).status(serial: try #require(serial))
    }

    static func refused(_ code: ErrorCode, _ body: () async throws -> Void) async throws {
        do {
            try await body()
            Issue.record("expected \(code.rawValue)")
        } catch let error as CardIssuanceError {
            #expect(error.code == code, "\(error)")
            for language in Translations.languages {
                let text = Translations.bundled.text(error.messageKey, language, error.arguments)
                #expect(!text.contains("{") && text != error.messageKey, "\(language): \(text)")
            }
        }
    }

    @Test(arguments: TestEngine.available)
    func aSeventySixYearOldsCardRenewsItsKeysAndCertificates(engine: TestEngine) async throws {
        try await TestInstallation.make(engine).withApp(http: false) { app in
            try await TrustFixtures.initialize(app)
            let card = try await Self.activeCard(app, age: 76)
            let before = card.view
            let cardExpires = try #require(before.cardExpires.flatMap(CivilDate.init(iso8601:)))
            #expect(cardExpires.year - app.licna.configuration.clock.today.year == 50)

            let after = try await Self.renew(app, card)
            #expect(after.state == "activated")
            #expect(after.authenticationSerial != before.authenticationSerial)
            #expect(after.signatureSerial != before.signatureSerial && after.signatureSerial != nil)
            for old in [before.authenticationSerial, before.signatureSerial] {
                let status = try await Self.status(app, old)
                #expect(status.status == "revoked" && status.reason == "superseded")
            }
            for new in [after.authenticationSerial, after.signatureSerial] { #expect(try await Self.status(app, new).status == "good") }

            // The card holds the new certificates, for keys it made: it signs under the new certificate.
            let piv = PIVClient(channel: card.channel)
            _ = try piv.select()
            for (slot, serial) in [(PIVSlot.authentication, after.authenticationSerial), (.signature, after.signatureSerial)] {
                let certificate = try Certificate(derEncoded: try piv.readCertificate(slot: slot))
                #expect(certificate.serialNumber.hex == serial)
                #expect(certificate.notValidAfter <= Date().addingTimeInterval(5 * 366 * 86_400))
                let signed = try CardPresence.sign(piv, slot: slot, certificate: certificate, pin: Self.pin, origin: "https://eid.example.me", nonce: "n")
                #expect(CardTokenSignature.verify(signed.signature, algorithm: signed.algorithm, certificate: certificate,
                                                  origin: "https://eid.example.me", nonce: "n"))
            }
            // Audited, naming the chip whose attestation was accepted.
            let entries = try await AuditEntryModel.query(on: app.db).filter(\.$action == AuditAction.cardRenew.rawValue).all()
            #expect(entries.count == 1 && (entries[0].detail ?? "").contains("attested by chip licna-virtual"))
            // A second renewal works the same way (a 50-year card renews ten times).
            let again = try await Self.renew(app, ActiveCard(card: card.card, view: after))
            #expect(try await Self.status(app, after.authenticationSerial).reason == "superseded")
            #expect(try await Self.status(app, again.authenticationSerial).status == "good")
        }
    }

    @Test func aMinorsCardRenewsOnlyItsAuthenticationKey() async throws {
        try await TestInstallation.make(.sqlite).withApp(http: false) { app in
            try await TrustFixtures.initialize(app)
            let card = try await Self.activeCard(app, age: 12)
            #expect(card.view.signatureSerial == nil)
            let after = try await Self.renew(app, card)
            #expect(after.signatureSerial == nil && after.authenticationSerial != card.view.authenticationSerial)
        }
    }

    /// A key made elsewhere, passed off as the card's: by software between card and server (another genuine
    /// chip's key and attestation), or the card's key with another chip's attestation. Refused, audited, the new
    /// certificates (if any) revoked, the old ones good, and the card unchanged.
    @Test func substitutedKeysAndOtherChipsAttestationsAreRefused() async throws {
        try await TestInstallation.make(.sqlite).withApp(http: false) { app in
            try await TrustFixtures.initialize(app)
            let card = try await Self.activeCard(app)
            // The attacker's own genuine card of the same model (same manufacturer root, another chip serial).
            let other = PIVClient(channel: SmartCardChannel(card: try await Self.blankCard(app)))
            _ = try other.select()
            try other.authenticateManagementKey(SymmetricKey(data: Self.transportKey))
            let attacks: [(String, (CommandAPDU, ResponseAPDU) throws -> ResponseAPDU)] = [
                ("key and attestation of another chip", { command, response in
                    switch command.instruction {
                    case .generateAsymmetricKeyPair, .attest, .getDataBERTLV: try other.channel.send(command)
                    default: response
                    }
                }),
                ("the card's key, another chip's attestation", { command, response in
                    switch command.instruction {
                    case .attest, .getDataBERTLV:
                        _ = try other.channel.send(CommandAPDU(.generateAsymmetricKeyPair, p1: 0, p2: command.p1 == 0 ? 0x9A : command.p1,
                                                               data: [0xAC, 0x03, 0x80, 0x01, 0x11], expectedLength: 256))
                        return try other.channel.send(command)
                    default: return response
                    }
                }),
                ("a key point changed in transit", { command, response in
                    guard command.instruction == .generateAsymmetricKeyPair else { return response }
                    return try other.channel.send(command)
                }),
            ]
            for (name, tamper) in attacks {
                try await Self.refused(.cardRenewalRefused) { _ = try await Self.renew(app, card, tamper: tamper) }
                let view = try await app.licna.cards(on: app.db).find(card.view.id)
                #expect(view.authenticationSerial == card.view.authenticationSerial, "\(name)")
                #expect(try await Self.status(app, card.view.authenticationSerial).status == "good", "\(name)")
            }
            let refusals = try await AuditEntryModel.query(on: app.db).filter(\.$action == AuditAction.cardRenewalRefused.rawValue).count()
            #expect(refusals == attacks.count)
            // Every certificate the attempts issued was revoked, none stays on hold or good.
            let issued = try await app.db.sql.raw("SELECT status, reason FROM pki_certificates WHERE profile IN ('authentication', 'signature')").all()
            let statuses = try issued.map { try $0.decode(column: "status", as: String.self) }
            #expect(statuses.filter { $0 == "good" }.count == 2 && !statuses.contains("hold"))
            // The attacks that reached GENERATE on the card replaced its keys, so its old certificates no longer match
            // them (docs/card.md "Renewal": an interrupted renewal is finished by renewing again): that succeeds.
            _ = try await Self.renew(app, card)
        }
    }

    @Test func anotherCardNoPINAndWrongStatesAreRefused() async throws {
        try await TestInstallation.make(.sqlite).withApp(http: false) { app in
            try await TrustFixtures.initialize(app)
            let card = try await Self.activeCard(app)
            // Another card answering the script (it does not hold this card's management key).
            let impostor = ActiveCard(card: try await Self.activeCard(app).card, view: card.view)
            try await Self.refused(.cardRenewalRefused) { _ = try await Self.renew(app, impostor) }
            // The card without the PIN verified refuses to make keys.
            try await Self.refused(.cardRenewalRefused) { _ = try await Self.renew(app, card, verifyPIN: false) }
            // A card never activated, an unknown card, a card whose chip did not attest.
            let cards = app.licna.cards(on: app.db)
            try await Self.refused(.cardUnknownCard) { _ = try await cards.startRenewal(cardNumber: "ZZ0000000", context: .test) }
            let unattested = try await Self.activeCard(app, recordChip: false)
            try await Self.refused(.cardRenewalUnavailable) { _ = try await cards.startRenewal(cardNumber: unattested.view.cardNumber!, context: .test) }
            _ = try await cards.suspend(cardNumber: card.view.cardNumber!, context: .test)
            try await Self.refused(.cardWrongState) { _ = try await Self.renew(app, card) }
            #expect(try await Self.status(app, card.view.authenticationSerial).status == "hold")
        }
    }

    @Test func sessionsAreSingleUseAndExpireRevokingWhatTheyIssued() async throws {
        let clock = AdjustableWallClock()
        try await TestInstallation.make(.sqlite).withApp(clock: clock, http: false) { app in
            try await TrustFixtures.initialize(app)
            let cards = app.licna.cards(on: app.db)
            let card = try await Self.activeCard(app)
            let channel = card.channel
            let piv = PIVClient(channel: channel)
            _ = try piv.select()
            try piv.verify(pin: Self.pin)
            // Run until the server has issued the new certificates (the first certificate write).
            var step = try await cards.startRenewal(cardNumber: card.view.cardNumber!, context: .test)
            var lastAnswer = ""
            while let hex = step.command, step.issuer == nil {
                lastAnswer = try channel.send(try CommandAPDU(bytes: ASCIIHex.decode(hex)!)).bytes.hexString
                step = try await cards.continueRenewal(session: step.session, response: lastAnswer, context: .test)
            }
            let held = try await app.db.sql.raw("SELECT serial FROM pki_certificates WHERE status = 'hold'").all()
                .map { try $0.decode(column: "serial", as: String.self) }
            #expect(held.count == 2)
            // A step replayed is refused: the session moved on.
            clock.advance(301)
            try await Self.refused(.cardRenewalSession) { _ = try await cards.continueRenewal(session: step.session, response: "9000", context: .test) }
            for serial in held {
                let status = try await Self.status(app, serial)
                #expect(status.status == "revoked" && status.reason == "cessationOfOperation")
            }
            #expect(try await Self.status(app, card.view.authenticationSerial).status == "good")
            try await Self.refused(.cardRenewalSession) { _ = try await cards.continueRenewal(session: String(repeating: "a", count: 64), response: "9000", context: .test) }
            _ = lastAnswer
        }
    }

    /// Hostile answers at every step: random bytes, cut answers, huge ones, non-hex, non-ASCII digits. Each is a
    /// clean refusal; the old certificates stay good.
    @Test func hostileAnswersAreRefusedCleanly() async throws {
        try await TestInstallation.make(.sqlite).withApp(http: false) { app in
            try await TrustFixtures.initialize(app)
            let cards = app.licna.cards(on: app.db)
            let card = try await Self.activeCard(app)
            var generator = SystemRandomNumberGenerator()
            let hostile: [String] = ["", "9", "90", "900", "zz00", "٩٠٠٠", "９０００", String(repeating: "00", count: 80_000) + "9000",
                                     "6982", "6a80", "7c02800090 00"]
                + (0..<30).map { _ in (0..<Int.random(in: 1...300, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }.hexString + "9000" }
            let piv = PIVClient(channel: card.channel)
            for (index, answer) in hostile.enumerated() {
                _ = try piv.select()
                try piv.verify(pin: Self.pin)
                var step = try await cards.startRenewal(cardNumber: card.view.cardNumber!, context: .test)
                // Reach a later step for some answers, so that each stage meets garbage.
                for _ in 0..<(index % 6) {
                    guard let hex = step.command else { break }
                    step = try await cards.continueRenewal(session: step.session, response: try card.channel.send(try CommandAPDU(bytes: ASCIIHex.decode(hex)!)).bytes.hexString, context: .test)
                }
                do {
                    _ = try await cards.continueRenewal(session: step.session, response: answer, context: .test)
                } catch let error as CardIssuanceError {
                    #expect([ErrorCode.cardRenewalRefused, .cardRenewalSession].contains(error.code))
                }
            }
            #expect(try await Self.status(app, card.view.authenticationSerial).status == "good")
        }
    }
}
