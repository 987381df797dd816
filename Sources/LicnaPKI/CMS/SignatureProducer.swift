import X509

/// Something that signs bytes with a private key: software keys today, a smart card later.
///
/// RFC 5652 §5.5: the producer signs the DER of the signed attributes; it hashes them itself with the hash
/// named by `signatureAlgorithm`. ECDSA signatures are returned DER-encoded (`ECDSA-Sig-Value`, RFC 5480 §2.2
/// / RFC 3279 §2.2.3), RSA signatures as the raw octets, as in X.509.
public protocol SignatureProducer: Sendable {
    /// The public key matching the private key; builders check it against the signer certificate.
    var publicKey: Certificate.PublicKey { get }
    /// The signature algorithm the producer uses (hash and key type).
    var signatureAlgorithm: Certificate.SignatureAlgorithm { get }
    /// Signs `bytes`, hashing them with the hash of `signatureAlgorithm`.
    func signature(for bytes: [UInt8]) async throws -> [UInt8]
}

/// A `SignatureProducer` backed by an in-memory `Certificate.PrivateKey` (RFC 5652 §5.5).
public struct SoftwareSignatureProducer: SignatureProducer {
    /// The private key.
    public let privateKey: Certificate.PrivateKey
    /// The signature algorithm; defaults to the preferred one for the key (RFC 5480 §4).
    public let signatureAlgorithm: Certificate.SignatureAlgorithm

    /// A producer for `privateKey`; `signatureAlgorithm` defaults to `Certificate.SignatureAlgorithm.preferred(for:)`.
    public init(privateKey: Certificate.PrivateKey, signatureAlgorithm: Certificate.SignatureAlgorithm? = nil) {
        self.privateKey = privateKey
        self.signatureAlgorithm = signatureAlgorithm ?? .preferred(for: privateKey.publicKey)
    }

    /// The public key of `privateKey`.
    public var publicKey: Certificate.PublicKey { privateKey.publicKey }

    /// Signs `bytes` with `privateKey`.
    public func signature(for bytes: [UInt8]) async throws -> [UInt8] {
        try privateKey.sign(bytes: bytes, signatureAlgorithm: signatureAlgorithm).rawRepresentation
    }
}
