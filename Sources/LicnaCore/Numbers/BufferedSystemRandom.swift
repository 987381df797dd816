import Crypto
import Foundation

/// A cryptographic random source that is cheap per draw: every 4 KiB it takes a fresh 256-bit key from the
/// operating system and uses the ChaCha20 keystream under that key (RFC 8439) as random bytes. Drawing millions
/// of numbers then costs a few system calls rather than one each.
public struct BufferedSystemRandom: RandomNumberGenerator, Sendable {
    private static let zeros = Data(count: 4096)
    private var buffer: [UInt64] = []
    private var index = 0

    public init() {}

    public mutating func next() -> UInt64 {
        if index == buffer.count { refill() }
        defer { index += 1 }
        return buffer[index]
    }

    private mutating func refill() {
        let key = SymmetricKey(size: .bits256)
        // A fresh key every time, so the fixed nonce is never reused under one key. Sealing cannot fail here.
        let box = try! ChaChaPoly.seal(Self.zeros, using: key, nonce: ChaChaPoly.Nonce(data: Data(count: 12)))
        buffer = box.ciphertext.withUnsafeBytes { raw in
            (0..<(raw.count / 8)).map { raw.loadUnaligned(fromByteOffset: $0 * 8, as: UInt64.self) }
        }
        index = 0
    }
}
