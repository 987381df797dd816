import X509

extension Certificate.SignatureAlgorithm {
    /// The algorithm a SignerInfo's `signatureAlgorithm` (RFC 5652 §5.3) names, taking the hash from its
    /// `digestAlgorithm` when the identifier is a bare key algorithm: `rsaEncryption` (RFC 3370 §3.2 allows
    /// it) or `id-ecPublicKey` (seen in the wild). Nil when unsupported.
    public init?(cmsSignatureAlgorithm identifier: AlgorithmIdentifier, digestAlgorithm: DigestAlgorithm) {
        switch identifier.algorithm {
        case .Signatures.rsaEncryption:
            switch digestAlgorithm {
            case .sha1: self = .sha1WithRSAEncryption
            case .sha256: self = .sha256WithRSAEncryption
            case .sha384: self = .sha384WithRSAEncryption
            case .sha512: self = .sha512WithRSAEncryption
            }
        case .Signatures.ecPublicKey:
            switch digestAlgorithm {
            case .sha1: return nil
            case .sha256: self = .ecdsaWithSHA256
            case .sha384: self = .ecdsaWithSHA384
            case .sha512: self = .ecdsaWithSHA512
            }
        default:
            self.init(algorithmIdentifier: identifier)
        }
    }
}
