import LicnaBasics

/// An error from reading, subsetting or loading a TrueType font, with a stable code (message `error.font.<code>`).
///
/// Font files come from the system and may be damaged or of an unexpected kind: every read is bounds-checked and a
/// bad file ends here, never in a crash.
public typealias FontError = CodedError<FontErrorDomain>

/// The codes of `FontError`: `.malformed` (the bytes are not a TrueType font this reader understands: truncated,
/// offsets out of range, …) and `.notFound` (the font file is not where the configuration says) are shared codes.
public enum FontErrorDomain: ErrorDomain {
    public static let messageKeyPrefix = "error.font."
    public static let allCodes: [ErrorCode] = [.malformed, .missingTable, .unsupported, .notFound, .missingGlyph]

    public static func category(of code: ErrorCode) -> ErrorCategory {
        // A font the installation provides that cannot be used is the installation's state; a character the
        // font lacks is the text's.
        code == .missingGlyph ? .invalidInput : .internal
    }
}

extension ErrorCode {
    /// A table the PDF writer needs is missing (`head`, `hhea`, `hmtx`, `maxp`, `loca`, `glyf`, `cmap`).
    public static let missingTable = ErrorCode("missing-table")
    /// The font is of a kind not supported: CFF outlines (OpenType `OTTO`), font collections, …
    public static let unsupported = ErrorCode("unsupported")
    /// The font has no glyph for a character of the text (`FontError`, `DocumentWriterError`).
    public static let missingGlyph = ErrorCode("missing-glyph")
}
