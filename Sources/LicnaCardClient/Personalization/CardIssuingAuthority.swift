import LicnaPKI
import X509

/// Who certifies what the personalizer puts on a card: the citizen certificates for the two card keys and the
/// eMRTD security object. A Licna installation (its citizen CA and document signer) or a throwaway
/// development authority.
public protocol CardIssuingAuthority: Sendable {
    /// Issues a citizen certificate (`authentication` or `signature`) for a CSR signed by the card's key.
    func issueCertificate(profile: CertificateProfile, csr: CertificateSigningRequest) async throws -> Certificate

    /// EF.SOD for the given data groups (number → file bytes), signed by a document signer under the CSCA.
    func securityObject(dataGroups: [Int: [UInt8]]) async throws -> [UInt8]
}
