import X509

/// A CA certificate with the private key that signs under it. Self-signed CAs sign their own certificate.
public struct SigningAuthority: Sendable {
    public var certificate: Certificate
    public var privateKey: Certificate.PrivateKey

    public init(certificate: Certificate, privateKey: Certificate.PrivateKey) {
        self.certificate = certificate
        self.privateKey = privateKey
    }

    /// The key identifier relying parties match against the issued certificate's AKI.
    public var subjectKeyIdentifier: ArraySlice<UInt8> {
        if let ski = try? certificate.extensions.subjectKeyIdentifier { return ski.keyIdentifier }
        return SubjectKeyIdentifier(hash: certificate.publicKey).keyIdentifier
    }

    /// The signature algorithm matching the key's curve.
    public var signatureAlgorithm: Certificate.SignatureAlgorithm { .preferred(for: privateKey.publicKey) }
}
