import Crypto
import SwiftASN1

/// The hash functions Licna accepts in OCSP CertIDs (RFC 6960 §4.1.1), timestamp imprints (RFC 3161 §2.4.1)
/// and CMS digests (RFC 5652 §5.3). SHA-1 is accepted only where a standard still requires it (CertIDs).
public enum DigestAlgorithm: String, Sendable, Hashable, CaseIterable {
    case sha1, sha256, sha384, sha512

    /// The algorithm's object identifier.
    public var oid: ASN1ObjectIdentifier {
        switch self {
        case .sha1: .Hashes.sha1
        case .sha256: .Hashes.sha256
        case .sha384: .Hashes.sha384
        case .sha512: .Hashes.sha512
        }
    }

    /// The algorithm named by `oid`, or nil when Licna does not support it.
    public init?(oid: ASN1ObjectIdentifier) {
        guard let found = Self.allCases.first(where: { $0.oid == oid }) else { return nil }
        self = found
    }

    /// Length of a digest in bytes.
    public var outputLength: Int {
        switch self {
        case .sha1: 20
        case .sha256: 32
        case .sha384: 48
        case .sha512: 64
        }
    }

    /// The `AlgorithmIdentifier` with absent parameters (RFC 5754 §2: implementations MUST accept both, SHOULD omit).
    public var algorithmIdentifier: AlgorithmIdentifier { AlgorithmIdentifier(algorithm: oid) }

    /// Hashes `bytes`.
    public func hash<Bytes: DataProtocol>(_ bytes: Bytes) -> [UInt8] {
        switch self {
        case .sha1: Array(Insecure.SHA1.hash(data: bytes))
        case .sha256: Array(SHA256.hash(data: bytes))
        case .sha384: Array(SHA384.hash(data: bytes))
        case .sha512: Array(SHA512.hash(data: bytes))
        }
    }
}

import Foundation
