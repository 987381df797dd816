import Crypto
import Foundation
import LicnaBasics

/// PKCE (RFC 7636). Only `S256` is accepted: `plain` would give an attacker who reads the authorization request the
/// verifier itself (RFC 7636 §7.2; OAuth 2.0 Security BCP, RFC 9700 §2.1.1).
public enum ProofKeyForCodeExchange {
    /// A well-formed challenge: the base64url SHA-256 of a verifier, 43 characters.
    public static func isValidChallenge(_ challenge: String) -> Bool {
        challenge.utf8.count == 43 && Data(base64URL: challenge)?.count == 32
    }

    /// A well-formed verifier (§4.1): 43 to 128 characters of `[A-Z] / [a-z] / [0-9] / "-" / "." / "_" / "~"`.
    public static func isValidVerifier(_ verifier: String) -> Bool {
        (43...128).contains(verifier.utf8.count) && verifier.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"): true
            default: false
            }
        }
    }

    /// The S256 challenge of a verifier (§4.2): BASE64URL(SHA256(ASCII(verifier))).
    public static func challenge(for verifier: String) -> String {
        Data(SHA256.hash(data: Data(verifier.utf8))).base64URLEncoded
    }

    /// Whether `verifier` answers `challenge` (§4.6), compared in constant time.
    public static func verify(_ verifier: String, against challenge: String) -> Bool {
        guard isValidVerifier(verifier) else { return false }
        return ConstantTime.equal(Array(Self.challenge(for: verifier).utf8), Array(challenge.utf8))
    }
}

/// Comparison whose time does not depend on where the inputs differ.
enum ConstantTime {
    static func equal(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }
}
