import Crypto
import SwiftASN1
import X509

extension Certificate.SignatureAlgorithm {
    /// The `AlgorithmIdentifier` Licna writes for this signature algorithm: ECDSA and Ed25519 without
    /// parameters (RFC 5758 §3.2, RFC 8410 §3), RSA PKCS#1 v1.5 with an explicit NULL (RFC 4055 §5).
    public var algorithmIdentifier: AlgorithmIdentifier {
        get throws {
            switch self {
            case .ecdsaWithSHA256: return AlgorithmIdentifier(algorithm: .Signatures.ecdsaWithSHA256)
            case .ecdsaWithSHA384: return AlgorithmIdentifier(algorithm: .Signatures.ecdsaWithSHA384)
            case .ecdsaWithSHA512: return AlgorithmIdentifier(algorithm: .Signatures.ecdsaWithSHA512)
            case .ed25519: return AlgorithmIdentifier(algorithm: .Signatures.ed25519)
            case .sha256WithRSAEncryption:
                return AlgorithmIdentifier(algorithm: .Signatures.sha256WithRSAEncryption, parameters: try ASN1Any(erasing: ASN1Null()))
            case .sha384WithRSAEncryption:
                return AlgorithmIdentifier(algorithm: .Signatures.sha384WithRSAEncryption, parameters: try ASN1Any(erasing: ASN1Null()))
            case .sha512WithRSAEncryption:
                return AlgorithmIdentifier(algorithm: .Signatures.sha512WithRSAEncryption, parameters: try ASN1Any(erasing: ASN1Null()))
            default:
                throw PKIError(.unsupportedAlgorithm, "signature algorithm \(self) is not supported for signing")
            }
        }
    }

    /// The signature algorithm an `AlgorithmIdentifier` names, for verification; nil when unsupported.
    public init?(algorithmIdentifier: AlgorithmIdentifier) {
        switch algorithmIdentifier.algorithm {
        case .Signatures.ecdsaWithSHA256: self = .ecdsaWithSHA256
        case .Signatures.ecdsaWithSHA384: self = .ecdsaWithSHA384
        case .Signatures.ecdsaWithSHA512: self = .ecdsaWithSHA512
        case .Signatures.ed25519: self = .ed25519
        case .Signatures.sha256WithRSAEncryption: self = .sha256WithRSAEncryption
        case .Signatures.sha384WithRSAEncryption: self = .sha384WithRSAEncryption
        case .Signatures.sha512WithRSAEncryption: self = .sha512WithRSAEncryption
        case .Signatures.sha1WithRSAEncryption: self = .sha1WithRSAEncryption
        default: return nil
        }
    }

    /// The default algorithm for a public key: for ECDSA the hash matches the curve (RFC 5480 §4).
    public static func preferred(for key: Certificate.PublicKey) -> Certificate.SignatureAlgorithm {
        if P256.Signing.PublicKey(key) != nil { return .ecdsaWithSHA256 }
        if P384.Signing.PublicKey(key) != nil { return .ecdsaWithSHA384 }
        if P521.Signing.PublicKey(key) != nil { return .ecdsaWithSHA512 }
        if Curve25519.Signing.PublicKey(key) != nil { return .ed25519 }
        return .sha256WithRSAEncryption
    }
}
