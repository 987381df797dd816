/// An error from reading, subsetting or loading a TrueType font, with a stable code.
///
/// Font files come from the system and may be damaged or of an unexpected kind: every read is bounds-checked and a
/// bad file ends here, never in a crash.
public struct FontError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong, as a code that can grow.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let name: String
        public init(_ name: String) { self.name = name }
        public var description: String { name }

        /// The bytes are not a TrueType font this reader understands (truncated, offsets out of range, …).
        public static let malformed = Code("malformed")
        /// A table the PDF writer needs is missing (`head`, `hhea`, `hmtx`, `maxp`, `loca`, `glyf`, `cmap`).
        public static let missingTable = Code("missing-table")
        /// The font is of a kind not supported: CFF outlines (OpenType `OTTO`), font collections, …
        public static let unsupported = Code("unsupported")
        /// The font file is not where the configuration says.
        public static let notFound = Code("not-found")
        /// The font has no glyph for a character of the text.
        public static let missingGlyph = Code("missing-glyph")
    }

    public let code: Code
    /// Detail for people and logs.
    public let detail: String

    public init(_ code: Code, _ detail: String) {
        self.code = code
        self.detail = detail
    }

    public var description: String { "\(code): \(detail)" }
}
