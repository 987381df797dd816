import LicnaBasics
import LicnaCard

/// An error a card application's status word caused (ISO/IEC 7816-4 §5.6): what `PIVError` and `EMRTDError` share —
/// the developer's sentence, the status word and the tries left — and how they are shown in logs and messages.
public protocol CardStatusError: LicnaError, CustomStringConvertible {
    /// A sentence for developers and logs, naming the command (the person reads `messageKey`).
    var message: String { get }
    /// The status word that caused the error, when the card answered one.
    var statusWord: StatusWord? { get }
    /// Tries left after `63 Cx` (0 after `69 83`).
    var triesLeft: Int? { get }
}

extension CardStatusError {
    /// The translated message's arguments: `left` (tries left) and `status` (the status word), when known.
    public var statusArguments: [String: String] {
        var arguments: [String: String] = [:]
        if let triesLeft { arguments["left"] = String(triesLeft) }
        if let statusWord { arguments["status"] = statusWord.description }
        return arguments
    }

    public var detail: String { description }

    public var description: String {
        guard let statusWord else { return message }
        return "\(message) (status \(statusWord))"
    }
}
