import Foundation
import LicnaAPI
import LicnaBasics
import LicnaCard
import LicnaCardClient
import LicnaCardCommands
import LicnaCore
import LicnaDocuments
import LicnaServer
import Vapor

/// The personalization station: personalizes the card of an approved application through a `CardChannel` and
/// renders its envelope, for `licna cards personalize` and the demo's cards. Certificates issued for a card whose
/// personalization then fails are revoked.
enum CardStation {
    struct Outcome: Sendable {
        var view: CardView
        var secrets: CardSecrets
        /// The PIN envelope (PDF), rendered once; never stored by the installation.
        var envelope: Data
    }

    static func personalize(_ app: Application, applicationID: String, channel: any CardChannel, transportKey: [UInt8],
                            progress: @escaping @Sendable (CardPersonalizer.Step) -> Void = { _ in }) async throws -> Outcome {
        let cards = app.licna.cards(on: app.db)
        let context = AuditContext(actor: commandLineActor, purpose: .cardPersonalization)
        let plan = try await cards.personalizationPlan(applicationID: applicationID, context: context)
        let holder = try holder(plan)
        let secrets = CardSecrets.random()
        let authority = InstallationCardAuthority(service: app.licna.trust.authority(on: app.db), onHold: true)
        let personalizer = CardPersonalizer(channel: channel, transportKey: transportKey)
        do {
            let result = try await personalizer.personalize(
                holder, secrets: .init(pin: secrets.pin, puk: secrets.puk, can: secrets.can), authority: authority,
                managementKey: plan.managementKey, progress: progress)
            let pdf = try CardEnvelope(holderName: holder.commonName, cardNumber: plan.cardNumber, secrets: secrets,
                                       language: plan.language, publicURL: try await cards.publicAddress()).render()
            let view = try await cards.recordPersonalization(
                plan, authenticationSerial: result.authenticationCertificate.serialNumber.hex,
                signatureSerial: result.signatureCertificate?.serialNumber.hex, suspensionCode: secrets.suspensionCode,
                attestation: result.authenticationAttestation, context: context)
            return Outcome(view: view, secrets: secrets, envelope: pdf)
        } catch {
            await cards.abandonPersonalization(certificateSerials: authority.issued.all, context: context)
            throw error
        }
    }

    /// Personalizes through a server's officer API (`--server`): the plan, the certificates (on hold) and EF.SOD come
    /// from the server, the card is written here, the envelope rendered here; the server records the card and keeps
    /// the suspension code's keyed hash. Certificates of a run that fails are revoked through the API.
    static func personalize(server: LicnaServerClient, token: String, applicationID: String, channel: any CardChannel, transportKey: [UInt8],
                            progress: @escaping @Sendable (CardPersonalizer.Step) -> Void = { _ in }) async throws -> Outcome {
        let body: CardPersonalizationPlanBody = try await server.post("api/cards/applications/\(applicationID)/personalization-plan", NoBody())
        guard let birth = CivilDate(iso8601: body.birthDate), let cardExpires = CivilDate(iso8601: body.cardExpires),
              let travelExpires = CivilDate(iso8601: body.travelDocumentExpires), let key = ASCIIHex.decode(body.managementKey), key.count == 32,
              let sex = body.sex.first, body.sex.count == 1 else {
            throw APIFailure(url: server.base.absoluteString, status: 200, code: .apiUnexpectedAnswer, message: "the personalization plan is malformed")
        }
        let photo = try body.photo.map { text -> [UInt8] in
            guard let data = Data(base64Encoded: text) else {
                throw APIFailure(url: server.base.absoluteString, status: 200, code: .apiUnexpectedAnswer, message: "the photo is not base64")
            }
            return Array(data)
        }
        let holder = try holder(surname: body.surname, givenNames: body.givenNames, identificationNumber: body.identificationNumber,
                                jmbg: body.jmbg, birth: birth, sex: sex, country: body.country, cardNumber: body.cardNumber,
                                cardExpires: cardExpires, travelDocumentExpires: travelExpires, certificatesNotAfter: body.certificatesNotAfter,
                                signatureCertificate: body.signatureCertificate, photo: photo)
        let secrets = CardSecrets.random()
        let authority = ServerCardAuthority(server: server.base, token: token, onHold: true)
        do {
            let result = try await CardPersonalizer(channel: channel, transportKey: transportKey).personalize(
                holder, secrets: .init(pin: secrets.pin, puk: secrets.puk, can: secrets.can), authority: authority,
                managementKey: key, progress: progress)
            let pdf = try CardEnvelope(holderName: holder.commonName, cardNumber: body.cardNumber, secrets: secrets, language: body.language,
                                       publicURL: body.publicURL).render()
            let record = CardPersonalizationRecord(cardNumber: body.cardNumber, authenticationSerial: result.authenticationCertificate.serialNumber.hex,
                                                   signatureSerial: result.signatureCertificate?.serialNumber.hex,
                                                   suspensionCode: secrets.suspensionCode.description, managementKeyVersion: body.managementKeyVersion,
                                                   attestation: try result.authenticationAttestation?.pemEncoded())
            let view: CardView = try await server.post("api/cards/applications/\(applicationID)/personalization", record)
            return Outcome(view: view, secrets: secrets, envelope: pdf)
        } catch {
            for serial in authority.issued.all {
                _ = try? await server.send("api/pki/certificates/\(serial)/revoke", RevocationRequest(reason: "cessationOfOperation"))
            }
            throw error
        }
    }

    /// The card's holder from the plan: names as registered, the dates the card policy gave the holder's age.
    static func holder(_ plan: CardPersonalizationPlan) throws -> CardHolder {
        try holder(surname: plan.surname, givenNames: plan.givenNames, identificationNumber: plan.identificationNumber, jmbg: plan.jmbg,
                   birth: plan.birthDate, sex: plan.sex, country: plan.country, cardNumber: plan.cardNumber,
                   cardExpires: plan.validity.cardExpires, travelDocumentExpires: plan.validity.travelDocumentExpires,
                   certificatesNotAfter: plan.validity.certificatesNotAfter, signatureCertificate: plan.validity.signatureCertificate,
                   photo: plan.photo)
    }

    static func holder(surname: String, givenNames: String, identificationNumber: String, jmbg: String, birth: CivilDate, sex: Character,
                       country: String, cardNumber: String, cardExpires: CivilDate, travelDocumentExpires: CivilDate, certificatesNotAfter: Date,
                       signatureCertificate: Bool, photo: [UInt8]?) throws -> CardHolder {
        var portrait = LDSFile.testPortrait
        if let photo {
            let image = try JPEGImage(bytes: photo)
            portrait = (photo, image.pixelWidth, image.pixelHeight)
        }
        return CardHolder(surname: surname, givenNames: givenNames, identificationNumber: identificationNumber, jmbg: jmbg,
                          birthDate: String(format: "%02d%02d%02d", birth.year % 100, birth.month, birth.day), sex: sex, country: country,
                          icaoState: icaoState(country), cardNumber: cardNumber, cardExpiry: cardExpires.startInUTC,
                          travelDocumentExpiry: travelDocumentExpires.startInUTC, certificatesNotAfter: certificatesNotAfter,
                          signatureCertificate: signatureCertificate, issuingAuthority: "MUP \(country)", portrait: portrait)
    }

    /// ICAO 9303-3 codes of the region's states.
    static func icaoState(_ country: String) -> String {
        ["ME": "MNE", "AL": "ALB", "MK": "MKD", "RS": "SRB", "XK": "RKS", "BA": "BIH", "HR": "HRV", "SI": "SVN"][country] ?? "MNE"
    }
}
