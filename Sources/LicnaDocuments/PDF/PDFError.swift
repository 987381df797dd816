/// An error from reading or interpreting a PDF file: a stable code, what is wrong, and where (a byte offset into the
/// file, or into a decoded stream when `inDecodedStream` says so).
///
/// Untrusted bytes never crash the reader: every malformed construct ends in one of these.
public struct PDFError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A stable, extensible error code for callers to branch on (never branch on `detail`).
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let name: String
        public init(_ name: String) { self.name = name }
        public var description: String { name }

        /// The file is larger than `PDFFile.Options.maximumFileSize`.
        public static let fileTooLarge = Code("file-too-large")
        /// The bytes end in the middle of a construct.
        public static let truncated = Code("truncated")
        /// The syntax of ISO 32000-1 §7.2–7.3 is violated (unexpected token, bad number, bad name …).
        public static let syntax = Code("syntax")
        /// Arrays and dictionaries nest deeper than `PDFFile.Options.maximumNestingDepth`.
        public static let nestingTooDeep = Code("nesting-too-deep")
        /// A size or count limit of `PDFFile.Options` was exceeded.
        public static let limitExceeded = Code("limit-exceeded")
        /// No usable cross-reference information and no objects to recover (ISO 32000-1 §7.5.4–7.5.8).
        public static let invalidCrossReference = Code("invalid-cross-reference")
        /// An indirect object is not where the cross-reference says and cannot be found otherwise.
        public static let objectNotFound = Code("object-not-found")
        /// Resolving a reference leads back to itself.
        public static let referenceCycle = Code("reference-cycle")
        /// A stream uses a filter the reader does not implement (§7.4).
        public static let unsupportedFilter = Code("unsupported-filter")
        /// A stream's encoded data is corrupt (bad zlib data, bad predictor row …).
        public static let invalidStreamData = Code("invalid-stream-data")
        /// A required structure is missing or has the wrong type (no /Root, a page that is not a dictionary …).
        public static let invalidStructure = Code("invalid-structure")
        /// The file is encrypted (§7.6): signing and validation need the password removed first.
        public static let encrypted = Code("encrypted")
        /// A signature's /ByteRange is malformed or does not exclude exactly its /Contents (§12.8.1).
        public static let invalidByteRange = Code("invalid-byte-range")
    }

    public let code: Code
    /// What is wrong, for people and logs.
    public let detail: String
    /// The byte offset where the problem was found, when known.
    public let offset: Int?

    public init(_ code: Code, _ detail: String, at offset: Int? = nil) {
        self.code = code
        self.detail = detail
        self.offset = offset
    }

    public var description: String {
        if let offset { return "\(code): \(detail) (at byte \(offset))" }
        return "\(code): \(detail)"
    }

    /// The message given when an encrypted file is offered for signing or validation.
    static let encryptedFile = PDFError(
        .encrypted, "encrypted PDFs are not supported; remove the password first")
}
