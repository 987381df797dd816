/// Why a document could not be signed, with a sentence that says what to do.
public struct SigningError: Error, Hashable, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let name: String
        public init(_ name: String) { self.name = name }
        public var description: String { name }

        /// The timestamp authority could not be reached or refused (B-T and above need it).
        public static let timestampUnavailable = Code("timestamp-unavailable")
        /// The signer's key and certificate do not belong together, or the key cannot sign.
        public static let signerMismatch = Code("signer-mismatch")
        /// The document cannot be signed as it is (encrypted, damaged, no room for the signature).
        public static let unsupportedDocument = Code("unsupported-document")
        /// The visible signature cannot be drawn as asked: no such page, a rectangle outside the page or too
        /// small for its text, or a character the font lacks.
        public static let invalidAppearance = Code("invalid-appearance")
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
