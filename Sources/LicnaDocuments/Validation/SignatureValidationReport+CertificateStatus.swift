import Foundation

extension SignatureValidationReport {
    /// The signer's certificate status at the validation's control time (EN 319 102-1 §5.2.6.4, from OCSP
    /// RFC 6960 §2.2 or a CRL RFC 5280 §5): a stable code scripts read, never prose. People read the sentence
    /// ``certificateStatusMessage`` names, in their language.
    public enum CertificateStatus: String, Codable, Sendable, CaseIterable {
        /// Revocation data says the certificate is not revoked.
        case good
        /// Revoked (or on hold); ``SignatureValidationReport/certificateRevocationTime`` says when.
        case revoked
        /// The revocation service does not know the certificate.
        case unknown
        /// No usable revocation data: none found, none fresh enough, or none in scope.
        case noRevocationData = "no-revocation-data"
    }

    /// The translation key (`verify.status.<code>`) and its arguments of the sentence that says
    /// ``certificateStatus`` to a person: for a revoked certificate with the time (ISO 8601, UTC) and the RFC 5280
    /// reason when there is one. Nil when no status was established.
    public var certificateStatusMessage: (key: String, arguments: [String: String])? {
        guard let certificateStatus else { return nil }
        guard certificateStatus == .revoked else { return ("verify.status." + certificateStatus.rawValue, [:]) }
        let time = certificateRevocationTime.map { ISO8601DateFormatter().string(from: $0) } ?? "?"
        guard let reason = certificateRevocationReason else { return ("verify.status.revoked", ["time": time]) }
        return ("verify.status.revoked-reason", ["time": time, "reason": reason])
    }
}
