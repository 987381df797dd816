import Foundation
import LicnaPKI
import X509

/// Who certifies what the personalizer puts on a card: the citizen certificates for the two card keys and the
/// eMRTD security object. A Licna installation (its citizen CA and document signer) or a throwaway
/// development authority.
public protocol CardIssuingAuthority: Sendable {
    /// Issues a citizen certificate (`authentication` or `signature`) for a CSR signed by the card's key, valid
    /// until `latestNotAfter` at the latest (the card's policy: the certificate period, never past the card's
    /// expiry), or earlier where the authority's own CA or policy ends sooner.
    /// `attestation` is the card's proof that it generated the key (nil when the card gave none); an authority
    /// that states QcSSCD does so only on a verified attestation of a certified model.
    func issueCertificate(profile: CertificateProfile, csr: CertificateSigningRequest, latestNotAfter: Date,
                          attestation: KeyAttestation?) async throws -> Certificate

    /// EF.SOD for the given data groups (number → file bytes), signed by a document signer under the CSCA.
    func securityObject(dataGroups: [Int: [UInt8]]) async throws -> [UInt8]
}
