import Crypto
import Foundation
import LicnaBasics
import LicnaPKI
import SwiftASN1
import X509

/// A throwaway hierarchy for development cards (`licna card create --test-identity` without `--data`/`--server`):
/// a root with a citizen CA, and a CSCA with a document signer, made in memory and saved beside the card as PEM
/// so that OpenSSL, OpenSC and passive authentication can be pointed at them. Its certificates carry no OCSP or
/// CRL address: nothing answers for a throwaway CA.
public struct DevelopmentCertificateAuthority: CardIssuingAuthority {
    public let root: SigningAuthority
    public let citizenCA: SigningAuthority
    public let csca: SigningAuthority
    public let documentSigner: SigningAuthority
    /// The clock its certificates' validity starts from.
    public let clock: any WallClock

    private static let nowhere = TrustServiceLocations.none

    /// A new hierarchy whose certificates are valid from `clock`'s now.
    public init(country: String = "ME", clock: any WallClock) throws {
        self.clock = clock
        let now = clock.now
        func name(_ commonName: String) throws -> DistinguishedName {
            try DistinguishedName {
                CountryName(country)
                OrganizationName("Licna development (not for real use)")
                CommonName(commonName)
            }
        }
        // The installation's key types and lifetimes, valid from an hour ago for clocks that lag.
        let hierarchy = CertificateHierarchyBuilder(now: now, backdating: 3_600)
        root = try hierarchy.selfSigned(.root, subject: try name("Licna Test Root CA"))
        citizenCA = try hierarchy.issue(.issuingCA, subject: try name("Licna Test Citizen CA"), under: root)
        csca = try hierarchy.selfSigned(.csca, subject: try name("Licna Test CSCA"))
        documentSigner = try hierarchy.issue(.documentSigner, subject: try name("Licna Test Document Signer"), under: csca)
    }

    /// The throwaway authority never states QcSSCD: the attestation is ignored.
    public func issueCertificate(profile: CertificateProfile, csr: CertificateSigningRequest, latestNotAfter: Date,
                                 attestation: KeyAttestation?) async throws -> Certificate {
        guard csr.publicKey.isValidSignature(csr.signature, for: csr) else {
            throw PKIError(.profileViolation, "the CSR's signature does not verify")
        }
        let now = clock.now
        return try CertificateIssuer().issue(
            profile: profile, subject: csr.subject, publicKey: csr.publicKey,
            serialNumber: CertificateSerialNumberGenerator().next(), notBefore: now - 60,
            notAfter: min(latestNotAfter, now + 5 * CertificateHierarchyBuilder.year, citizenCA.certificate.notValidAfter).wholeSeconds,
            authority: citizenCA,
            options: .init(locations: Self.nowhere))
    }

    public func securityObject(dataGroups: [Int: [UInt8]]) async throws -> [UInt8] {
        try await DocumentSecurityObject.build(dataGroups: dataGroups, documentSigner: documentSigner.certificate,
                                               signer: SoftwareSignatureProducer(privateKey: documentSigner.privateKey))
    }

    /// PEM of the root and the citizen CA (the trust chain for the card's certificates).
    public func chainPEM() throws -> String {
        try [citizenCA.certificate, root.certificate].map { try $0.serializeAsPEM().pemString }.joined(separator: "\n") + "\n"
    }

    /// PEM of the CSCA (the trust anchor for passive authentication).
    public func cscaPEM() throws -> String {
        try csca.certificate.serializeAsPEM().pemString + "\n"
    }
}
