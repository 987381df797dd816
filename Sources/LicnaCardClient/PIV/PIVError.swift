import LicnaBasics
import LicnaCard

/// A PIV, identity or eMRTD command the card refused, or an answer the client could not use. Status words follow
/// ISO/IEC 7816-4 §5.6 and NIST SP 800-73-4 Part 2 §5.6; `init(statusWord:operation:secret:advice:)` is the one
/// reading of them that every client call site uses.
///
/// One shape with every Licna error (`LicnaError`): a named code, a translated message (`error.<code>`, with the
/// secret and the tries left as arguments) and the English `message` for developers and logs.
public struct PIVError: CardStatusError, Hashable {
    public let code: ErrorCode
    /// A sentence for developers and logs, naming the command (the person reads `messageKey`).
    public let message: String
    /// The status word that caused the error, when the card answered one.
    public let statusWord: StatusWord?
    /// Tries left after `63 Cx` (0 after `69 83`).
    public let triesLeft: Int?
    /// What was verified, for `63 Cx` and `69 83`: "PIN", "PUK" or "CAN".
    public let secret: String?

    public init(_ code: ErrorCode, _ message: String, statusWord: StatusWord? = nil, triesLeft: Int? = nil, secret: String? = nil) {
        self.code = code
        self.message = message
        self.statusWord = statusWord
        self.triesLeft = triesLeft
        self.secret = secret
    }

    /// A wrong or blocked secret is the answer "no" (exit 1, CONVENTIONS.md); a missing verification is
    /// `unauthorized`; an answer the client cannot use is an internal failure (exit 3).
    public var category: ErrorCategory {
        switch code {
        case .pivWrongSecret, .pivBlocked, .pivWrongData, .pivCardAuthenticationFailed: .refused
        case .pivSecurityStatusNotSatisfied: .unauthorized
        case .pivConditionsNotSatisfied: .conflict
        case .pivNotFound, .pivReferenceNotFound: .notFound
        case .pivInvalidArgument: .invalidInput
        default: .internal
        }
    }

    /// `error.<code>`, except that the last wrong try (`63 C0`) reads as what it did: the secret is now blocked.
    public var messageKey: String {
        code == .pivWrongSecret && triesLeft == 0 ? "error." + ErrorCode.pivBlocked.rawValue : "error." + code.rawValue
    }

    public var arguments: [String: String] {
        var arguments = statusArguments
        if let secret { arguments["secret"] = secret }
        return arguments
    }
}

extension ErrorCode {
    /// `63 Cx`: the PIN, PUK or CAN was wrong; `triesLeft` says how many tries remain.
    public static let pivWrongSecret = ErrorCode("piv-wrong-secret")
    /// `69 83`: the PIN, PUK or CAN is blocked (or the card is blocked for good).
    public static let pivBlocked = ErrorCode("piv-blocked")
    /// `69 82`: the PIN or the management key must be verified first.
    public static let pivSecurityStatusNotSatisfied = ErrorCode("piv-security-status-not-satisfied")
    /// `69 85`: the card's state does not allow the command (personalization over, PIN not set, …).
    public static let pivConditionsNotSatisfied = ErrorCode("piv-conditions-not-satisfied")
    /// `6A 82`: the application, file or data object does not exist.
    public static let pivNotFound = ErrorCode("piv-not-found")
    /// `6A 88`: no key (or no identity value) under that reference.
    public static let pivReferenceNotFound = ErrorCode("piv-reference-not-found")
    /// `6A 80`: the card refused the data (algorithm of another key, a new PIN that is not 6–8 digits, …).
    public static let pivWrongData = ErrorCode("piv-wrong-data")
    /// `67 00`: wrong length.
    public static let pivWrongLength = ErrorCode("piv-wrong-length")
    /// Another status word (`6D 00` from a card that does not know the command, `6A 86`, …).
    public static let pivUnexpectedStatus = ErrorCode("piv-unexpected-status")
    /// The card's answer is not the structure SP 800-73-4 or ICAO 9303 defines.
    public static let pivMalformedResponse = ErrorCode("piv-malformed-response")
    /// The caller's argument cannot be sent (a PIN of nine characters, a digest too long…); nothing was sent.
    public static let pivInvalidArgument = ErrorCode("piv-invalid-argument")
    /// The card failed to prove it knows the management key (mutual authentication, SP 800-73-4 §3.2.4).
    public static let pivCardAuthenticationFailed = ErrorCode("piv-card-authentication-failed")
}
