import LicnaPKI
import X509

/// The outcome of `PassiveAuthentication` (ICAO 9303-11 §5.1): whether it passed, why not, and per data group.
public struct PassiveAuthenticationReport: Sendable {
    /// One data group's comparison with the security object.
    public struct DataGroupResult: Hashable, Sendable {
        public enum Status: Hashable, Sendable {
            /// The hash matches the one in EF.SOD.
            case matched
            /// The hash differs: the data group was altered.
            case mismatched
            /// EF.SOD records no hash for this data group.
            case notInSecurityObject
        }

        public var number: Int
        public var status: Status
    }

    /// Every reason the check failed, for people; empty when it passed.
    public var failures: [String] = []
    /// The SignedData signature and message-digest verified with the Document Signer certificate.
    public var signatureVerified = false
    /// The Document Signer chains to a trusted CSCA and both are valid at the validation time.
    public var chainVerified = false
    /// The Document Signer certificate that verified the signature.
    public var documentSigner: Certificate?
    /// The CSCA the Document Signer chains to.
    public var csca: Certificate?
    /// The decoded security object.
    public var securityObject: LDSSecurityObject?
    /// The data groups read, in number order.
    public var dataGroups: [DataGroupResult] = []
    /// Data groups EF.SOD records that were not given to the check (not read, for whatever reason).
    public var dataGroupsNotRead: [Int] = []
    /// Data groups EF.SOD records that the card refused to give (e.g. DG3 without EAC, `69 82`).
    public var unreadableDataGroups: [Int] = []

    /// True when the signature and the chain verified and every data group read matched.
    public var passed: Bool {
        failures.isEmpty && signatureVerified && chainVerified && dataGroups.allSatisfy { $0.status == .matched }
    }
}
