import ArgumentParser
import Foundation
import LicnaAPI
import LicnaBasics
import LicnaCard
import LicnaCardClient
import LicnaCommandLine
import LicnaCore
import LicnaPKI
import X509

/// `licna-card activate` (also `licna card activate`): the citizen activates a delivered card on any OS — no
/// Windows, no government software. Reads the card's certificates, fetches an activation nonce bound to their
/// serials, asks for the envelope's PIN (tries left after a wrong one; the PUK once the PIN is blocked), sets the
/// citizen's own PIN, and sends a token signed with 9A and a second signature with 9C (each after its own PIN
/// verification) over `H(origin) ‖ H(nonce)`. The server then releases the certificates' holds.
///
/// Without a terminal, standard input gives one per line: envelope PIN, new PIN, new PIN again, and, when asked,
/// the PUK. The server must be https, or its root pinned (`--root-sha256`, as for `verify`).
public struct CardActivate: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "activate",
        abstract: "Activate a delivered card with the PIN from the envelope and choose your own PIN (Linux, macOS; --card anywhere).")
    @OptionGroup var cardSelection: CardSelection
    @OptionGroup var issuingServer: IssuingServer

    public init() {}

    public func run() async throws {
        let client = try await issuingServer.trustedClient().client
        let card = try CardOnHand(channel: try cardSelection.channel())
        Terminal.say("cli.activate.card", ["card": card.cardNumber ?? "?"])
        let nonce: CardNonce = try await client.post("api/cards/activation-nonces", card.nonceRequest)
        let newPIN: String
        do { newPIN = try setOwnPIN(card.piv) } catch is PUKExhausted {
            // The card can never be unblocked: tell the ministry (an unverified statistic), and the citizen what to do.
            _ = try? await client.send("api/cards/blocked-reports", card.blockedReport)
            throw explained(Exit.no, "cli.activate.blocked-for-good")
        }
        let proof = try card.proof(pin: newPIN, origin: client.origin, nonce: nonce.nonce)
        let view: CardView = try await client.post("api/cards/activations", proof)
        Terminal.say("cli.activate.done", ["card": view.cardNumber ?? card.cardNumber ?? ""])
    }

    /// Verifies the envelope's PIN (or, once it is blocked, the PUK) and sets the citizen's own; returns it.
    private struct PUKExhausted: Error {}

    private func setOwnPIN(_ piv: PIVClient) throws -> String {
        var blocked = (try? piv.pinTriesLeft()) == 0
        var envelopePIN = ""
        while !blocked {
            envelopePIN = Terminal.readSecret(Terminal.text("cli.activate.envelope-pin-prompt"))
            guard !envelopePIN.isEmpty || Terminal.standardInputIsTerminal else { throw explained(Exit.usage, "cli.activate.no-input") }
            do {
                try piv.verify(pin: envelopePIN)
                break
            } catch let error as PIVError where error.triesLeft != nil {
                let left = error.triesLeft ?? 0
                if left == 0 { blocked = true } else { Terminal.say("cli.activate.wrong-pin", ["left": String(left)]) }
            } catch let error as PIVError {
                throw explainedPINError(error)
            }
        }
        if blocked { Terminal.say("cli.activate.pin-blocked") }
        let newPIN = try readNewPIN()
        if !blocked {
            do { try piv.changePIN(old: envelopePIN, new: newPIN) } catch let error as PIVError { throw explainedPINError(error) }
            return newPIN
        }
        while true {
            let puk = Terminal.readSecret(Terminal.text("cli.pin.puk-prompt"))
            guard !puk.isEmpty || Terminal.standardInputIsTerminal else { throw explained(Exit.usage, "cli.activate.no-input") }
            do {
                try piv.unblockPIN(puk: puk, newPIN: newPIN)
                return newPIN
            } catch let error as PIVError where error.triesLeft != nil {
                let left = error.triesLeft ?? 0
                guard left == 0 else {
                    Terminal.say("cli.pin.wrong-puk", ["left": String(left)])
                    continue
                }
                throw PUKExhausted()
            } catch let error as PIVError {
                throw explainedPINError(error, secret: "PUK")
            }
        }
    }
}

/// `licna-card resume`: the holder lifts the suspension of a card they found, with the card and its PIN (the
/// same proof as activation, under its own nonce purpose).
public struct CardResume: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "resume",
        abstract: "Lift the suspension of your card (you found it) with the card and your PIN.")
    @OptionGroup var cardSelection: CardSelection
    @OptionGroup var issuingServer: IssuingServer

    public init() {}

    public func run() async throws {
        let client = try await issuingServer.trustedClient().client
        let card = try CardOnHand(channel: try cardSelection.channel())
        let nonce: CardNonce = try await client.post("api/cards/resumption-nonces", card.nonceRequest)
        let pin = Terminal.readSecret(Terminal.text("cli.resume.pin-prompt"))
        let proof: CardPresenceProof
        do { proof = try card.proof(pin: pin, origin: client.origin, nonce: nonce.nonce) } catch let error as PIVError { throw explainedPINError(error) }
        let view: CardView = try await client.post("api/cards/resumptions", proof)
        Terminal.say("cli.resume.done", ["card": view.cardNumber ?? ""])
    }
}

/// `licna-card suspend`: suspends a lost card with the code from its envelope, from anywhere, at any hour. The code
/// is read without echo (or from standard input), never from an argument.
public struct CardSuspend: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "suspend",
        abstract: "Suspend a lost or stolen card with the suspension code from its envelope (asks for the code).")
    @Option(help: "The card number (on the envelope and the card).") var cardNumber: String
    @OptionGroup var issuingServer: IssuingServer

    public init() {}

    public func run() async throws {
        let client = try await issuingServer.trustedClient().client
        let code = Terminal.readSecret(Terminal.text("cli.suspend.code-prompt"))
        // Checked here as the server reads it (Crockford's alphabet, any case, dashes and spaces ignored), so a typo is
        // said at once and costs no try against the card's throttle.
        guard let parsed = SuspensionCode(code) else { throw explained(Exit.usage, "cli.suspend.code-format") }
        let view: CardView = try await client.post("api/cards/suspensions", CardSuspensionRequest(cardNumber: cardNumber, code: parsed.description))
        Terminal.say("cli.suspend.done", ["card": view.cardNumber ?? cardNumber])
    }
}

/// The server that issued the card (`--server`, `--root-sha256`), for the citizen's commands that talk to it.
struct IssuingServer: ParsableArguments {
    @Option(help: "The Licna server that issued the card (https, or http with --root-sha256).") var server: String
    @Option(help: "SHA-256 of the server's root certificate, as `licna ca init` printed it (for an http server).") var rootSHA256: String?

    /// The server, trusted as `verify` trusts one: https, or its root's pinned fingerprint checked; and that root.
    func trustedClient() async throws -> (client: LicnaServerClient, root: Certificate) {
        let client = try LicnaServerClient(server: server)
        return (client, try await ServerTrustAnchor(option: rootSHA256).root(of: server))
    }
}

/// The card in the reader: its PIV application, its certificates and number.
public struct CardOnHand {
    public let piv: PIVClient
    public let authentication: Certificate
    public let signature: Certificate?
    public let cardNumber: String?

    public init(channel: any CardChannel) throws {
        piv = PIVClient(channel: channel)
        do {
            _ = try piv.select()
            authentication = try Certificate(derEncoded: try piv.readCertificate(slot: .authentication))
            signature = try? Certificate(derEncoded: try piv.readCertificate(slot: .signature))
        } catch {
            throw explained(Exit.failed, "cli.activate.not-personalized", ["detail": "\(error)"])
        }
        cardNumber = try? CardReport.read(channel: channel, can: nil, csca: [], at: SystemWallClock().now).identity["cardNumber"]
        _ = try? piv.select()
    }

    public var nonceRequest: CardNonceRequest {
        CardNonceRequest(authenticationSerial: authentication.serialNumber.hex, signatureSerial: signature?.serialNumber.hex)
    }

    public var blockedReport: CardBlockedReport {
        CardBlockedReport(authenticationCertificate: Data((try? DEREncoding.encode(authentication)) ?? []).base64EncodedString())
    }

    /// Both keys' tokens over the same nonce, each after its own PIN verification.
    public func proof(pin: String, origin: String, nonce: String) throws -> CardPresenceProof {
        CardPresenceProof(authentication: try token(.authentication, authentication, pin: pin, origin: origin, nonce: nonce),
                          signature: try signature.map { try token(.signature, $0, pin: pin, origin: origin, nonce: nonce) })
    }

    /// The Web eID token of the key in `slot` (whose certificate is `certificate`) for `origin` and `nonce`, after
    /// verifying `pin`.
    public func token(_ slot: PIVSlot, _ certificate: Certificate, pin: String, origin: String, nonce: String) throws -> CardSignedToken {
        let signed = try CardPresence.sign(piv, slot: slot, certificate: certificate, pin: pin, origin: origin, nonce: nonce)
        return CardSignedToken(unverifiedCertificate: Data(try DEREncoding.encode(certificate)).base64EncodedString(),
                               algorithm: signed.algorithm.rawValue, signature: Data(signed.signature).base64EncodedString(),
                               appVersion: "licna-card/1")
    }
}
