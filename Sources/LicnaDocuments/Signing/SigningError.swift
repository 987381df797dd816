import LicnaBasics

/// Why a document could not be signed (message `error.signing.<code>`), with a detail that says what to do.
public typealias SigningError = CodedError<SigningErrorDomain>

/// The codes of `SigningError`.
public enum SigningErrorDomain: ErrorDomain {
    public static let messageKeyPrefix = "error.signing."
    public static let allCodes: [ErrorCode] = [.timestampUnavailable, .signerMismatch, .unsupportedDocument, .invalidAppearance]

    public static func category(of code: ErrorCode) -> ErrorCategory {
        code == .timestampUnavailable ? .unavailable : .invalidInput
    }
}

extension CodedError where Domain == SigningErrorDomain {
    /// The detail, a sentence that says what to do (the name callers of the signers have always read).
    public var message: String { detail }
}

extension ErrorCode {
    /// The timestamp authority could not be reached or refused (B-T and above need it).
    public static let timestampUnavailable = ErrorCode("timestamp-unavailable")
    /// The signer's key and certificate do not belong together, or the key cannot sign.
    public static let signerMismatch = ErrorCode("signer-mismatch")
    /// The document cannot be signed as it is (encrypted, damaged, no room for the signature).
    public static let unsupportedDocument = ErrorCode("unsupported-document")
    /// The visible signature cannot be drawn as asked: no such page, a rectangle outside the page or too small for
    /// its text, or a character the font lacks.
    public static let invalidAppearance = ErrorCode("invalid-appearance")
}
