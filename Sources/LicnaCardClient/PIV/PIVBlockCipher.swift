import Crypto
import Foundation
import _CryptoExtras

/// AES of one 16-byte block without chaining (ECB of one block), the primitive of PIV management-key
/// authentication (SP 800-73-4 Part 2 Appendix A.1; SP 800-78-4 §3.1). AES-CBC with a zero IV and no padding
/// is the same function on a single block.
enum PIVBlockCipher {
    static let zeroIV = [UInt8](repeating: 0, count: 16)

    static func encrypt(_ block: [UInt8], key: SymmetricKey) throws -> [UInt8] {
        guard block.count == 16 else { throw PIVError(.pivInvalidArgument, "AES works on 16-byte blocks") }
        return Array(try AES._CBC.encrypt(block, using: key, iv: AES._CBC.IV(ivBytes: zeroIV), noPadding: true))
    }

    static func decrypt(_ block: [UInt8], key: SymmetricKey) throws -> [UInt8] {
        guard block.count == 16 else { throw PIVError(.pivInvalidArgument, "AES works on 16-byte blocks") }
        return Array(try AES._CBC.decrypt(block, using: key, iv: AES._CBC.IV(ivBytes: zeroIV), noPadding: true))
    }
}
