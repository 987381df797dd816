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

    private static let year: TimeInterval = 365.25 * 86_400
    private static let nowhere = TrustServiceLocations(ocsp: nil, caIssuers: nil, crl: nil)

    /// A new hierarchy whose certificates are valid from `clock`'s now.
    public init(country: String = "ME", clock: any WallClock) throws {
        self.clock = clock
        let now = clock.now
        let issuer = CertificateIssuer()
        let serials = CertificateSerialNumberGenerator()
        func name(_ commonName: String) throws -> DistinguishedName {
            try DistinguishedName {
                CountryName(country)
                OrganizationName("Licna development (not for real use)")
                CommonName(commonName)
            }
        }
        let start = now - 3_600
        let rootKey = Certificate.PrivateKey(P384.Signing.PrivateKey())
        let rootCertificate = try issuer.issue(
            profile: .rootCA, subject: try name("Licna Test Root CA"), publicKey: rootKey.publicKey,
            serialNumber: serials.next(), notBefore: start, notAfter: now + 20 * Self.year, authority: nil,
            selfSigningKey: rootKey, options: .init(locations: Self.nowhere, maxPathLength: 1))
        root = SigningAuthority(certificate: rootCertificate, privateKey: rootKey)
        let citizenKey = Certificate.PrivateKey(P384.Signing.PrivateKey())
        citizenCA = SigningAuthority(certificate: try issuer.issue(
            profile: .issuingCA, subject: try name("Licna Test Citizen CA"), publicKey: citizenKey.publicKey,
            serialNumber: serials.next(), notBefore: start, notAfter: now + 12 * Self.year, authority: root,
            options: .init(locations: Self.nowhere, maxPathLength: 0)), privateKey: citizenKey)
        let cscaKey = Certificate.PrivateKey(P384.Signing.PrivateKey())
        let cscaCertificate = try issuer.issue(
            profile: .csca, subject: try name("Licna Test CSCA"), publicKey: cscaKey.publicKey,
            serialNumber: serials.next(), notBefore: start, notAfter: now + 15 * Self.year, authority: nil,
            selfSigningKey: cscaKey, options: .init(locations: Self.nowhere, maxPathLength: 0))
        csca = SigningAuthority(certificate: cscaCertificate, privateKey: cscaKey)
        let signerKey = Certificate.PrivateKey(P256.Signing.PrivateKey())
        documentSigner = SigningAuthority(certificate: try issuer.issue(
            profile: .documentSigner, subject: try name("Licna Test Document Signer"), publicKey: signerKey.publicKey,
            serialNumber: serials.next(), notBefore: start, notAfter: now + 11 * Self.year, authority: csca,
            options: .init(locations: Self.nowhere)), privateKey: signerKey)
    }

    /// The throwaway authority never states QcSSCD: the attestation is ignored.
    public func issueCertificate(profile: CertificateProfile, csr: CertificateSigningRequest,
                                 attestation: KeyAttestation?) async throws -> Certificate {
        guard csr.publicKey.isValidSignature(csr.signature, for: csr) else {
            throw PKIError(.profileViolation, "the CSR's signature does not verify")
        }
        let now = clock.now
        return try CertificateIssuer().issue(
            profile: profile, subject: csr.subject, publicKey: csr.publicKey,
            serialNumber: CertificateSerialNumberGenerator().next(), notBefore: now - 60,
            notAfter: min(now + 5 * Self.year, citizenCA.certificate.notValidAfter), authority: citizenCA,
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
