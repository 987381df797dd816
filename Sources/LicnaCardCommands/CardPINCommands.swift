import ArgumentParser
import LicnaCardClient
import LicnaCommandLine

/// `licna-card change-pin` (also `licna card change-pin`): the citizen replaces the PIN from the envelope with one
/// of their own (CHANGE REFERENCE DATA, NIST SP 800-73-4 Part 2 §3.2.2). Asks for the current PIN, the new PIN and
/// the new PIN again — from a prompt without echo, or three lines of standard input in that order.
public struct CardChangePIN: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "change-pin",
        abstract: "Change the card's PIN (asks for the current PIN, then the new one twice; 6–8 digits).")
    @OptionGroup var cardSelection: CardSelection

    public init() {}

    public func run() throws {
        let piv = PIVClient(channel: try cardSelection.channel())
        let current = Terminal.readSecret(Terminal.text("cli.pin.current-prompt"))
        let new = try readNewPIN()
        do {
            _ = try piv.select()
            try piv.changePIN(old: current, new: new)
        } catch let error as PIVError {
            throw explainedPINError(error)
        }
        Terminal.say("cli.pin.changed")
    }
}

/// `licna-card unblock-pin` (also `licna card unblock-pin`): after five wrong PINs, the PUK from the envelope sets a
/// new PIN (RESET RETRY COUNTER, SP 800-73-4 Part 2 §3.2.3). Asks for the PUK, then the new PIN twice. Every wrong
/// PUK spends one of its tries; when they are gone the card can never be unblocked.
public struct CardUnblockPIN: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "unblock-pin",
        abstract: "Unblock the PIN with the PUK and set a new PIN (asks for the PUK, then the new PIN twice).")
    @OptionGroup var cardSelection: CardSelection

    public init() {}

    public func run() throws {
        let piv = PIVClient(channel: try cardSelection.channel())
        let puk = Terminal.readSecret(Terminal.text("cli.pin.puk-prompt"))
        let new = try readNewPIN()
        do {
            _ = try piv.select()
            try piv.unblockPIN(puk: puk, newPIN: new)
        } catch let error as PIVError {
            throw explainedPINError(error, secret: "PUK")
        }
        Terminal.say("cli.pin.unblocked")
    }
}

/// The new PIN, typed twice; checked here (6–8 digits, the same twice) before the card spends a try on it.
func readNewPIN() throws -> String {
    let new = Terminal.readSecret(Terminal.text("cli.pin.new-prompt"))
    let again = Terminal.readSecret(Terminal.text("cli.pin.repeat-prompt"))
    guard (6...8).contains(new.count), new.allSatisfy({ $0.isASCII && $0.isNumber }) else {
        throw explained(Exit.usage, "cli.pin.new-invalid")
    }
    guard new == again else { throw explained(Exit.usage, "cli.pin.mismatch") }
    return new
}

/// A refused PIN or PUK in the user's language, with what to do next.
func explainedPINError(_ error: PIVError, secret: String = "PIN") -> ExitCode {
    // `triesLeft` is set exactly for a wrong (63 Cx) or blocked (69 83) secret, by the one status-word mapping.
    if let left = error.triesLeft {
        guard left > 0 else { return explained(Exit.no, secret == "PUK" ? "cli.pin.puk-blocked" : "cli.sign.pin-blocked") }
        return explained(Exit.no, secret == "PUK" ? "cli.pin.wrong-puk" : "cli.pin.wrong-pin", ["left": "\(left)"])
    }
    switch error.code {
    case .pivInvalidArgument:
        return explained(Exit.usage, "cli.pin.new-invalid")
    case .pivUnexpectedStatus, .pivMalformedResponse:
        return explained(Exit.failed, "cli.sign.card-refused", ["detail": error.description])
    default:
        return explained(Exit.no, "cli.sign.card-refused", ["detail": error.description])
    }
}
