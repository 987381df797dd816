/// An error from laying out or writing a PDF document, with a stable code.
public struct DocumentWriterError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong, as a code that can grow.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let name: String
        public init(_ name: String) { self.name = name }
        public var description: String { name }

        /// The font has no glyph for a character of the text; the detail names the character.
        public static let missingGlyph = Code("missing-glyph")
        /// The image is not a baseline or progressive 8-bit JPEG with its size in a SOF marker.
        public static let invalidImage = Code("invalid-image")
        /// Something does not fit on a page even alone (a table row taller than the page, …), or a size is invalid.
        public static let layout = Code("layout")
        /// Compressing a stream failed.
        public static let compression = Code("compression")
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
