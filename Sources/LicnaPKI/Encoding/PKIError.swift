/// An error from Licna's trust-service code, with a stable code that callers map to protocol answers
/// (OCSP `malformedRequest`, RFC 3161 `PKIFailureInfo`) or to a translated message.
public struct PKIError: Error, Hashable, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let name: String
        public init(_ name: String) { self.name = name }
        public var description: String { name }

        /// The bytes are not the DER structure the standard defines.
        public static let malformed = Code("malformed")
        /// The algorithm is not one Licna supports.
        public static let unsupportedAlgorithm = Code("unsupported-algorithm")
        /// A signature does not verify.
        public static let badSignature = Code("bad-signature")
        /// A digest does not match the content it claims to cover.
        public static let digestMismatch = Code("digest-mismatch")
        /// No certificate matching the signer identifier was found.
        public static let signerNotFound = Code("signer-not-found")
        /// A request violates the profile (wrong subject, validity beyond the CA, …).
        public static let profileViolation = Code("profile-violation")
        /// A passphrase or key protection failed to open.
        public static let wrongPassphrase = Code("wrong-passphrase")
    }

    public let code: Code
    /// Detail for logs and developers; never contains personal numbers.
    public let detail: String

    public init(_ code: Code, _ detail: String) {
        self.code = code
        self.detail = detail
    }

    public var description: String { "\(code): \(detail)" }
}
