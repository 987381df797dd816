import LicnaBasics

/// An error from reading or interpreting a PDF file: a stable code, what is wrong, and where (a byte offset into the
/// file, or into a decoded stream when `inDecodedStream` says so). Its message is `error.pdf.<code>`.
///
/// Untrusted bytes never crash the reader: every malformed construct ends in one of these.
public struct PDFError: LicnaError, Hashable {
    /// The code type, spelled as the error's own (`PDFError.Code`).
    public typealias Code = ErrorCode

    public let code: ErrorCode
    /// What is wrong, for people and logs.
    public let detail: String
    /// The byte offset where the problem was found, when known.
    public let offset: Int?

    public init(_ code: ErrorCode, _ detail: String, at offset: Int? = nil) {
        self.code = code
        self.detail = detail
        self.offset = offset
    }

    public var category: ErrorCategory {
        switch code {
        case .fileTooLarge, .nestingTooDeep, .limitExceeded: .tooLarge
        default: .invalidInput
        }
    }

    public var messageKey: String { "error.pdf." + code.rawValue }
    public var arguments: [String: String] { ["detail": detail] }

    public var description: String {
        if let offset { return "\(code): \(detail) (at byte \(offset))" }
        return "\(code): \(detail)"
    }

    /// Every code `PDFError` declares.
    public static let allCodes: [ErrorCode] = [
        .fileTooLarge, .truncated, .syntax, .nestingTooDeep, .limitExceeded, .invalidCrossReference, .objectNotFound,
        .referenceCycle, .unsupportedFilter, .invalidStreamData, .invalidStructure, .encrypted, .invalidByteRange,
    ]

    /// The message given when an encrypted file is offered for signing or validation.
    static let encryptedFile = PDFError(
        .encrypted, "encrypted PDFs are not supported; remove the password first")
}

extension ErrorCode {
    // `.fileTooLarge` (larger than `PDFFile.Options.maximumFileSize`) is a shared code.

    /// The bytes end in the middle of a construct.
    public static let truncated = ErrorCode("truncated")
    /// The syntax of ISO 32000-1 §7.2–7.3 is violated (unexpected token, bad number, bad name …).
    public static let syntax = ErrorCode("syntax")
    /// Arrays and dictionaries nest deeper than `PDFFile.Options.maximumNestingDepth`.
    public static let nestingTooDeep = ErrorCode("nesting-too-deep")
    /// A size or count limit of `PDFFile.Options` was exceeded.
    public static let limitExceeded = ErrorCode("limit-exceeded")
    /// No usable cross-reference information and no objects to recover (ISO 32000-1 §7.5.4–7.5.8).
    public static let invalidCrossReference = ErrorCode("invalid-cross-reference")
    /// An indirect object is not where the cross-reference says and cannot be found otherwise.
    public static let objectNotFound = ErrorCode("object-not-found")
    /// Resolving a reference leads back to itself.
    public static let referenceCycle = ErrorCode("reference-cycle")
    /// A stream uses a filter the reader does not implement (§7.4).
    public static let unsupportedFilter = ErrorCode("unsupported-filter")
    /// A stream's encoded data is corrupt (bad zlib data, bad predictor row …).
    public static let invalidStreamData = ErrorCode("invalid-stream-data")
    /// A required structure is missing or has the wrong type (no /Root, a page that is not a dictionary …).
    public static let invalidStructure = ErrorCode("invalid-structure")
    /// The file is encrypted (§7.6): signing and validation need the password removed first.
    public static let encrypted = ErrorCode("encrypted")
    /// A signature's /ByteRange is malformed or does not exclude exactly its /Contents (§12.8.1).
    public static let invalidByteRange = ErrorCode("invalid-byte-range")
}
