import Foundation
import LicnaAPI
import LicnaBasics
import LicnaCard
import LicnaCardClient
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
                signatureSerial: result.signatureCertificate?.serialNumber.hex, suspensionCode: secrets.suspensionCode, context: context)
            return Outcome(view: view, secrets: secrets, envelope: pdf)
        } catch {
            await cards.abandonPersonalization(certificateSerials: authority.issued.all, context: context)
            throw error
        }
    }

    /// The card's holder from the plan: names as registered, the dates the card policy gave the holder's age.
    static func holder(_ plan: CardPersonalizationPlan) throws -> CardHolder {
        var portrait = LDSFile.testPortrait
        if let photo = plan.photo {
            let image = try JPEGImage(bytes: photo)
            portrait = (photo, image.pixelWidth, image.pixelHeight)
        }
        let birth = plan.birthDate
        return CardHolder(surname: plan.surname, givenNames: plan.givenNames, identificationNumber: plan.identificationNumber,
                          jmbg: plan.jmbg, birthDate: String(format: "%02d%02d%02d", birth.year % 100, birth.month, birth.day),
                          sex: plan.sex, country: plan.country, icaoState: icaoState(plan.country), cardNumber: plan.cardNumber,
                          cardExpiry: plan.validity.cardExpires.startInUTC,
                          travelDocumentExpiry: plan.validity.travelDocumentExpires.startInUTC,
                          certificatesNotAfter: plan.validity.certificatesNotAfter,
                          signatureCertificate: plan.validity.signatureCertificate, issuingAuthority: "MUP \(plan.country)", portrait: portrait)
    }

    /// ICAO 9303-3 codes of the region's states.
    static func icaoState(_ country: String) -> String {
        ["ME": "MNE", "AL": "ALB", "MK": "MKD", "RS": "SRB", "XK": "RKS", "BA": "BIH", "HR": "HRV", "SI": "SVN"][country] ?? "MNE"
    }
}
