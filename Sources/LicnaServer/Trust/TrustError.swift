import LicnaBasics

/// Errors of the trust services that reach people: each has a named code, a translation key
/// (`error.trust.<code>`, with the detail as `{detail}`) and tells what to do.
public struct TrustError: LicnaError, Hashable {
    public let code: ErrorCode
    public let detail: String

    public init(_ code: ErrorCode, _ detail: String = "") {
        self.code = code
        self.detail = detail
    }

    public var messageKey: String { "error.trust." + code.rawValue }
    public var arguments: [String: String] { ["detail": detail] }

    /// What kind of failure each code is: the server's status and the commands' exit status follow from it.
    public var category: ErrorCategory {
        switch code {
        case .caUnknownSerial: .notFound
        case .caNotInitialized, .caRootLocked, .caTimestampUnavailable: .unavailable
        case .caAlreadyRevoked, .caNotOnHold, .caAlreadyOnHold, .caAlreadyInitialized, .caStatusContended: .conflict
        case .caWrongPassphrase: .usage
        case .caIssueFailed, .caKeyMismatch, .caCorruptRecord, .caKeySealing: .internal
        default: .invalidInput
        }
    }

    /// Every code a `TrustError` carries.
    public static let allCodes: [ErrorCode] = [
        .caNotInitialized, .caAlreadyInitialized, .caUnknownSerial, .caAlreadyRevoked, .caNotOnHold, .caAlreadyOnHold,
        .caRootLocked, .caInvalidRequest, .caInvalidAppearance, .caWrongPassphrase, .caTimestampUnavailable,
        .caKeyMismatch, .caIssueFailed, .caCorruptRecord, .caKeySealing, .caStatusContended,
    ]

    public static let notInitialized = TrustError(.caNotInitialized)
    public static let alreadyInitialized = TrustError(.caAlreadyInitialized)
    public static let unknownSerial = TrustError(.caUnknownSerial)
    public static let alreadyRevoked = TrustError(.caAlreadyRevoked)
    public static let notOnHold = TrustError(.caNotOnHold)
    public static let alreadyOnHold = TrustError(.caAlreadyOnHold)
    public static let rootLocked = TrustError(.caRootLocked)
    public static func invalidRequest(_ detail: String) -> TrustError { TrustError(.caInvalidRequest, detail) }
    public static func invalidAppearance(_ detail: String) -> TrustError { TrustError(.caInvalidAppearance, detail) }
    public static func wrongPassphrase() -> TrustError { TrustError(.caWrongPassphrase) }
    public static func timestampUnavailable(_ detail: String) -> TrustError { TrustError(.caTimestampUnavailable, detail) }
    /// A stored key does not open in its row or does not match its certificate: the database or a backup was tampered
    /// with. The server does not start; restore from a trusted backup.
    public static func keyMismatch(_ detail: String) -> TrustError { TrustError(.caKeyMismatch, detail) }
    /// Issuing failed after the checks passed; nothing was stored.
    public static func issueFailed(_ detail: String = "") -> TrustError { TrustError(.caIssueFailed, detail) }
    /// A stored certificate row names an authority, profile or status Licna does not know.
    public static func corruptRecord(_ detail: String) -> TrustError { TrustError(.caCorruptRecord, detail) }
    /// Sealing a key under the master key failed.
    public static let keySealing = TrustError(.caKeySealing)
    /// Other processes changed the certificate's status each time this change was about to be written.
    public static let statusContended = TrustError(.caStatusContended)
}

extension ErrorCode {
    /// The CA hierarchy is not set up (`licna ca init`).
    public static let caNotInitialized = ErrorCode("ca-not-initialized")
    /// The installation already has a hierarchy; it is never overwritten.
    public static let caAlreadyInitialized = ErrorCode("ca-already-initialized")
    /// No certificate with this serial number was issued here.
    public static let caUnknownSerial = ErrorCode("ca-unknown-serial")
    /// The certificate is revoked for good.
    public static let caAlreadyRevoked = ErrorCode("ca-already-revoked")
    /// Release of a certificate that is not on hold.
    public static let caNotOnHold = ErrorCode("ca-not-on-hold")
    /// Hold of a certificate that is already on hold.
    public static let caAlreadyOnHold = ErrorCode("ca-already-on-hold")
    /// The operation needs the root key, which is locked by its passphrase.
    public static let caRootLocked = ErrorCode("ca-root-locked")
    /// The request violates a rule; the detail says which.
    public static let caInvalidRequest = ErrorCode("ca-invalid-request")
    /// A visible seal cannot be placed as asked.
    public static let caInvalidAppearance = ErrorCode("ca-invalid-appearance")
    /// The root passphrase is wrong.
    public static let caWrongPassphrase = ErrorCode("ca-wrong-passphrase")
    /// The timestamp authority did not answer usably.
    public static let caTimestampUnavailable = ErrorCode("ca-timestamp-unavailable")
    /// A stored key does not fit its row or certificate.
    public static let caKeyMismatch = ErrorCode("ca-key-mismatch")
    /// Issuing failed; nothing was stored.
    public static let caIssueFailed = ErrorCode("ca-issue-failed")
    /// A certificate row is not one Licna wrote.
    public static let caCorruptRecord = ErrorCode("ca-corrupt-record")
    /// A key could not be sealed under the master key.
    public static let caKeySealing = ErrorCode("ca-key-sealing")
    /// Five attempts at a status change each lost to a concurrent change of the same certificate.
    public static let caStatusContended = ErrorCode("ca-status-contended")
}
