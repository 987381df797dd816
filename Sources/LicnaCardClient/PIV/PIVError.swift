import LicnaCard

/// A PIV or eMRTD command the card refused, or an answer the client could not use, with a message that says
/// what happened and what to do. Status words follow ISO/IEC 7816-4 §5.6 and NIST SP 800-73-4 §5.6.
public struct PIVError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong, stable for programs.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let name: String
        public init(_ name: String) { self.name = name }
        public var description: String { name }

        /// `63 Cx`: the PIN, PUK or CAN was wrong; `triesLeft` says how many tries remain.
        public static let wrongSecret = Code("wrong-secret")
        /// `69 83`: the PIN, PUK or CAN is blocked (or the card is blocked for good).
        public static let blocked = Code("blocked")
        /// `69 82`: the PIN or the management key must be verified first.
        public static let securityStatusNotSatisfied = Code("security-status-not-satisfied")
        /// `69 85`: the card's state does not allow the command (personalization over, PIN not set, …).
        public static let conditionsNotSatisfied = Code("conditions-not-satisfied")
        /// `6A 82`: the application, file or data object does not exist.
        public static let notFound = Code("not-found")
        /// `6A 88`: no key (or no identity value) under that reference.
        public static let referenceNotFound = Code("reference-not-found")
        /// `6A 80`: the card refused the data (algorithm of another key, a new PIN that is not 6–8 digits, …).
        public static let wrongData = Code("wrong-data")
        /// `67 00`: wrong length.
        public static let wrongLength = Code("wrong-length")
        /// Another status word.
        public static let unexpectedStatus = Code("unexpected-status")
        /// The card's answer is not the structure SP 800-73-4 or ICAO 9303 defines.
        public static let malformedResponse = Code("malformed-response")
        /// The caller's argument cannot be sent (a PIN of nine characters, a digest too long…); nothing was sent.
        public static let invalidArgument = Code("invalid-argument")
        /// The card failed to prove it knows the management key (mutual authentication, SP 800-73-4 §3.2.4).
        public static let cardAuthenticationFailed = Code("card-authentication-failed")
    }

    public let code: Code
    /// A sentence for people.
    public let message: String
    /// The status word that caused the error, when the card answered one.
    public let statusWord: StatusWord?
    /// Tries left after `63 Cx` (0 after `69 83`).
    public let triesLeft: Int?

    public init(_ code: Code, _ message: String, statusWord: StatusWord? = nil, triesLeft: Int? = nil) {
        self.code = code
        self.message = message
        self.statusWord = statusWord
        self.triesLeft = triesLeft
    }

    public var description: String {
        guard let statusWord else { return message }
        return "\(message) (status \(statusWord))"
    }

    /// The error for a status word other than `90 00` answering `operation` (a short phrase: "VERIFY PIN").
    /// `secret` names what was verified, for `63 Cx` and `69 83` ("PIN", "PUK", "CAN").
    public static func status(_ status: StatusWord, operation: String, secret: String = "PIN") -> PIVError {
        switch (status.sw1, status.sw2) {
        case (0x63, let sw2) where sw2 & 0xF0 == 0xC0:
            let left = Int(sw2 & 0x0F)
            let message =
                left == 0
                ? "\(operation): wrong \(secret); no tries left, the \(secret) is now blocked"
                : "\(operation): wrong \(secret); \(left) \(left == 1 ? "try" : "tries") left"
            return PIVError(.wrongSecret, message, statusWord: status, triesLeft: left)
        case (0x69, 0x83):
            return PIVError(
                .blocked,
                "\(operation): the \(secret) is blocked" + (secret == "PIN" ? "; unblock it with the PUK" : ""),
                statusWord: status, triesLeft: 0)
        case (0x69, 0x82):
            return PIVError(
                .securityStatusNotSatisfied,
                "\(operation): security status not satisfied; verify the PIN (or authenticate the management key) first",
                statusWord: status)
        case (0x69, 0x85):
            return PIVError(
                .conditionsNotSatisfied,
                "\(operation): not allowed in the card's current state (personalization finished, or PIN/PUK not set yet)",
                statusWord: status)
        case (0x6A, 0x82):
            return PIVError(.notFound, "\(operation): not found on the card", statusWord: status)
        case (0x6A, 0x88):
            return PIVError(.referenceNotFound, "\(operation): the card holds no key or value under that reference", statusWord: status)
        case (0x6A, 0x80):
            return PIVError(.wrongData, "\(operation): the card refused the data", statusWord: status)
        case (0x67, 0x00):
            return PIVError(.wrongLength, "\(operation): wrong length", statusWord: status)
        default:
            return PIVError(.unexpectedStatus, "\(operation): the card answered \(status)", statusWord: status)
        }
    }
}
