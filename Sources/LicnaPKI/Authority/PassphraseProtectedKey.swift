import Crypto
import _CryptoExtras
import Foundation
import X509

/// A private key sealed under a passphrase: scrypt (RFC 7914; N = 2^15, r = 8, p = 1) derives an AES-256-GCM key
/// that seals the PKCS#8 bytes. The root CA's key is kept this way, inside the master-key protection that every
/// stored key has, so that a copy of the database and the master key together still cannot sign a CA certificate.
///
/// Layout: `"LPK1"` ‖ log2(N) ‖ r ‖ p ‖ salt (16) ‖ AES-GCM combined (nonce ‖ ciphertext ‖ tag).
public struct PassphraseProtectedKey: Sendable {
    static let magic: [UInt8] = Array("LPK1".utf8)
    public let sealed: [UInt8]

    public init(sealed: [UInt8]) {
        self.sealed = sealed
    }

    /// Seals `key` under `passphrase`. `costLog2` is lowered only by tests.
    public init(sealing key: Certificate.PrivateKey, passphrase: String, costLog2: UInt8 = 15) throws {
        guard passphrase.count >= 12 else {
            throw PKIError(.wrongPassphrase, "the passphrase must have at least 12 characters")
        }
        var salt = [UInt8](repeating: 0, count: 16)
        var random = SystemRandomNumberGenerator()
        for index in salt.indices { salt[index] = .random(in: .min ... .max, using: &random) }
        let symmetric = try Self.derive(passphrase: passphrase, salt: salt, costLog2: costLog2, blockSize: 8, parallelism: 1)
        let box = try AES.GCM.seal(try key.serializeAsPEM().derBytes, using: symmetric)
        self.sealed = Self.magic + [costLog2, 8, 1] + salt + Array(box.combined!)
    }

    /// Opens the key; throws `wrongPassphrase` when the passphrase does not open it.
    public func open(passphrase: String) throws -> Certificate.PrivateKey {
        guard sealed.count > 7 + 16 + 28, Array(sealed.prefix(4)) == Self.magic else {
            throw PKIError(.malformed, "not a passphrase-protected key")
        }
        let costLog2 = sealed[4], blockSize = Int(sealed[5]), parallelism = Int(sealed[6])
        guard (10...22).contains(costLog2), (1...16).contains(blockSize), (1...4).contains(parallelism) else {
            throw PKIError(.malformed, "unsupported key protection parameters")
        }
        let salt = Array(sealed[7..<23])
        let symmetric = try Self.derive(passphrase: passphrase, salt: salt, costLog2: costLog2, blockSize: blockSize, parallelism: parallelism)
        do {
            let der = try AES.GCM.open(AES.GCM.SealedBox(combined: sealed[23...]), using: symmetric)
            return try Certificate.PrivateKey(derBytes: Array(der))
        } catch {
            throw PKIError(.wrongPassphrase, "the passphrase does not open this key")
        }
    }

    private static func derive(passphrase: String, salt: [UInt8], costLog2: UInt8, blockSize: Int, parallelism: Int) throws -> SymmetricKey {
        try KDF.Scrypt.deriveKey(from: Array(passphrase.utf8), salt: salt, outputByteCount: 32,
                                 rounds: 1 << Int(costLog2), blockSize: blockSize, parallelism: parallelism,
                                 maxMemory: 256 << 20)
    }
}
