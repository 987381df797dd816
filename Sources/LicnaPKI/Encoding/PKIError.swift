import LicnaBasics

/// An error from Licna's trust-service code, with a stable code that callers map to protocol answers
/// (OCSP `malformedRequest`, RFC 3161 `PKIFailureInfo`) or to a translated message (`error.pki.<code>`).
public typealias PKIError = CodedError<PKIErrorDomain>

/// The codes of `PKIError`.
public enum PKIErrorDomain: ErrorDomain {
    public static let messageKeyPrefix = "error.pki."

    public static let allCodes: [ErrorCode] = [
        .malformed, .unsupportedAlgorithm, .badSignature, .digestMismatch, .signerNotFound,
        .profileViolation, .wrongPassphrase, .contentTypeMismatch, .signingCertificateMismatch,
        .nonceMismatch, .badRequest, .unacceptedPolicy, .unacceptedExtension, .timeStampRejected,
    ]

    public static func category(of code: ErrorCode) -> ErrorCategory {
        switch code {
        case .badSignature, .digestMismatch, .signerNotFound, .contentTypeMismatch,
             .signingCertificateMismatch, .nonceMismatch:
            .refused
        case .wrongPassphrase: .usage
        case .timeStampRejected: .unavailable
        default: .invalidInput
        }
    }
}

extension ErrorCode {
    // `.malformed` (the bytes are not the DER structure the standard defines) and `.badRequest` are shared codes.

    /// The algorithm is not one Licna supports.
    public static let unsupportedAlgorithm = ErrorCode("unsupported-algorithm")
    /// A signature does not verify.
    public static let badSignature = ErrorCode("bad-signature")
    /// A digest does not match the content it claims to cover.
    public static let digestMismatch = ErrorCode("digest-mismatch")
    /// No certificate matching the signer identifier was found.
    public static let signerNotFound = ErrorCode("signer-not-found")
    /// A request violates the profile (wrong subject, validity beyond the CA, …).
    public static let profileViolation = ErrorCode("profile-violation")
    /// A passphrase or key protection failed to open.
    public static let wrongPassphrase = ErrorCode("wrong-passphrase")
}
