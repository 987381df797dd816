import SwiftASN1
import X509

/// RFC 5035 §4:
///
/// ```
/// ESSCertIDv2 ::= SEQUENCE {
///     hashAlgorithm AlgorithmIdentifier DEFAULT {algorithm id-sha256},
///     certHash Hash,
///     issuerSerial IssuerSerial OPTIONAL }
/// ```
///
/// `hashAlgorithm` is omitted on encoding when it is SHA-256 (DER forbids encoding a DEFAULT value).
public struct ESSCertIDv2: DERImplicitlyTaggable, Hashable, Sendable {
    public static var defaultIdentifier: ASN1Identifier { .sequence }

    /// `hashAlgorithm`.
    public var hashAlgorithm: AlgorithmIdentifier
    /// `certHash`: the hash of the whole certificate DER.
    public var certificateHash: [UInt8]
    /// `issuerSerial`.
    public var issuerSerial: ESSIssuerSerial?

    /// An ESSCertIDv2 with the given fields.
    public init(hashAlgorithm: AlgorithmIdentifier, certificateHash: [UInt8], issuerSerial: ESSIssuerSerial?) {
        self.hashAlgorithm = hashAlgorithm
        self.certificateHash = certificateHash
        self.issuerSerial = issuerSerial
    }

    /// The ESSCertIDv2 of `certificate` with `issuerSerial` filled in (RFC 5035 §4, RFC 5816 §2.2.1).
    public init(certificate: Certificate, hashAlgorithm: DigestAlgorithm = .sha256) throws {
        self.init(
            hashAlgorithm: hashAlgorithm.algorithmIdentifier,
            certificateHash: hashAlgorithm.hash(try certificate.cmsDERBytes()),
            issuerSerial: ESSIssuerSerial(certificate: certificate)
        )
    }

    public init(derEncoded rootNode: ASN1Node, withIdentifier identifier: ASN1Identifier) throws {
        self = try DER.sequence(rootNode, identifier: identifier) { nodes in
            var hashAlgorithm = DigestAlgorithm.sha256.algorithmIdentifier
            var lookahead = nodes
            if let node = lookahead.next(), node.identifier == .sequence {
                nodes = lookahead
                hashAlgorithm = try AlgorithmIdentifier(derEncoded: node)
            }
            let hash = try ASN1OctetString(derEncoded: &nodes)
            let issuerSerial: ESSIssuerSerial? = try DER.optionalImplicitlyTagged(&nodes)
            return ESSCertIDv2(hashAlgorithm: hashAlgorithm, certificateHash: Array(hash.bytes), issuerSerial: issuerSerial)
        }
    }

    public func serialize(into coder: inout DER.Serializer, withIdentifier identifier: ASN1Identifier) throws {
        try coder.appendConstructedNode(identifier: identifier) { coder in
            let isDefault = hashAlgorithm.algorithm == .Hashes.sha256 && hashAlgorithm.parameters == nil
            if !isDefault { try coder.serialize(hashAlgorithm) }
            try coder.serialize(ASN1OctetString(contentBytes: certificateHash[...]))
            if let issuerSerial { try coder.serialize(issuerSerial) }
        }
    }

    /// True when the hash (and the issuer/serial when present) identify `certificate` (RFC 5035 §5.4).
    public func matches(_ certificate: Certificate) -> Bool {
        guard let algorithm = DigestAlgorithm(oid: hashAlgorithm.algorithm),
            let der = try? certificate.cmsDERBytes(),
            algorithm.hash(der) == certificateHash
        else { return false }
        return issuerSerial?.matches(certificate) ?? true
    }
}

/// RFC 5035 §3:
///
/// ```
/// SigningCertificateV2 ::= SEQUENCE {
///     certs SEQUENCE OF ESSCertIDv2,
///     policies SEQUENCE OF PolicyInformation OPTIONAL }
/// ```
public struct ESSSigningCertificateV2: DERImplicitlyTaggable, Hashable, Sendable {
    public static var defaultIdentifier: ASN1Identifier { .sequence }

    /// `certs`; the first identifies the signer certificate.
    public var certificates: [ESSCertIDv2]
    /// `policies`, raw.
    public var policies: ASN1Any?

    /// A SigningCertificateV2 listing `certificates`.
    public init(certificates: [ESSCertIDv2], policies: ASN1Any? = nil) {
        self.certificates = certificates
        self.policies = policies
    }

    public init(derEncoded rootNode: ASN1Node, withIdentifier identifier: ASN1Identifier) throws {
        self = try DER.sequence(rootNode, identifier: identifier) { nodes in
            let certs = try DER.sequence(of: ESSCertIDv2.self, identifier: .sequence, nodes: &nodes)
            let policies = nodes.next().map { ASN1Any(derEncoded: $0) }
            return ESSSigningCertificateV2(certificates: certs, policies: policies)
        }
    }

    public func serialize(into coder: inout DER.Serializer, withIdentifier identifier: ASN1Identifier) throws {
        try coder.appendConstructedNode(identifier: identifier) { coder in
            try coder.serializeSequenceOf(certificates)
            if let policies { try coder.serialize(policies) }
        }
    }
}
