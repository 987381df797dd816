import SwiftASN1

/// RFC 3161 §2.4.1:
///
/// ```
/// MessageImprint ::= SEQUENCE {
///     hashAlgorithm AlgorithmIdentifier,
///     hashedMessage OCTET STRING }
/// ```
public struct MessageImprint: DERImplicitlyTaggable, Hashable, Sendable {
    public static var defaultIdentifier: ASN1Identifier { .sequence }

    /// `hashAlgorithm`.
    public var hashAlgorithm: AlgorithmIdentifier
    /// `hashedMessage`.
    public var hashedMessage: [UInt8]

    /// An imprint with the given algorithm identifier and hash.
    public init(hashAlgorithm: AlgorithmIdentifier, hashedMessage: [UInt8]) {
        self.hashAlgorithm = hashAlgorithm
        self.hashedMessage = hashedMessage
    }

    /// The imprint of `data` under `algorithm`.
    public init(hashing data: [UInt8], with algorithm: DigestAlgorithm) {
        self.init(hashAlgorithm: algorithm.algorithmIdentifier, hashedMessage: algorithm.hash(data))
    }

    /// The hash algorithm; throws `.unsupportedAlgorithm` for one Licna does not know or with parameters
    /// other than absent/NULL (RFC 5754 §2), `.badRequest` when the hash has the wrong length.
    public var digestAlgorithm: DigestAlgorithm {
        get throws {
            guard let algorithm = DigestAlgorithm(oid: hashAlgorithm.algorithm), hashAlgorithm.hasNoParameters else {
                throw PKIError(.unsupportedAlgorithm, "hash algorithm \(hashAlgorithm.algorithm)")
            }
            guard hashedMessage.count == algorithm.outputLength else {
                throw PKIError(.badRequest, "hashedMessage has \(hashedMessage.count) bytes, \(algorithm) needs \(algorithm.outputLength)")
            }
            return algorithm
        }
    }

    public init(derEncoded rootNode: ASN1Node, withIdentifier identifier: ASN1Identifier) throws {
        self = try DER.sequence(rootNode, identifier: identifier) { nodes in
            let algorithm = try AlgorithmIdentifier(derEncoded: &nodes)
            let hash = try ASN1OctetString(derEncoded: &nodes)
            return MessageImprint(hashAlgorithm: algorithm, hashedMessage: Array(hash.bytes))
        }
    }

    public func serialize(into coder: inout DER.Serializer, withIdentifier identifier: ASN1Identifier) throws {
        try coder.appendConstructedNode(identifier: identifier) { coder in
            try coder.serialize(hashAlgorithm)
            try coder.serialize(ASN1OctetString(contentBytes: hashedMessage[...]))
        }
    }
}
