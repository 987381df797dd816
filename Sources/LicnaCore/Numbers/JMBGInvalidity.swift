import LicnaBasics

/// Why a string is not a valid JMBG. The raw value is the stable, untranslated reason code that scripts read
/// (`<number> invalid: <reason-code>`, CONVENTIONS.md); the order of the static members is the order in which
/// the checks run, so one number always gets the same single reason.
public struct JMBGInvalidity: LicnaError, Hashable, RawRepresentable {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    /// Not 13 characters long.
    public static let length = JMBGInvalidity(rawValue: "length")
    /// A character that is not an ASCII digit.
    public static let nonDigit = JMBGInvalidity(rawValue: "non-digit")
    /// `DDMMYYY` is not a date that exists.
    public static let date = JMBGInvalidity(rawValue: "date")
    /// The birth date lies after today.
    public static let futureDate = JMBGInvalidity(rawValue: "future-date")
    /// The region code `RR` is unassigned (60–69).
    public static let region = JMBGInvalidity(rawValue: "region")
    /// The thirteenth digit is not the check digit of the first twelve.
    public static let checkDigit = JMBGInvalidity(rawValue: "check-digit")

    /// Every reason, in the order the checks run.
    public static let all: [JMBGInvalidity] = [.length, .nonDigit, .date, .futureDate, .region, .checkDigit]

    public var description: String { rawValue }

    /// `jmbg-<reason>` (`jmbg-check-digit`, …), the code the APIs answer with.
    public var code: ErrorCode { .jmbg(self) }
    public var category: ErrorCategory { .invalidInput }
    public var messageKey: String { "error.jmbg." + rawValue }
}
