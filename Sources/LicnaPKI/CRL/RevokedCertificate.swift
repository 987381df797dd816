import Foundation
import X509

/// One entry of a CRL (RFC 5280 §5.1.2.6) with its entry extensions: reason code (§5.3.1) and invalidity
/// date (§5.3.2).
public struct RevokedCertificate: Hashable, Sendable {
    public var serialNumber: Certificate.SerialNumber
    public var revocationDate: Date
    public var reason: RevocationReason?
    /// When the key is known or suspected to have been compromised, if earlier than the revocation.
    public var invalidityDate: Date?

    public init(serialNumber: Certificate.SerialNumber, revocationDate: Date, reason: RevocationReason?, invalidityDate: Date? = nil) {
        self.serialNumber = serialNumber
        self.revocationDate = revocationDate
        self.reason = reason
        self.invalidityDate = invalidityDate
    }
}
