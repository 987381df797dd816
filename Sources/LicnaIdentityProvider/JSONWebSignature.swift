import Crypto
import Foundation
import LicnaBasics

/// A JWS in compact serialization (RFC 7515 §7.1) with a JSON payload: what ID tokens and client assertions are.
/// Parsing is bounded (16 KiB) and strict: three base64url parts, a header naming `alg`, a JSON object payload.
public struct JSONWebSignature: Sendable {
    public static let maximumLength = 16_384

    public let header: [String: String]
    public let payloadBytes: Data
    let signingInput: Data
    let signature: Data

    public init(compact: String) throws {
        guard compact.utf8.count <= Self.maximumLength else { throw OAuthError.invalidRequest("the JWT is longer than 16 KiB") }
        let parts = compact.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let headerBytes = Data(base64URL: String(parts[0])), let payload = Data(base64URL: String(parts[1])),
              let signature = Data(base64URL: String(parts[2])) else {
            throw OAuthError.invalidRequest("the JWT is not three base64url parts")
        }
        guard let object = try? JSONSerialization.jsonObject(with: headerBytes) as? [String: Any], let alg = object["alg"] as? String else {
            throw OAuthError.invalidRequest("the JWT's header is not a JSON object naming alg")
        }
        // Only string members matter here (alg, kid, typ); `crit` would require understanding what it names (§4.1.11).
        guard object["crit"] == nil else { throw OAuthError.invalidRequest("the JWT's header has crit members, which are not supported") }
        var header = ["alg": alg]
        for (name, value) in object { if let text = value as? String { header[name] = text } }
        guard (try? JSONSerialization.jsonObject(with: payload)) is [String: Any] else {
            throw OAuthError.invalidRequest("the JWT's payload is not a JSON object")
        }
        self.header = header
        self.payloadBytes = payload
        self.signingInput = Data("\(parts[0]).\(parts[1])".utf8)
        self.signature = signature
    }

    /// The payload's members.
    public var claims: [String: Any] { (try? JSONSerialization.jsonObject(with: payloadBytes) as? [String: Any]) ?? [:] }

    /// Whether one of `keys` (the one named by `kid`, when the header names one) verifies the signature. `none` and
    /// symmetric algorithms are never accepted (RFC 8725 §3.1, §3.2).
    public func isSigned(byOneOf keys: [JSONWebKey]) -> Bool {
        guard let algorithm = header["alg"], ["ES256", "RS256"].contains(algorithm) else { return false }
        let candidates = header["kid"].map { kid in keys.filter { $0.keyID == kid } } ?? keys
        return candidates.contains { $0.verifies(signature, over: signingInput, algorithm: algorithm) }
    }

    /// Signs `claims` with ES256 (RFC 7518 §3.4: the raw 64-byte R ‖ S) under `keyID`.
    public static func sign(_ claims: [String: Any], with key: P256.Signing.PrivateKey, keyID: String, type: String = "JWT") throws -> String {
        // Members in any order (RFC 7159 §4): no sorting, which cost more than the signature.
        let header = try JSONSerialization.data(withJSONObject: ["alg": "ES256", "kid": keyID, "typ": type])
        let payload = try JSONSerialization.data(withJSONObject: claims, options: [.withoutEscapingSlashes])
        let input = header.base64URLEncoded + "." + payload.base64URLEncoded
        let signature = try key.signature(for: Data(input.utf8))
        return input + "." + signature.rawRepresentation.base64URLEncoded
    }
}
