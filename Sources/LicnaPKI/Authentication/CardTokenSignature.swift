import Crypto
import Foundation
import X509

/// What a card signs to prove it is present for one purpose at one origin (STANDARDS.md, "The card-signed token";
/// Web eID 1.0's authentication token): the data `H(origin) ‖ H(nonce)`, where H is SHA-256 for P-256 keys and
/// SHA-384 for P-384 keys, signed with ECDSA over H again; the signature is raw `r ‖ s` (RFC 7518 §3.4, as JWS has it).
public enum CardTokenSignature {
    /// The JWS names of the algorithms a card token may use.
    public enum Algorithm: String, Sendable, CaseIterable {
        case es256 = "ES256"
        case es384 = "ES384"

        /// The algorithm of a card's key: ES256 for P-256, ES384 for P-384; nil for anything else.
        public init?(key: Certificate.PublicKey) {
            if P256.Signing.PublicKey(key) != nil { self = .es256 } else if P384.Signing.PublicKey(key) != nil { self = .es384 } else { return nil }
        }
    }

    /// `H(origin) ‖ H(nonce)`: the origin is the ASCII serialization of the web origin (`scheme://host[:port]`), the
    /// nonce the base64 text the server issued.
    public static func signedData(origin: String, nonce: String, algorithm: Algorithm) -> [UInt8] {
        switch algorithm {
        case .es256: Array(SHA256.hash(data: Data(origin.utf8))) + Array(SHA256.hash(data: Data(nonce.utf8)))
        case .es384: Array(SHA384.hash(data: Data(origin.utf8))) + Array(SHA384.hash(data: Data(nonce.utf8)))
        }
    }

    /// The hash a card signs for `signedData` (what GENERAL AUTHENTICATE receives).
    public static func digest(origin: String, nonce: String, algorithm: Algorithm) -> [UInt8] {
        let data = signedData(origin: origin, nonce: nonce, algorithm: algorithm)
        switch algorithm {
        case .es256: return Array(SHA256.hash(data: data))
        case .es384: return Array(SHA384.hash(data: data))
        }
    }

    /// Whether `signature` (raw `r ‖ s`) is `certificate`'s key's signature over the data for `origin` and `nonce`
    /// with `algorithm`. False when the algorithm does not fit the key, the signature has the wrong length, or it
    /// does not verify; the origin and nonce are always the verifier's own, never taken from the token.
    public static func verify(_ signature: [UInt8], algorithm: Algorithm, certificate: Certificate, origin: String, nonce: String) -> Bool {
        let data = signedData(origin: origin, nonce: nonce, algorithm: algorithm)
        switch algorithm {
        case .es256:
            guard let key = P256.Signing.PublicKey(certificate.publicKey), signature.count == 64,
                  let ecdsa = try? P256.Signing.ECDSASignature(rawRepresentation: signature) else { return false }
            return key.isValidSignature(ecdsa, for: data)
        case .es384:
            guard let key = P384.Signing.PublicKey(certificate.publicKey), signature.count == 96,
                  let ecdsa = try? P384.Signing.ECDSASignature(rawRepresentation: signature) else { return false }
            return key.isValidSignature(ecdsa, for: data)
        }
    }

    /// The raw `r ‖ s` of a DER ECDSA signature (as cards answer), for `algorithm`.
    public static func raw(derSignature: [UInt8], algorithm: Algorithm) throws -> [UInt8] {
        switch algorithm {
        case .es256: Array(try P256.Signing.ECDSASignature(derRepresentation: derSignature).rawRepresentation)
        case .es384: Array(try P384.Signing.ECDSASignature(derRepresentation: derSignature).rawRepresentation)
        }
    }
}
