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
    /// Certificates are issued on hold (a card for a citizen, until its activation).
    var onHold = false
    /// The serials issued so far, so that a personalization that fails later can revoke them.
    let issued = IssuedSerials()

    func issueCertificate(profile: CertificateProfile, csr: CertificateSigningRequest, latestNotAfter: Date,
                          attestation: KeyAttestation?) async throws -> Certificate {
        let certificate = try await service.issue(
            CertificateRequest(profile: profile, csr: csr, latestNotAfter: latestNotAfter, attestation: attestation, onHold: onHold),
            context: AuditContext(actor: commandLineActor, purpose: .cardPersonalization))
        issued.append(certificate.serialNumber.hex)
        return certificate
    }

    func securityObject(dataGroups: [Int: [UInt8]]) async throws -> [UInt8] {
        try await service.securityObject(dataGroups: dataGroups,
                                         context: AuditContext(actor: commandLineActor, purpose: .cardPersonalization))
    }
}

/// The serials an authority issued during one personalization.
final class IssuedSerials: @unchecked Sendable {
    private let lock = NSLock()
    private var serials: [String] = []

    func append(_ serial: String) { lock.withLock { serials.append(serial) } }
    var all: [String] { lock.withLock { serials } }
}
