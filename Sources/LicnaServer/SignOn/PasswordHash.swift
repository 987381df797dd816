import Crypto
import _CryptoExtras
import Foundation
import LicnaBasics

/// Passwords stored as scrypt hashes (RFC 7914), in a self-describing text: `scrypt$ln=17,r=8,p=1$SALT$HASH` (salt
/// 16 random bytes, hash 32 bytes, both base64url). OWASP's password storage recommendation is N = 2^17, r = 8,
/// p = 1 (128 MiB per hash); the cost is configurable, and a stored hash keeps the cost it was made with.
public struct PasswordHash: Sendable, Hashable {
    /// scrypt's cost parameters.
    public struct Cost: Sendable, Hashable, Codable {
        /// log2 of N.
        public var logN: Int
        public var r: Int
        public var p: Int

        public init(logN: Int, r: Int, p: Int) {
            self.logN = logN
            self.r = r
            self.p = p
        }

        /// OWASP Password Storage Cheat Sheet: N = 2^17, r = 8, p = 1.
        public static let owasp = Cost(logN: 17, r: 8, p: 1)

        /// Bounds on what a stored hash may ask for (a tampered row must not make a sign-in take a gigabyte).
        var isBounded: Bool { (10...20).contains(logN) && (1...16).contains(r) && (1...4).contains(p) }

        /// The memory one hash takes: 128 · r · N bytes.
        public var memoryBytes: Int { 128 * r * (1 << logN) }
    }

    public let cost: Cost
    let salt: Data
    let hash: Data

    /// Hashes a password with a new random salt.
    public static func make(_ password: String, cost: Cost) throws -> PasswordHash {
        let salt = Data(SymmetricKey(size: .bits128).withUnsafeBytes { Array($0) })
        return PasswordHash(cost: cost, salt: salt, hash: try derive(password, salt: salt, cost: cost))
    }

    /// Reads a stored hash; nil when it is not one this code writes or its cost is out of bounds.
    public init?(stored text: String) {
        let parts = text.split(separator: "$", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == "scrypt" else { return nil }
        var values: [String: Int] = [:]
        for item in parts[1].split(separator: ",") {
            let pair = item.split(separator: "=")
            guard pair.count == 2, pair[1].utf8.count <= 3, pair[1].utf8.allSatisfy({ (48...57).contains($0) }), let value = Int(pair[1]) else { return nil }
            values[String(pair[0])] = value
        }
        guard let logN = values["ln"], let r = values["r"], let p = values["p"], let salt = Data(base64URL: String(parts[2])),
              let hash = Data(base64URL: String(parts[3])), salt.count >= 16, hash.count == 32 else { return nil }
        let cost = Cost(logN: logN, r: r, p: p)
        guard cost.isBounded else { return nil }
        self.init(cost: cost, salt: salt, hash: hash)
    }

    init(cost: Cost, salt: Data, hash: Data) {
        self.cost = cost
        self.salt = salt
        self.hash = hash
    }

    public var stored: String {
        "scrypt$ln=\(cost.logN),r=\(cost.r),p=\(cost.p)$\(salt.base64URLEncoded)$\(hash.base64URLEncoded)"
    }

    /// Whether `password` is the one hashed (constant-time comparison).
    public func matches(_ password: String) throws -> Bool {
        let candidate = try Self.derive(password, salt: salt, cost: cost)
        guard candidate.count == hash.count else { return false }
        return zip(candidate, hash).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }

    static func derive(_ password: String, salt: Data, cost: Cost) throws -> Data {
        let key = try KDF.Scrypt.deriveKey(from: Data(password.utf8), salt: salt, outputByteCount: 32, rounds: 1 << cost.logN,
                                           blockSize: cost.r, parallelism: cost.p, maxMemory: cost.memoryBytes + 1 << 20)
        return key.withUnsafeBytes { Data($0) }
    }
}
