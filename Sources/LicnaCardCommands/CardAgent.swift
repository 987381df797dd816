import ArgumentParser
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import LicnaAPI
import LicnaBasics
import LicnaCard
import LicnaCardClient
import LicnaCommandLine
import LicnaPKI

/// `licna-card agent`: the helper a citizen runs so that a portal's sign-in page can have the eID card sign
/// (issue 13, item 3; docs/signon.md, "The card agent"). It listens on 127.0.0.1 on a fixed port (24727), answers only
/// the portal origins it was started for (`CardAgentPolicy`), asks for the PIN in its own terminal showing the
/// origin that asks — never through the web page — and forgets it after each signature.
public struct CardAgent: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "agent",
        abstract: "Let the sign-in pages of the given portals sign you in with your eID card (asks for your PIN here, each time).")
    @OptionGroup var cardSelection: CardSelection
    @Option(name: .customLong("origin"), help: "A portal allowed to ask for a sign-in, as https://portal.example (repeat for several).")
    var origins: [String] = []
    @Option(help: "The loopback port to listen on (the portals' pages expect 24727).") var port: Int = 24_727
    @Flag(help: "Read each PIN as a line of standard input instead of asking in the terminal (for automated tests).") var pinStdin = false

    public init() {}

    public func validate() throws {
        guard !origins.isEmpty else { throw explained(Exit.usage, "cli.agent.no-origin") }
        for origin in origins {
            guard let serialized = WebOrigin.serialization(of: origin), serialized.hasPrefix("https://") || serialized.hasPrefix("http://") else {
                throw explained(Exit.usage, "cli.agent.bad-origin", ["origin": String(origin.prefix(200))])
            }
        }
        guard (1...65_535).contains(port) else { throw explained(Exit.usage, "cli.agent.bad-port", ["port": String(port)]) }
        guard pinStdin || Terminal.standardInputIsTerminal else { throw explained(Exit.usage, "cli.agent.no-terminal") }
    }

    public func run() throws {
        signal(SIGPIPE, SIG_IGN)
        let policy = CardAgentPolicy(origins: origins, port: port)
        let server: LoopbackHTTPServer
        do { server = try LoopbackHTTPServer(port: port) } catch {
            throw explained(Exit.failed, "cli.agent.listen-failed", ["detail": "\(error)"])
        }
        Terminal.say("cli.agent.listening", ["url": "http://127.0.0.1:\(port)", "origins": policy.origins.sorted().joined(separator: ", ")])
        let selection = cardSelection
        let pinStdin = self.pinStdin
        server.serve { parse in
            switch parse {
            case .complete(let request):
                return policy.respond(to: request) { origin, nonce in Self.sign(selection, origin: origin, nonce: nonce, pinStdin: pinStdin) }
            case .invalid:
                return CardAgentPolicy.refusal(400, "request", "not an HTTP request this agent accepts", origin: nil)
            case .incomplete:
                return nil
            }
        }
    }

    /// Asks for the PIN (showing the origin that asks) and signs with the authentication key `9A`.
    static func sign(_ selection: CardSelection, origin: String, nonce: String, pinStdin: Bool) -> Result<CardSignedToken, CardAgentPolicy.Refusal> {
        let card: CardOnHand
        do { card = try CardOnHand(channel: try selection.channel()) } catch {
            return .failure(.noCard(Terminal.text("cli.agent.no-card")))
        }
        let prompt = Terminal.text("cli.agent.pin-prompt", ["origin": origin])
        let pin: String
        if pinStdin {
            FileHandle.standardError.write(Data(prompt.utf8))
            pin = readLine(strippingNewline: true) ?? ""
            FileHandle.standardError.write(Data("\n".utf8))
        } else {
            pin = Terminal.readSecret(prompt)
        }
        guard !pin.isEmpty else { return .failure(.cancelled) }
        do {
            let token = try card.token(.authentication, card.authentication, pin: pin, origin: origin, nonce: nonce)
            Terminal.say("cli.agent.signed", ["origin": origin])
            return .success(token)
        } catch let error as PIVError where error.triesLeft != nil {
            let left = error.triesLeft ?? 0
            Terminal.say(left == 0 ? "cli.agent.pin-blocked" : "cli.agent.wrong-pin", ["left": String(left)])
            return .failure(left == 0 ? .pinBlocked : .wrongPIN(triesLeft: left))
        } catch {
            return .failure(.failed("the card could not sign"))
        }
    }
}
