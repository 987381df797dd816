import LicnaBasics

/// Montenegro's identification number (identifikacioni broj): 9 digits that reveal nothing about the person,
/// the last a Verhoeff check digit. It is what certificates and inter-agency exchange carry instead of the JMBG.
public struct IdentificationNumber: Hashable, Sendable, Codable, CustomStringConvertible, Comparable {
    /// The 9 digits.
    public let digits: String

    /// Why a string is not an identification number.
    public struct Invalidity: LicnaError, Hashable {
        public static let length = Invalidity(reason: "length")
        public static let nonDigit = Invalidity(reason: "non-digit")
        public static let checkDigit = Invalidity(reason: "check-digit")
        /// Every reason, in the order the checks run.
        public static let all: [Invalidity] = [.length, .nonDigit, .checkDigit]
        /// The reason (`length`, `non-digit`, `check-digit`).
        public let reason: String
        init(reason: String) { self.reason = reason }
        public var description: String { reason }
        /// `identification-number-<reason>`, the code the APIs answer with.
        public var code: ErrorCode { .identificationNumber(self) }
        public var category: ErrorCategory { .invalidInput }
        public var messageKey: String { "error.identification-number.invalid" }
    }

    /// Checks length, digits and the Verhoeff check digit (not the generation filters: a number already
    /// issued stays valid even if the filters change).
    public init(_ text: some StringProtocol) throws(Invalidity) {
        let bytes = Array(text.utf8)
        guard bytes.count == 9 else { throw .length }
        guard bytes.allSatisfy({ (48...57).contains($0) }) else { throw .nonDigit }
        guard Verhoeff.isValid(bytes.map { Int($0) - 48 }) else { throw .checkDigit }
        self.digits = String(decoding: bytes, as: UTF8.self)
    }

    /// Makes a number from a value of at most 9 digits that is already known to be valid.
    init(validatedValue value: Int) {
        self.digits = String(unsafeUninitializedCapacity: 9) { buffer in
            var rest = value
            for index in stride(from: 8, through: 0, by: -1) {
                buffer[index] = UInt8(48 + rest % 10)
                rest /= 10
            }
            return 9
        }
    }

    public var description: String { digits }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.digits < rhs.digits }

    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do { self = try IdentificationNumber(text) } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "invalid identification number: \(error)")
        }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(digits)
    }
}
