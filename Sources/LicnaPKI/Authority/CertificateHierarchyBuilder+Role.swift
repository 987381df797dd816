import Crypto
import Foundation
import X509

extension CertificateHierarchyBuilder {
    /// The key algorithm of a certificate in a hierarchy.
    public enum KeyType: Sendable, Hashable {
        /// ECDSA P-256 (signed with SHA-256 by the certificate's issuer when it is a P-256 CA).
        case p256
        /// ECDSA P-384: CAs whose certificates outlive any end-entity key (BSI TR-02102-1 §3.6 for long-lived keys).
        case p384

        /// A new private key of this type.
        public func makePrivateKey() -> Certificate.PrivateKey {
            switch self {
            case .p256: Certificate.PrivateKey(P256.Signing.PrivateKey())
            case .p384: Certificate.PrivateKey(P384.Signing.PrivateKey())
            }
        }
    }

    /// What one certificate of a hierarchy is: its profile, key type, lifetime and, for a CA, how many CA levels
    /// may follow it (RFC 5280 §4.2.1.9).
    public struct Role: Sendable, Hashable {
        public var profile: CertificateProfile
        public var keyType: KeyType
        public var lifetime: TimeInterval
        public var maxPathLength: Int?

        public init(profile: CertificateProfile, keyType: KeyType, lifetime: TimeInterval, maxPathLength: Int? = nil) {
            self.profile = profile
            self.keyType = keyType
            self.lifetime = lifetime
            self.maxPathLength = maxPathLength
        }

        /// The root: P-384 for 20 years, with one level of issuing CAs under it.
        public static let root = Role(profile: .rootCA, keyType: .p384, lifetime: 20 * year, maxPathLength: 1)
        /// An issuing CA (citizen, institution) under the root: P-384 for 12 years, issuing end entities only, so
        /// that it outlives the last five-year certificate it signs on a card valid up to ten years.
        public static let issuingCA = Role(profile: .issuingCA, keyType: .p384, lifetime: 12 * year, maxPathLength: 0)
        /// The country signing CA (ICAO 9303-12 §5, a separate self-signed root): P-384 for 15 years.
        public static let csca = Role(profile: .csca, keyType: .p384, lifetime: 15 * year, maxPathLength: 0)
        /// The document signer under the CSCA: P-256 for 11 years (ten-year documents plus its one year of use).
        public static let documentSigner = Role(profile: .documentSigner, keyType: .p256, lifetime: 11 * year)
        /// The timestamping unit (RFC 3161) under the institution CA: P-256 for 6 years.
        public static let timestamping = Role(profile: .timestamping, keyType: .p256, lifetime: 6 * year)
        /// A delegated OCSP responder (RFC 6960 §4.2.2.2): P-256; its lifetime is the installation's configured
        /// responder validity, given as `notAfter` (this one year is only the default).
        public static let ocspResponder = Role(profile: .ocspResponder, keyType: .p256, lifetime: year)

        /// This role with another lifetime (tests' short-lived hierarchies).
        public func lasting(_ lifetime: TimeInterval) -> Role {
            var copy = self
            copy.lifetime = lifetime
            return copy
        }

        /// This role with another key type.
        public func keyed(_ keyType: KeyType) -> Role {
            var copy = self
            copy.keyType = keyType
            return copy
        }

        /// This role with another path length constraint (nil: none).
        public func pathLength(_ maxPathLength: Int?) -> Role {
            var copy = self
            copy.maxPathLength = maxPathLength
            return copy
        }
    }
}
