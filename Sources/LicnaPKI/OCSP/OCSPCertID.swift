import SwiftASN1
import X509

/// RFC 6960 §4.1.1:
///
/// ```
/// CertID ::= SEQUENCE { hashAlgorithm AlgorithmIdentifier, issuerNameHash OCTET STRING,
///                       issuerKeyHash OCTET STRING, serialNumber CertificateSerialNumber }
/// ```
///
/// The bytes as received are kept: the response must echo the request's CertID exactly (§4.2.1).
public struct OCSPCertID: Hashable, Sendable {
    public var hashAlgorithm: DigestAlgorithm
    public var issuerNameHash: [UInt8]
    public var issuerKeyHash: [UInt8]
    /// The serial number's INTEGER content octets, without leading zero octets.
    public var serialNumber: [UInt8]
    /// The whole CertID as received.
    public var encoded: [UInt8]

    /// A CertID as received, its serial number given as the INTEGER's content octets (leading zero octets dropped
    /// here, for both of `OCSPRequest`'s reads).
    init(hashAlgorithm: DigestAlgorithm, issuerNameHash: [UInt8], issuerKeyHash: [UInt8], serialContent: some Collection<UInt8>, encoded: [UInt8]) {
        self.hashAlgorithm = hashAlgorithm
        self.issuerNameHash = issuerNameHash
        self.issuerKeyHash = issuerKeyHash
        let significant = Array(serialContent.drop(while: { $0 == 0 }))
        serialNumber = significant.isEmpty ? [0] : significant
        self.encoded = encoded
    }

    public init(derEncoded node: ASN1Node) throws {
        let parsed = try DER.sequence(node, identifier: .sequence) { nodes in
            let algorithm = try AlgorithmIdentifier(derEncoded: &nodes)
            guard let hash = DigestAlgorithm(oid: algorithm.algorithm), algorithm.hasNoParameters else {
                throw PKIError(.unsupportedAlgorithm, "CertID hash algorithm \(algorithm.algorithm) is not supported")
            }
            let nameHash = try ASN1OctetString(derEncoded: &nodes)
            let keyHash = try ASN1OctetString(derEncoded: &nodes)
            guard let serialNode = nodes.next(), serialNode.identifier == .integer, case .primitive(let serial) = serialNode.content,
                  !serial.isEmpty, serial.count <= 21 else {
                throw PKIError(.malformed, "CertID serial number is not a valid INTEGER")
            }
            guard nameHash.bytes.count == hash.outputLength, keyHash.bytes.count == hash.outputLength else {
                throw PKIError(.malformed, "CertID hashes have the wrong length for \(hash)")
            }
            return (hash, Array(nameHash.bytes), Array(keyHash.bytes), serial)
        }
        self.init(hashAlgorithm: parsed.0, issuerNameHash: parsed.1, issuerKeyHash: parsed.2, serialContent: parsed.3, encoded: Array(node.encodedBytes))
    }

    /// The CertID of the certificate with `serialNumber` issued by `issuer`.
    public init(hashAlgorithm: DigestAlgorithm, issuer: Certificate, serialNumber: Certificate.SerialNumber) throws {
        try self.init(hashAlgorithm: hashAlgorithm, issuerNameDER: try DEREncoding.encode(issuer.subject),
                      issuerPublicKeyBits: Array(issuer.publicKey.subjectPublicKeyInfoBytes), serialNumber: Array(serialNumber.bytes))
    }

    /// A CertID computed for a certificate of `issuer` (the request side, for clients and tests).
    public init(hashAlgorithm: DigestAlgorithm, issuerNameDER: [UInt8], issuerPublicKeyBits: [UInt8], serialNumber: [UInt8]) throws {
        self.hashAlgorithm = hashAlgorithm
        issuerNameHash = hashAlgorithm.hash(issuerNameDER)
        issuerKeyHash = hashAlgorithm.hash(issuerPublicKeyBits)
        self.serialNumber = Array(serialNumber.drop(while: { $0 == 0 }))
        let nameHash = issuerNameHash, keyHash = issuerKeyHash
        encoded = try DEREncoding.encode { coder in
            try coder.appendConstructedNode(identifier: .sequence) { coder in
                try coder.serialize(hashAlgorithm.algorithmIdentifier)
                try coder.serialize(ASN1OctetString(contentBytes: nameHash[...]))
                try coder.serialize(ASN1OctetString(contentBytes: keyHash[...]))
                coder.appendPrimitiveNode(identifier: .integer) { $0.append(contentsOf: DEREncoding.positiveIntegerBytes(serialNumber)) }
            }
        }
    }
}
