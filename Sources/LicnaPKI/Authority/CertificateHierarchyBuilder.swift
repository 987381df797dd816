import Foundation
import X509

/// Builds a CA hierarchy certificate by certificate: a fresh key of the role's type for each, the role's profile
/// and lifetime, serial numbers from one generator. The one place where a hierarchy's key types and lifetimes are
/// chosen: the installation's `licna ca init`, the throwaway development CA and the tests' hierarchies all build
/// through it, so they cannot drift apart.
///
/// Every certificate is valid from `now - backdating` (a little slack for relying parties whose clocks are behind)
/// until `now` plus the role's lifetime, cut at the issuer's end (RFC 5280 §6.1.3: a certificate that outlives its
/// CA cannot be verified after the CA expires).
public struct CertificateHierarchyBuilder: Sendable {
    /// A year as the lifetimes count it (365.25 days).
    public static let year: TimeInterval = 365.25 * 86_400

    /// The moment the lifetimes count from.
    public let now: Date
    /// How long before `now` each certificate becomes valid.
    public let backdating: TimeInterval
    private let issuer = CertificateIssuer()
    private let serials = CertificateSerialNumberGenerator()

    public init(now: Date, backdating: TimeInterval = 0) {
        self.now = now
        self.backdating = backdating
    }

    /// A self-signed CA of `role` (a root, or the country signing CA of ICAO 9303-12 §5) with a new key.
    public func selfSigned(_ role: Role, subject: DistinguishedName, locations: TrustServiceLocations = .none) throws -> SigningAuthority {
        let key = role.keyType.makePrivateKey()
        let certificate = try issuer.issue(
            profile: role.profile, subject: subject, publicKey: key.publicKey, serialNumber: serials.next(),
            notBefore: now - backdating, notAfter: now + role.lifetime, authority: nil, selfSigningKey: key,
            options: .init(locations: locations, maxPathLength: role.maxPathLength))
        return SigningAuthority(certificate: certificate, privateKey: key)
    }

    /// A certificate of `role` under `authority` with a new key, valid until `notAfter` when given (never past the
    /// issuer's end), else for the role's lifetime.
    public func issue(_ role: Role, subject: DistinguishedName, under authority: SigningAuthority,
                      locations: TrustServiceLocations = .none, notAfter: Date? = nil) throws -> SigningAuthority {
        let key = role.keyType.makePrivateKey()
        let certificate = try issuer.issue(
            profile: role.profile, subject: subject, publicKey: key.publicKey, serialNumber: serials.next(),
            notBefore: now - backdating, notAfter: notAfter ?? now + role.lifetime, authority: authority,
            options: .init(locations: locations, maxPathLength: role.maxPathLength))
        return SigningAuthority(certificate: certificate, privateKey: key)
    }
}

extension TrustServiceLocations {
    /// No OCSP, issuer or CRL address: CA certificates under an offline root's CRL-less start, throwaway CAs.
    public static let none = TrustServiceLocations(ocsp: nil, caIssuers: nil, crl: nil)
}
