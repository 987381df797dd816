import LicnaBasics

/// An error from laying out or writing a PDF document, with a stable code (message `error.document.<code>`).
public typealias DocumentWriterError = CodedError<DocumentWriterErrorDomain>

/// The codes of `DocumentWriterError`; `.missingGlyph` (the detail names the character) is `FontError`'s too.
public enum DocumentWriterErrorDomain: ErrorDomain {
    public static let messageKeyPrefix = "error.document."
    public static let allCodes: [ErrorCode] = [.missingGlyph, .invalidImage, .layout, .compression]

    public static func category(of code: ErrorCode) -> ErrorCategory {
        code == .compression ? .internal : .invalidInput
    }
}

extension ErrorCode {
    /// The image is not a baseline or progressive 8-bit JPEG with its size in a SOF marker.
    public static let invalidImage = ErrorCode("invalid-image")
    /// Something does not fit on a page even alone (a table row taller than the page, …), or a size is invalid.
    public static let layout = ErrorCode("layout")
    /// Compressing a stream failed.
    public static let compression = ErrorCode("compression")
}
