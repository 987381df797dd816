import Foundation
import LicnaAPI
import LicnaBasics
import LicnaCard
import LicnaCardClient
import LicnaCore
import LicnaPKI
import LicnaServer
import Vapor
import X509

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
        var made: [String] = []
        for (name, language, fate) in plan {
            guard let number = numbers[name] else { continue }
            let file = folder + "/" + name.replacingOccurrences(of: "Đ", with: "Dj").replacingOccurrences(of: "đ", with: "dj").folding(options: .diacriticInsensitive, locale: nil).lowercased().replacingOccurrences(of: " ", with: "-")
            for suffix in ["", ".lock", ".transport-key", ".envelope.pdf"] { try? FileManager.default.removeItem(atPath: file + suffix) }
            let application = try await cards.apply(identificationNumber: number, photo: nil, language: language, contractAccepted: true, context: context)
            _ = try await cards.approve(id: application.id, context: context)
            let created = try VirtualCard.create(at: file) { _ in }
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
                let piv = PIVClient(channel: channel)
                _ = try piv.select()
                let authentication = try Certificate(derEncoded: try piv.readCertificate(slot: .authentication))
                let signature = try? Certificate(derEncoded: try piv.readCertificate(slot: .signature))
                let nonce = try await cards.nonce(for: CardNonceRequest(authenticationSerial: authentication.serialNumber.hex,
                                                                        signatureSerial: signature?.serialNumber.hex), purpose: .activation)
                let origin = try await cards.origin()
                func token(_ slot: PIVSlot, _ certificate: Certificate) throws -> CardSignedToken {
                    let signed = try CardPresence.sign(piv, slot: slot, certificate: certificate, pin: outcome.secrets.pin, origin: origin, nonce: nonce.nonce)
                    return CardSignedToken(unverifiedCertificate: Data(try DEREncoding.encode(certificate)).base64EncodedString(),
                                           algorithm: signed.algorithm.rawValue, signature: Data(signed.signature).base64EncodedString(), appVersion: "demo")
                }
                let proof = CardPresenceProof(authentication: try token(.authentication, authentication),
                                              signature: try signature.map { try token(.signature, $0) })
                _ = try await cards.present(proof, purpose: .activation, context: context)
                if fate == .suspended {
                    _ = try await cards.suspend(cardNumber: cardNumber, code: outcome.secrets.suspensionCode.description, context: context)
                }
            case .blocked:
                // Five wrong PINs, five wrong PUKs: blocked for good, and reported as the citizen's tool reports it.
                let piv = PIVClient(channel: channel)
                _ = try piv.select()
                for _ in 0..<5 { _ = try? piv.verify(pin: outcome.secrets.pin == "000000" ? "111111" : "000000") }
                for _ in 0..<5 { _ = try? piv.unblockPIN(puk: outcome.secrets.puk == "00000000" ? "11111111" : "00000000", newPIN: "123456") }
                let authentication = try piv.readCertificate(slot: .authentication)
                try await cards.reportBlocked(CardBlockedReport(authenticationCertificate: Data(authentication).base64EncodedString()), context: context)
            }
            made.append(file)
        }
        return made
    }
}
