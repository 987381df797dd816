import Foundation
import LicnaAPI
import LicnaBasics
import LicnaCard
import LicnaCardClient
import LicnaCardCommands
import LicnaCore
import LicnaPKI
import LicnaServer
import Vapor

/// `licna serve --demo`'s cards: virtual cards for six demo citizens in the states a newcomer should see — awaiting
/// activation (also a minor's, without a signature key), activated (also a 76-year-old's 50-year card), PIN and PUK
/// blocked (reported), and suspended — so that OCSP, the statistics and `licna-card` work at once. Each card's
/// image and envelope (PDF, with its PIN, PUK and suspension code) go to `folder`; nothing is made when the
/// installation already has card applications.
enum DemoCards {
    enum Fate { case awaitingActivation, activated, blocked, suspended }

    static let plan: [(name: String, language: String, fate: Fate)] = [
        ("Milica Vuković", "cnr", .awaitingActivation),
        ("Marko Petrović", "sr", .activated),
        ("Jovana Đukanović", "cnr", .blocked),
        ("Arben Gjoka", "sq", .suspended),
        ("Luka Bošković", "cnr", .awaitingActivation),
        ("Vesna Radulović", "en", .activated),
    ]

    /// Makes the demo cards if there are none; returns the card files made.
    static func ensure(_ app: Application, folder: String) async throws -> [String] {
        let cards = app.licna.cards(on: app.db)
        guard try await cards.list(limit: 1).isEmpty else { return [] }
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let numbers = try await DemoCitizens.identificationNumbers(app)
        let context = AuditContext(actor: "demo", purpose: .demoData)
        // Blank cards as the installation's (development) manufacturer makes them: their chips attest their keys, so
        // the demo cards can renew on line.
        let manufacturer = try await app.licna.trust.authority(on: app.db).developmentCardManufacturer()
        var made: [String] = []
        for (name, language, fate) in plan {
            guard let number = numbers[name] else { continue }
            let file = folder + "/" + name.replacingOccurrences(of: "Đ", with: "Dj").replacingOccurrences(of: "đ", with: "dj").folding(options: .diacriticInsensitive, locale: nil).lowercased().replacingOccurrences(of: " ", with: "-")
            for suffix in ["", ".lock", ".transport-key", ".envelope.pdf"] { try? FileManager.default.removeItem(atPath: file + suffix) }
            let application = try await cards.apply(identificationNumber: number, photo: nil, language: language, contractAccepted: true, context: context)
            _ = try await cards.approve(id: application.id, context: context)
            let attestation = try manufacturer.makeAttestationKey(now: app.licna.configuration.clock.now)
            let attestationCertificate = try DEREncoding.encode(attestation.certificate)
            let created = try VirtualCard.create(at: file) { $0.installAttestation(attestation.key, certificate: attestationCertificate) }
            let channel = SmartCardChannel(card: created.card)
            let outcome = try await CardStation.personalize(app, applicationID: application.id, channel: channel, transportKey: created.transportKey)
            guard FileManager.default.createFile(atPath: file + ".envelope.pdf", contents: outcome.envelope, attributes: [.posixPermissions: 0o600]) else {
                throw CocoaError(.fileWriteUnknown)
            }
            let cardNumber = outcome.view.cardNumber ?? ""
            _ = try await cards.deliver(cardNumber: cardNumber, context: context)
            switch fate {
            case .awaitingActivation:
                break
            case .activated, .suspended:
                // As `licna-card activate` does it, keeping the envelope's PIN as the holder's own.
                let card = try CardOnHand(channel: channel)
                let nonce = try await cards.nonce(for: card.nonceRequest, purpose: .activation)
                _ = try await cards.present(try card.proof(pin: outcome.secrets.pin, origin: try await cards.origin(), nonce: nonce.nonce),
                                            purpose: .activation, context: context)
                if fate == .suspended {
                    _ = try await cards.suspend(cardNumber: cardNumber, code: outcome.secrets.suspensionCode.description, context: context)
                }
            case .blocked:
                // Five wrong PINs, five wrong PUKs: blocked for good, and reported as the citizen's tool reports it.
                let card = try CardOnHand(channel: channel)
                for _ in 0..<5 { _ = try? card.piv.verify(pin: outcome.secrets.pin == "000000" ? "111111" : "000000") }
                for _ in 0..<5 { _ = try? card.piv.unblockPIN(puk: outcome.secrets.puk == "00000000" ? "11111111" : "00000000", newPIN: "123456") }
                try await cards.reportBlocked(card.blockedReport, context: context)
            }
            made.append(file)
        }
        return made
    }
}
