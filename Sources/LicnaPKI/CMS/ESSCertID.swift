import SwiftASN1
import X509

/// RFC 2634 §5.4.1 (kept by RFC 5035 for version 1 of the attribute):
///
/// ```
/// ESSCertID ::= SEQUENCE {
///     certHash Hash,            -- SHA-1 of the whole certificate
///     issuerSerial IssuerSerial OPTIONAL }
/// ```
public struct ESSCertID: DERImplicitlyTaggable, Hashable, Sendable {
    public static var defaultIdentifier: ASN1Identifier { .sequence }

    /// `certHash` (SHA-1).
    public var certificateHash: [UInt8]
    /// `issuerSerial`.
    public var issuerSerial: ESSIssuerSerial?

    /// An ESSCertID with the given fields.
    public init(certificateHash: [UInt8], issuerSerial: ESSIssuerSerial?) {
        self.certificateHash = certificateHash
        self.issuerSerial = issuerSerial
    }

    public init(derEncoded rootNode: ASN1Node, withIdentifier identifier: ASN1Identifier) throws {
        self = try DER.sequence(rootNode, identifier: identifier) { nodes in
            let hash = try ASN1OctetString(derEncoded: &nodes)
            let issuerSerial: ESSIssuerSerial? = try DER.optionalImplicitlyTagged(&nodes)
            return ESSCertID(certificateHash: Array(hash.bytes), issuerSerial: issuerSerial)
        }
    }

    public func serialize(into coder: inout DER.Serializer, withIdentifier identifier: ASN1Identifier) throws {
        try coder.appendConstructedNode(identifier: identifier) { coder in
            try coder.serialize(ASN1OctetString(contentBytes: certificateHash[...]))
            if let issuerSerial { try coder.serialize(issuerSerial) }
        }
    }

    /// True when the SHA-1 hash (and the issuer/serial when present) identify `certificate`.
    public func matches(_ certificate: Certificate) -> Bool {
        guard let der = try? certificate.cmsDERBytes(), DigestAlgorithm.sha1.hash(der) == certificateHash else {
            return false
        }
        return issuerSerial?.matches(certificate) ?? true
    }
}

/// RFC 2634 §5.4 `SigningCertificate ::= SEQUENCE { certs SEQUENCE OF ESSCertID, policies … OPTIONAL }`,
/// attribute `id-aa-signingCertificate` (1.2.840.113549.1.9.16.2.12).
public struct ESSSigningCertificate: DERImplicitlyTaggable, Hashable, Sendable {
    public static var defaultIdentifier: ASN1Identifier { .sequence }
    /// RFC 2634 §5.4: id-aa-signingCertificate.
    public static let attributeType: ASN1ObjectIdentifier = [1, 2, 840, 113_549, 1, 9, 16, 2, 12]

    /// `certs`; the first identifies the signer certificate.
    public var certificates: [ESSCertID]
    /// `policies`, raw.
    public var policies: ASN1Any?

    /// A SigningCertificate listing `certificates`.
    public init(certificates: [ESSCertID], policies: ASN1Any? = nil) {
        self.certificates = certificates
        self.policies = policies
    }

    public init(derEncoded rootNode: ASN1Node, withIdentifier identifier: ASN1Identifier) throws {
        self = try DER.sequence(rootNode, identifier: identifier) { nodes in
            let certs = try DER.sequence(of: ESSCertID.self, identifier: .sequence, nodes: &nodes)
            let policies = nodes.next().map { ASN1Any(derEncoded: $0) }
            return ESSSigningCertificate(certificates: certs, policies: policies)
        }
    }

    public func serialize(into coder: inout DER.Serializer, withIdentifier identifier: ASN1Identifier) throws {
        try coder.appendConstructedNode(identifier: identifier) { coder in
            try coder.serializeSequenceOf(certificates)
            if let policies { try coder.serialize(policies) }
        }
    }
}
