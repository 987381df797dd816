import LicnaCore
import LicnaPKI

extension AuditAction {
    /// The revocation of a certificate for this RFC 5280 §5.3.1 reason; nil for certificateHold and removeFromCRL,
    /// which are no revocations (a hold is `caHold`).
    static func revoke(_ reason: RevocationReason) -> AuditAction? {
        switch reason {
        case .unspecified: .caRevokeUnspecified
        case .keyCompromise: .caRevokeKeyCompromise
        case .cACompromise: .caRevokeCACompromise
        case .affiliationChanged: .caRevokeAffiliationChanged
        case .superseded: .caRevokeSuperseded
        case .cessationOfOperation: .caRevokeCessationOfOperation
        case .privilegeWithdrawn: .caRevokePrivilegeWithdrawn
        case .aACompromise: .caRevokeAACompromise
        case .certificateHold, .removeFromCRL: nil
        }
    }
}
