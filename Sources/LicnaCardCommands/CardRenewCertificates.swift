import ArgumentParser
import Foundation
import LicnaAPI
import LicnaBasics
import LicnaCard
import LicnaCardClient
import LicnaCommandLine
import LicnaPKI
import X509
import Crypto

/// `licna-card renew-certificates`: new keys and certificates on an activated card, on line (docs/card.md "Renewal").
/// The tool verifies the citizen's PIN on the card itself, then relays the commands the server's fixed script
/// produces — management-key authentication, key generation and attestation in 9A and 9C, writing the new
/// certificates — and nothing else (`CardRenewalScript.permits`). Before writing a certificate it checks that the
/// certificate chains to the server's trusted root and certifies the key the card just made in that slot. The server
/// checks the card's attestations, issues the certificates and revokes the old ones (superseded).
///
/// Runs only over https or with the root pinned (`--root-sha256`). Without a terminal the PIN is read from standard
/// input.
public struct CardRenewCertificates: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "renew-certificates",
        abstract: "Make new keys on your card and get new certificates for them (asks for your PIN).")
    @OptionGroup var cardSelection: CardSelection
    @OptionGroup var issuingServer: IssuingServer
    @Flag(help: "Print the renewed card as JSON.") var json = false

    public init() {}

    /// The most commands one renewal sends (its script has at most 9); a server asking for more is refused.
    static let maximumSteps = 16

    public func run() async throws {
        let (client, root) = try await issuingServer.trustedClient()
        let channel = try cardSelection.channel()
        let card = try CardOnHand(channel: channel)
        guard let cardNumber = card.cardNumber else { throw explained(Exit.failed, "cli.renew.no-card-number") }
        Terminal.say("cli.renew.card", ["card": cardNumber])
        let pin = Terminal.readSecret(Terminal.text("cli.resume.pin-prompt"))
        guard !pin.isEmpty || Terminal.standardInputIsTerminal else { throw explained(Exit.usage, "cli.activate.no-input") }
        do { try card.piv.verify(pin: pin) } catch let error as PIVError { throw explainedPINError(error) }

        var step: CardRenewalStep = try await client.post("api/cards/renewals", CardRenewalStart(cardNumber: cardNumber))
        var relay = CardRenewalRelay(root: root)
        var steps = 0
        var lastProgress = ""
        while let hex = step.command {
            steps += 1
            guard steps <= Self.maximumSteps else { throw explained(Exit.failed, "cli.renew.refused-command", ["detail": "more commands than a renewal has"]) }
            let command = try relay.check(hex, issuer: step.issuer)
            let progress = relay.progressKey(command)
            if progress != lastProgress { Terminal.say(progress) }
            lastProgress = progress
            let response = try channel.send(command)
            relay.record(command, response: response)
            // The session names a path on the server: 64 hex digits, nothing a server could smuggle a path into.
            guard step.session.utf8.count == 64, ASCIIHex.decode(step.session) != nil else {
                throw explained(Exit.failed, "cli.renew.refused-command", ["detail": "the server's session is not 64 hex digits"])
            }
            step = try await client.post("api/cards/renewals/\(step.session)", CardRenewalAnswer(response: response.bytes.hexString))
        }
        guard let view = step.card else { throw explained(Exit.failed, "cli.renew.refused-command", ["detail": "the server ended without the card"]) }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
            encoder.dateEncodingStrategy = .iso8601
            Terminal.print(String(decoding: try encoder.encode(view), as: UTF8.self))
        } else {
            Terminal.say("cli.renew.done", ["card": view.cardNumber ?? cardNumber,
                                            "serials": [view.authenticationSerial, view.signatureSerial].compactMap { $0 }.joined(separator: ", ")])
        }
    }
}

/// What the citizen's tool checks of a renewal it relays: only the script's commands, and only certificates that
/// chain to the trusted root and certify the key the card generated in that slot during this renewal.
struct CardRenewalRelay {
    let root: Certificate
    /// The public points the card answered to GENERATE, by slot.
    private(set) var generated: [UInt8: [UInt8]] = [:]

    init(root: Certificate) {
        self.root = root
    }

    func check(_ hex: String, issuer: String?) throws -> CommandAPDU {
        guard hex.utf8.count <= 2 * 70_000, let bytes = ASCIIHex.decode(hex), let command = try? CommandAPDU(bytes: bytes) else {
            throw explained(Exit.failed, "cli.renew.refused-command", ["detail": "the server sent a command that is not an APDU"])
        }
        guard CardRenewalScript.permits(command) else {
            throw explained(Exit.failed, "cli.renew.refused-command", ["detail": "instruction \(String(command.ins, radix: 16, uppercase: true)) is not part of a renewal"])
        }
        if let (slot, der) = CardRenewalScript.writtenCertificate(command) {
            try checkCertificate(der, slot: slot, issuer: issuer)
        }
        return command
    }

    private func checkCertificate(_ der: [UInt8], slot: PIVSlot, issuer: String?) throws {
        func refuse(_ detail: String) -> any Error { explained(Exit.failed, "cli.renew.refused-certificate", ["detail": detail]) }
        guard let certificate = try? Certificate(derEncoded: der) else { throw refuse("it does not parse") }
        guard let point = generated[slot.keyReference],
              let key = (try? P256.Signing.PublicKey(x963Representation: point)).map(Certificate.PublicKey.init)
                ?? (try? P384.Signing.PublicKey(x963Representation: point)).map(Certificate.PublicKey.init),
              certificate.publicKey == key else {
            throw refuse("it is not for the key the card made in \(slot)")
        }
        guard let issuer, let intermediate = try? Certificate(pemEncoded: issuer),
              intermediate.publicKey.isValidSignature(certificate.signature, for: certificate),
              root.publicKey.isValidSignature(intermediate.signature, for: intermediate),
              intermediate.issuer == root.subject, certificate.issuer == intermediate.subject else {
            throw refuse("it does not chain to the server's trusted root")
        }
    }

    mutating func record(_ command: CommandAPDU, response: ResponseAPDU) {
        guard command.instruction == .generateAsymmetricKeyPair, response.status.isSuccess,
              let template = try? BERTLV.first(0x7F49, in: response.data), let point = try? BERTLV.first(0x86, in: template.value) else { return }
        generated[command.p2] = point.value
    }

    func progressKey(_ command: CommandAPDU) -> String {
        switch command.instruction {
        case .generalAuthenticate: "cli.renew.progress-authenticate"
        case .generateAsymmetricKeyPair: "cli.renew.progress-generate"
        case .attest, .getDataBERTLV: "cli.renew.progress-attest"
        default: "cli.renew.progress-write"
        }
    }
}
