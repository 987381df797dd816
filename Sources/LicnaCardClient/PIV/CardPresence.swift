import Foundation
import LicnaPKI
import X509

/// Proves a card's presence for one purpose at one origin: the key in a slot signs `H(origin) ‖ H(nonce)`
/// (STANDARDS.md, "The card-signed token") after the PIN is verified immediately before, as slot 9C requires.
public enum CardPresence {
    /// The raw `r ‖ s` signature of the key in `slot` (whose certificate is `certificate`) over the token data.
    public static func sign(_ piv: PIVClient, slot: PIVSlot, certificate: Certificate, pin: String, origin: String,
                            nonce: String) throws -> (algorithm: CardTokenSignature.Algorithm, signature: [UInt8]) {
        guard let algorithm = CardTokenSignature.Algorithm(key: certificate.publicKey) else {
            throw PIVError(.pivInvalidArgument, "the key in \(slot) is neither P-256 nor P-384")
        }
        try piv.verify(pin: pin)
        let der = try piv.sign(digest: CardTokenSignature.digest(origin: origin, nonce: nonce, algorithm: algorithm), slot: slot,
                               algorithm: algorithm == .es256 ? .p256 : .p384)
        return (algorithm, try CardTokenSignature.raw(derSignature: der, algorithm: algorithm))
    }
}
