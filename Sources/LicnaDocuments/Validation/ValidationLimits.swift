import LicnaBasics

/// How much work one validation may do (README, "Validation policy"): a hostile file must end in a report, never
/// in an exhausted machine. A PDF whose /DSS names the same zip-bomb stream thousands of times, or carries
/// thousands of junk OCSP responses that each cost a signature check, reaches one of these and gets
/// INDETERMINATE with a note naming the limit (`ValidationLimitExceeded`).
///
/// The limits apply to one call of `PDFSignatureValidator.validate` (every signature of the document together)
/// or of `CMSSignatureValidator.validate`, counted by a `ValidationBudget`.
public struct ValidationLimits: Sendable, Hashable {
    /// The decoded bytes of every stream the PDF reader decodes for one validation (cross-reference and object
    /// streams, DSS entries), together. Default 128 MiB: twice the largest single stream the reader accepts.
    public var maximumDecodedBytes: Int
    /// Entries of the document security store's /Certs, /OCSPs and /CRLs (what the validator reads; /VRI is not
    /// read), counted before any is decoded. Default 1,000: a B-LT file carries a handful per signature, and a file
    /// holds at most 100 signatures.
    public var maximumDSSEntries: Int
    /// Signature verifications the validator itself makes: the CMS signatures, timestamp tokens, OCSP responses
    /// and their responder certificates, CRLs, and one per certificate of each chain built. Default 2,000 (about
    /// twenty per signature for a file of 100 signatures).
    public var maximumSignatureVerifications: Int
    /// Wall time of one validation, read from the policy's clock at every unit of work and before every fetch.
    /// Default 60 seconds. A fetch in progress is bounded by the revocation source's own timeout.
    public var maximumDuration: Duration

    public init(maximumDecodedBytes: Int = 128 * 1024 * 1024, maximumDSSEntries: Int = 1_000,
                maximumSignatureVerifications: Int = 2_000, maximumDuration: Duration = .seconds(60)) {
        self.maximumDecodedBytes = maximumDecodedBytes
        self.maximumDSSEntries = maximumDSSEntries
        self.maximumSignatureVerifications = maximumSignatureVerifications
        self.maximumDuration = maximumDuration
    }
}

/// A validation stopped at one of its `ValidationLimits`; the report says INDETERMINATE with `finding`. Thrown
/// out of the validator only when the limit is reached while the file itself is opened, and then wrapped in a
/// `SigningError` (the server answers 422, `licna-card verify` exits 3); as a `LicnaError` of its own it is
/// `.refused` (422, the status that answer has), with the message `error.validation-limit-reached.<limit>`.
public struct ValidationLimitExceeded: LicnaError, Hashable, CustomStringConvertible {
    /// Which limit; its raw value is the stable code reports carry in `limitReached`.
    public enum Limit: String, Codable, Sendable, Hashable, CaseIterable {
        case decodedBytes
        case dssEntries
        case signatureVerifications
        case duration
    }

    public var limit: Limit
    /// The limit's value as configured, in no language: a count, or with its unit symbol ("128 MiB", "1000", "60 s").
    public var value: String

    public init(_ limit: Limit, limits: ValidationLimits) {
        self.limit = limit
        switch limit {
        case .decodedBytes: value = Self.size(limits.maximumDecodedBytes)
        case .dssEntries: value = "\(limits.maximumDSSEntries)"
        case .signatureVerifications: value = "\(limits.maximumSignatureVerifications)"
        case .duration:
            let (seconds, attoseconds) = limits.maximumDuration.components
            value = attoseconds == 0 ? "\(seconds) s" : "\(Double(seconds) + Double(attoseconds) / 1e18) s"
        }
    }

    /// The finding a report carries: `validation-limit-reached` with the limit and its value.
    public var finding: ValidationFinding {
        ValidationFinding(.validationLimitReached, arguments)
    }

    public var code: ErrorCode { .validationLimitReached }
    public var category: ErrorCategory { .refused }
    public var messageKey: String { "error.validation-limit-reached." + limit.rawValue }
    public var arguments: [String: String] { ["limit": limit.rawValue, "value": value] }

    /// In English, for logs and developers: "the validation limit on decoded bytes (128 MiB) was reached".
    public var detail: String {
        let what = switch limit {
        case .decodedBytes: "decoded bytes (\(value))"
        case .dssEntries: "DSS entries (\(value) entries)"
        case .signatureVerifications: "signature verifications (\(value) verifications)"
        case .duration: "time (\(value))"
        }
        return "the validation limit on \(what) was reached; the validation stopped there"
    }

    public var description: String { detail }

    static func size(_ bytes: Int) -> String {
        bytes % (1024 * 1024) == 0 ? "\(bytes / (1024 * 1024)) MiB" : "\(bytes) B"
    }
}

extension ErrorCode {
    /// A validation stopped at one of its `ValidationLimits` (`ValidationLimitExceeded`).
    public static let validationLimitReached = ErrorCode("validation-limit-reached")
}
