import Foundation
import LicnaCardClient
import LicnaCore
import LicnaPKI
import LicnaServer
import X509

/// Card certificates and security objects from this installation's CAs: the citizen CA certifies the card's
/// keys (with the installation's OCSP and CRL addresses) and the CSCA's document signer signs EF.SOD.
struct InstallationCardAuthority: CardIssuingAuthority {
    let service: CertificateAuthorityService

    func issueCertificate(profile: CertificateProfile, csr: CertificateSigningRequest, latestNotAfter: Date,
                          attestation: KeyAttestation?) async throws -> Certificate {
        try await service.issue(CertificateRequest(profile: profile, csr: csr, latestNotAfter: latestNotAfter, attestation: attestation),
                                context: AuditContext(actor: commandLineActor, purpose: .cardPersonalization))
    }

    func securityObject(dataGroups: [Int: [UInt8]]) async throws -> [UInt8] {
        try await service.securityObject(dataGroups: dataGroups,
                                         context: AuditContext(actor: commandLineActor, purpose: .cardPersonalization))
    }
}
