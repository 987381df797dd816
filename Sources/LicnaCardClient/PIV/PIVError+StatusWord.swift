import LicnaBasics
import LicnaCard

extension PIVError {
    /// The one mapping from a status word other than `90 00` to the clients' error (ISO/IEC 7816-4 §5.6 table 6;
    /// NIST SP 800-73-4 Part 2 §5.6), read through `StatusWord`'s names: `63 Cx` (`triesLeft`) and `69 83` are a
    /// wrong or blocked `secret`, `69 82` a missing verification, `69 85` the card's state, `6A 82` and `6A 88`
    /// something absent, `6A 80` refused data, `67 00` a wrong length; anything else is unexpected.
    ///
    /// `operation` names the command for the message ("VERIFY PIN"); `advice` replaces the generic sentence for the
    /// status words where the call site knows what to do next ("the new PIN must be 6–8 digits"). The code, the
    /// category and the tries left never depend on the call site.
    public init(statusWord status: StatusWord, operation: String, secret: String = "PIN", advice: [StatusWord: String] = [:]) {
        let code: ErrorCode
        var message: String
        var triesLeft: Int?
        if let left = status.triesLeft {
            code = .pivWrongSecret
            triesLeft = left
            message =
                left == 0
                ? "\(operation): wrong \(secret); no tries left, the \(secret) is now blocked"
                : "\(operation): wrong \(secret); \(left) \(left == 1 ? "try" : "tries") left"
        } else {
            switch status {
            case .authenticationBlocked:
                code = .pivBlocked
                triesLeft = 0
                message = "\(operation): the \(secret) is blocked" + (secret == "PIN" ? "; unblock it with the PUK" : "")
            case .securityStatusNotSatisfied:
                code = .pivSecurityStatusNotSatisfied
                message = "\(operation): security status not satisfied; verify the PIN (or authenticate the management key) first"
            case .conditionsNotSatisfied:
                code = .pivConditionsNotSatisfied
                message = "\(operation): not allowed in the card's current state (personalization finished, or PIN/PUK not set yet)"
            case .fileNotFound:
                code = .pivNotFound
                message = "\(operation): not found on the card"
            case .referenceNotFound:
                code = .pivReferenceNotFound
                message = "\(operation): the card holds no key or value under that reference"
            case .wrongData:
                code = .pivWrongData
                message = "\(operation): the card refused the data"
            case .wrongLength:
                code = .pivWrongLength
                message = "\(operation): wrong length"
            default:
                code = .pivUnexpectedStatus
                message = "\(operation): the card answered \(status)"
            }
        }
        if let advice = advice[status] { message = "\(operation): \(advice)" }
        let names = code == .pivWrongSecret || code == .pivBlocked
        self.init(code, message, statusWord: status, triesLeft: triesLeft, secret: names ? secret : nil)
    }
}
