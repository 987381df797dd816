import Crypto
import Foundation
import LicnaCard
import SwiftASN1
import X509

/// A private key that stays on the card, usable wherever swift-certificates takes a `Certificate.PrivateKey`
/// (CSRs, CMS): the host hashes, the card signs by GENERAL AUTHENTICATE (SP 800-73-4 §3.2.4).
///
/// `beforeEachSignature` runs before every signature: for the 9C key it VERIFYs the PIN, which the card wants
/// immediately before each use ("always authenticate").
public struct CardPrivateKey: CustomPrivateKey {
    public let slot: PIVSlot
    public let algorithm: PIVAlgorithm
    public let publicKey: Certificate.PublicKey
    private let client: PIVClient
    private let beforeEachSignature: @Sendable () throws -> Void

    public init(client: PIVClient, slot: PIVSlot, algorithm: PIVAlgorithm, publicKey: Certificate.PublicKey,
                beforeEachSignature: @escaping @Sendable () throws -> Void = {}) {
        self.client = client
        self.slot = slot
        self.algorithm = algorithm
        self.publicKey = publicKey
        self.beforeEachSignature = beforeEachSignature
    }

    public var defaultSignatureAlgorithm: Certificate.SignatureAlgorithm {
        algorithm == .p256 ? .ecdsaWithSHA256 : .ecdsaWithSHA384
    }

    public var supportedSignatureAlgorithms: [Certificate.SignatureAlgorithm] { [defaultSignatureAlgorithm] }

    public func signSynchronously(bytes: some DataProtocol, signatureAlgorithm: Certificate.SignatureAlgorithm) throws -> Certificate.Signature {
        let digest: [UInt8]
        switch signatureAlgorithm {
        case .ecdsaWithSHA256: digest = Array(SHA256.hash(data: Array(bytes)))
        case .ecdsaWithSHA384: digest = Array(SHA384.hash(data: Array(bytes)))
        default: throw PIVError(.pivInvalidArgument, "the card's \(algorithm) key signs with ECDSA and SHA-256 or SHA-384 only")
        }
        try beforeEachSignature()
        let der = try client.sign(digest: Array(digest.prefix(algorithm.digestLength)), slot: slot, algorithm: algorithm)
        return try Certificate.Signature(signatureAlgorithm: signatureAlgorithm, signatureBytes: ASN1BitString(bytes: der[...]))
    }

    public static func == (lhs: CardPrivateKey, rhs: CardPrivateKey) -> Bool {
        lhs.slot == rhs.slot && lhs.publicKey == rhs.publicKey
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(slot)
        hasher.combine(publicKey)
    }

    public static var defaultPEMDiscriminator: String { "PRIVATE KEY" }

    /// A card key has no exportable form.
    public func serialize(into coder: inout DER.Serializer) throws {
        throw PIVError(.pivInvalidArgument, "a private key on the card cannot be exported")
    }
}
