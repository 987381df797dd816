/// The codes of one family of errors and what they mean: the prefix of their message keys, the category of each
/// code, and every code the family declares (so a test can check that each has a message in every language).
public protocol ErrorDomain: Sendable {
    /// The prefix of the family's message keys, e.g. `error.pki.`; a code's key is the prefix and the code.
    static var messageKeyPrefix: String { get }
    /// Every code the family declares.
    static var allCodes: [ErrorCode] { get }
    /// What kind of failure `code` is.
    static func category(of code: ErrorCode) -> ErrorCategory
}

/// The one concrete shape of a library error: a named ``ErrorCode``, a detail for logs and developers, and a message
/// key from its ``ErrorDomain``. `PKIError`, `FontError` and `DocumentWriterError` are this type for their domains,
/// so they share one implementation instead of three copies of a struct with a nested code.
public struct CodedError<Domain: ErrorDomain>: LicnaError, Hashable {
    /// The code type, spelled as the error's own (`PKIError.Code`).
    public typealias Code = ErrorCode

    public let code: ErrorCode
    /// Detail for logs and developers; never contains personal numbers.
    public let detail: String

    public init(_ code: ErrorCode, _ detail: String) {
        self.code = code
        self.detail = detail
    }

    public var category: ErrorCategory { Domain.category(of: code) }
    public var messageKey: String { Domain.messageKeyPrefix + code.rawValue }
    public var arguments: [String: String] { ["detail": detail] }
    public var description: String { "\(code): \(detail)" }

    /// Every code of the domain.
    public static var allCodes: [ErrorCode] { Domain.allCodes }
}
