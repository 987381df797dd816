import Foundation
import SwiftASN1
import X509

/// Makes certificates of a profile under a signing authority. Pure: the caller supplies the serial number,
/// the validity and the locations, and stores the result before anyone sees it.
public struct CertificateIssuer: Sendable {
    /// What the profile needs besides subject and key.
    public struct Options: Sendable {
        /// ETSI EN 319 412-5 §4.2.2: true only when the key is in a certified QSCD (never a virtual card).
        public var keyOnQSCD: Bool
        public var disclosureStatements: [QCStatements.DisclosureStatement]
        public var locations: TrustServiceLocations
        /// Path length for CA certificates (RFC 5280 §4.2.1.9).
        public var maxPathLength: Int?

        public init(keyOnQSCD: Bool = false, disclosureStatements: [QCStatements.DisclosureStatement] = [],
                    locations: TrustServiceLocations, maxPathLength: Int? = nil) {
            self.keyOnQSCD = keyOnQSCD
            self.disclosureStatements = disclosureStatements
            self.locations = locations
            self.maxPathLength = maxPathLength
        }
    }

    public init() {}

    /// Issues a certificate. `authority` is nil for a self-signed CA, whose `selfSigningKey` signs it.
    /// Throws `profileViolation` when the validity would outlast the issuing CA (RFC 5280 §6.1.3 makes such
    /// a certificate unverifiable after the CA expires; Albania's 50-year certificates are the warning).
    public func issue(
        profile: CertificateProfile,
        subject: DistinguishedName,
        publicKey: Certificate.PublicKey,
        serialNumber: Certificate.SerialNumber,
        notBefore: Date,
        notAfter: Date,
        authority: SigningAuthority?,
        selfSigningKey: Certificate.PrivateKey? = nil,
        options: Options
    ) throws -> Certificate {
        guard notAfter > notBefore else {
            throw PKIError(.profileViolation, "the certificate would expire before it becomes valid")
        }
        if let authority, notAfter > authority.certificate.notValidAfter {
            throw PKIError(.profileViolation, "the certificate may not outlast its CA (which expires \(authority.certificate.notValidAfter))")
        }
        let signingKey: Certificate.PrivateKey
        let issuerName: DistinguishedName
        let issuerKeyIdentifier: ArraySlice<UInt8>
        if let authority {
            signingKey = authority.privateKey
            issuerName = authority.certificate.subject
            issuerKeyIdentifier = authority.subjectKeyIdentifier
        } else if let selfSigningKey {
            signingKey = selfSigningKey
            issuerName = subject
            issuerKeyIdentifier = SubjectKeyIdentifier(hash: publicKey).keyIdentifier
        } else {
            throw PKIError(.profileViolation, "a certificate needs an issuing authority or a self-signing key")
        }
        let extensions = try makeExtensions(profile: profile, publicKey: publicKey, issuerKeyIdentifier: issuerKeyIdentifier,
                                            selfSigned: authority == nil, options: options)
        return try Certificate(
            version: .v3,
            serialNumber: serialNumber,
            publicKey: publicKey,
            notValidBefore: notBefore,
            notValidAfter: notAfter,
            issuer: issuerName,
            subject: subject,
            signatureAlgorithm: .preferred(for: signingKey.publicKey),
            extensions: Certificate.Extensions(extensions),
            issuerPrivateKey: signingKey
        )
    }

    private func makeExtensions(profile: CertificateProfile, publicKey: Certificate.PublicKey,
                                issuerKeyIdentifier: ArraySlice<UInt8>, selfSigned: Bool,
                                options: Options) throws -> [Certificate.Extension] {
        var extensions: [Certificate.Extension] = []
        if profile.isCertificateAuthority {
            extensions.append(try Certificate.Extension(
                BasicConstraints.isCertificateAuthority(maxPathLength: options.maxPathLength), critical: true))
        }
        extensions.append(try Certificate.Extension(profile.keyUsage, critical: true))
        if let (eku, critical) = profile.extendedKeyUsage {
            extensions.append(try Certificate.Extension(eku, critical: critical))
        }
        extensions.append(try Certificate.Extension(SubjectKeyIdentifier(hash: publicKey), critical: false))
        if !selfSigned {
            extensions.append(try Certificate.Extension(AuthorityKeyIdentifier(keyIdentifier: issuerKeyIdentifier), critical: false))
        }
        let policies = profile.policies(keyOnQSCD: options.keyOnQSCD)
        if !policies.isEmpty { extensions.append(try CertificatePolicies(policies).makeExtension()) }
        if let statements = profile.qcStatements(keyOnQSCD: options.keyOnQSCD, disclosureStatements: options.disclosureStatements) {
            extensions.append(try statements.makeExtension())
        }
        if profile == .ocspResponder {
            // RFC 6960 §4.2.2.2.1: id-pkix-ocsp-nocheck with a NULL value; clients trust it for its lifetime.
            extensions.append(Certificate.Extension(oid: .PKIXExtensions.ocspNoCheck, critical: false, value: [0x05, 0x00]))
        }
        var access: [AuthorityInformationAccess.AccessDescription] = []
        if let ocsp = options.locations.ocsp, profile != .ocspResponder {
            access.append(.init(method: .ocspServer, location: .uniformResourceIdentifier(ocsp)))
        }
        if let issuers = options.locations.caIssuers {
            access.append(.init(method: .issuingCA, location: .uniformResourceIdentifier(issuers)))
        }
        if !access.isEmpty {
            extensions.append(try Certificate.Extension(AuthorityInformationAccess(access), critical: false))
        }
        if let crl = options.locations.crl, profile != .ocspResponder {
            extensions.append(try DistributionPoint(url: crl).makeCRLDistributionPointsExtension())
        }
        return extensions
    }
}
