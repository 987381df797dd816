import Foundation
import LicnaPKI

/// Who proves that a signature existed at a time (RFC 3161): the signature timestamp of the B-T levels
/// (ETSI EN 319 122-1 §5.3, EN 319 142-1 §5.4).
public protocol TimestampAuthority: Sendable {
    /// A verified token over `imprint` carrying `nonce`.
    func timestamp(_ imprint: MessageImprint, nonce: [UInt8]) async throws -> TimeStampToken
}

extension TimestampAuthority {
    /// The signature timestamp of a CMS signature: the imprint is the hash of the SignerInfo's signature value
    /// (RFC 3161 appendix A).
    public func signatureTimestamp(of signatureValue: [UInt8], digestAlgorithm: DigestAlgorithm = .sha256) async throws -> TimeStampToken {
        // 16 random octets, the first in 1...0x7F: a positive INTEGER that DER keeps at exactly 16 octets.
        var nonce = [UInt8](repeating: 0, count: 16)
        for index in nonce.indices { nonce[index] = .random(in: 0...255) }
        nonce[0] = .random(in: 1...0x7F)
        do {
            let token = try await timestamp(MessageImprint(hashing: signatureValue, with: digestAlgorithm), nonce: nonce)
            _ = try token.verify(digest: digestAlgorithm.hash(signatureValue), algorithm: digestAlgorithm, nonce: nonce)
            return token
        } catch let error as PKIError {
            // A refusal or a token that does not check out: nothing is signed at B-T without a good timestamp.
            throw SigningError(.timestampUnavailable, "the timestamp authority's answer was not usable (\(error.detail)); try again later")
        }
    }
}
