import Crypto
import _CryptoExtras
import Foundation
import LicnaBasics

/// A public key as a JSON Web Key (RFC 7517 §4, RFC 7518 §6): EC P-256 for ES256, RSA (2048 bits or more) for
/// RS256. Private parts are never read or written here.
public struct JSONWebKey: Sendable, Equatable {
    public enum Key: Sendable {
        case p256(P256.Signing.PublicKey)
        case rsa(_RSA.Signing.PublicKey)
    }

    public let key: Key
    public let keyID: String?

    public init(_ key: P256.Signing.PublicKey, keyID: String? = nil) {
        self.key = .p256(key)
        self.keyID = keyID ?? Self.thumbprint(of: .p256(key))
    }

    /// Reads one key of a JWKS. Keys of other types, curves or uses are nil (a set may hold keys Licna does not use).
    public init?(json object: [String: Any]) {
        keyID = object["kid"] as? String
        if let use = object["use"] as? String, use != "sig" { return nil }
        switch object["kty"] as? String {
        case "EC":
            guard object["crv"] as? String == "P-256", let x = (object["x"] as? String).flatMap(Data.init(base64URL:)),
                  let y = (object["y"] as? String).flatMap(Data.init(base64URL:)), x.count == 32, y.count == 32,
                  let key = try? P256.Signing.PublicKey(rawRepresentation: x + y) else { return nil }
            self.key = .p256(key)
        case "RSA":
            guard let n = (object["n"] as? String).flatMap(Data.init(base64URL:)), let e = (object["e"] as? String).flatMap(Data.init(base64URL:)),
                  let key = try? _RSA.Signing.PublicKey(n: n, e: e), key.keySizeInBits >= 2048 else { return nil }
            self.key = .rsa(key)
        default:
            return nil
        }
    }

    /// The keys of a JWKS document (RFC 7517 §5) that Licna can use; the document is at most 64 KiB.
    public static func set(from data: Data) throws -> [JSONWebKey] {
        guard data.count <= 65_536, let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let keys = object["keys"] as? [Any] else {
            throw OAuthError(.invalidRequest, "the JWKS is not a JSON object with a keys array (at most 64 KiB)")
        }
        return keys.compactMap { ($0 as? [String: Any]).flatMap(JSONWebKey.init(json:)) }
    }

    /// The public members (RFC 7518 §6.2.1, §6.3.1), with `kid`, `use` and `alg`.
    public var json: [String: String] {
        var members: [String: String]
        switch key {
        case .p256(let key):
            let raw = key.rawRepresentation
            members = ["kty": "EC", "crv": "P-256", "x": raw.prefix(32).base64URLEncoded, "y": raw.suffix(32).base64URLEncoded, "alg": "ES256"]
        case .rsa(let key):
            let (n, e) = Self.modulusAndExponent(key)
            members = ["kty": "RSA", "n": n.base64URLEncoded, "e": e.base64URLEncoded, "alg": "RS256"]
        }
        members["use"] = "sig"
        if let keyID { members["kid"] = keyID }
        return members
    }

    /// RFC 7638 thumbprint: SHA-256 over the required members in lexicographic order, base64url.
    static func thumbprint(of key: Key) -> String {
        let canonical: String
        switch key {
        case .p256(let key):
            let raw = key.rawRepresentation
            canonical = #"{"crv":"P-256","kty":"EC","x":"\#(raw.prefix(32).base64URLEncoded)","y":"\#(raw.suffix(32).base64URLEncoded)"}"#
        case .rsa(let key):
            let (n, e) = modulusAndExponent(key)
            canonical = #"{"e":"\#(e.base64URLEncoded)","kty":"RSA","n":"\#(n.base64URLEncoded)"}"#
        }
        return Data(SHA256.hash(data: Data(canonical.utf8))).base64URLEncoded
    }

    static func modulusAndExponent(_ key: _RSA.Signing.PublicKey) -> (Data, Data) {
        // PKCS#1 RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER }
        var reader = DERReader(bytes: [UInt8](key.pkcs1DERRepresentation))
        let fields = reader.sequenceOfIntegers() ?? []
        func unsigned(_ bytes: [UInt8]) -> Data { Data(bytes.drop(while: { $0 == 0 })) }
        return fields.count == 2 ? (unsigned(fields[0]), unsigned(fields[1])) : (Data(), Data())
    }

    public static func == (lhs: JSONWebKey, rhs: JSONWebKey) -> Bool { lhs.json == rhs.json }

    /// Whether `signature` by this key over `input` verifies under `algorithm` (RFC 7518 §3.1).
    func verifies(_ signature: Data, over input: Data, algorithm: String) -> Bool {
        switch (key, algorithm) {
        case (.p256(let key), "ES256"):
            guard signature.count == 64, let parsed = try? P256.Signing.ECDSASignature(rawRepresentation: signature) else { return false }
            return key.isValidSignature(parsed, for: input)
        case (.rsa(let key), "RS256"):
            return key.isValidSignature(_RSA.Signing.RSASignature(rawRepresentation: signature), for: input, padding: .insecurePKCS1v1_5)
        default:
            return false
        }
    }
}

/// Just enough DER to read PKCS#1's two integers.
struct DERReader {
    var bytes: [UInt8]
    var offset = 0

    mutating func sequenceOfIntegers() -> [[UInt8]]? {
        guard let (tag, content) = element(), tag == 0x30 else { return nil }
        var inner = DERReader(bytes: content)
        var integers: [[UInt8]] = []
        while inner.offset < inner.bytes.count {
            guard let (tag, value) = inner.element(), tag == 0x02 else { return nil }
            integers.append(value)
        }
        return integers
    }

    mutating func element() -> (UInt8, [UInt8])? {
        guard offset + 2 <= bytes.count else { return nil }
        let tag = bytes[offset]
        var length = Int(bytes[offset + 1])
        offset += 2
        if length & 0x80 != 0 {
            let count = length & 0x7F
            guard (1...4).contains(count), offset + count <= bytes.count else { return nil }
            length = bytes[offset..<offset + count].reduce(0) { $0 << 8 | Int($1) }
            offset += count
        }
        guard length >= 0, offset + length <= bytes.count else { return nil }
        defer { offset += length }
        return (tag, Array(bytes[offset..<offset + length]))
    }
}
