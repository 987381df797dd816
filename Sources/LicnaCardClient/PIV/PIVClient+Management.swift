import Crypto
import LicnaCard

/// Card management: the management key `9B` (SP 800-73-4 Part 2 §3.2.4, AES-256 algorithm `0C`) and the
/// personalization commands of the Licna card (docs/card.md "Life cycle").
extension PIVClient {
    /// The management key reference.
    public static let managementKeyReference: UInt8 = 0x9B
    /// AES-256, SP 800-78-4 Table 6-2.
    public static let managementKeyAlgorithm: UInt8 = 0x0C

    /// Mutual authentication with the management key (SP 800-73-4 Part 2 Appendix A.1, "mutual authenticate"):
    /// ask for a witness (`7C 02 80 00`), decrypt it, send it back with our challenge (`7C 24 80 10 … 81 10 …`),
    /// and check that the card encrypted the challenge with the same key. Lasts until the card is reset.
    /// `challenge` is for tests; by default 16 random bytes.
    public func authenticateManagementKey(_ key: SymmetricKey, challenge: [UInt8]? = nil) throws {
        guard key.bitCount == 256 else {
            throw PIVError(.pivInvalidArgument, "the management key is AES-256 (32 bytes); got \(key.bitCount / 8) bytes")
        }
        let challenge = challenge ?? (0..<16).map { _ in UInt8.random(in: 0...255) }
        guard challenge.count == 16 else { throw PIVError(.pivInvalidArgument, "the challenge is one AES block (16 bytes)") }
        let operation = "GENERAL AUTHENTICATE (management key)"
        let first = try run(
            CommandAPDU(.generalAuthenticate, p1: Self.managementKeyAlgorithm, p2: Self.managementKeyReference, data: [0x7C, 0x02, 0x80, 0x00],
                        expectedLength: 256),
            operation)
        let witness = try Self.dynamicAuthenticationValue(first, tag: 0x80, operation)
        guard witness.count == 16 else { throw PIVError(.pivMalformedResponse, "\(operation): the witness is not one AES block") }
        let decrypted = try PIVBlockCipher.decrypt(witness, key: key)
        let template = BERTLV(tag: 0x7C, value: BERTLV(tag: 0x80, value: decrypted).bytes + BERTLV(tag: 0x81, value: challenge).bytes)
        let second = try run(
            CommandAPDU(.generalAuthenticate, p1: Self.managementKeyAlgorithm, p2: Self.managementKeyReference, data: template.bytes,
                        expectedLength: 256),
            operation, advice: [.securityStatusNotSatisfied: "wrong management key"])
        let answer = try Self.dynamicAuthenticationValue(second, tag: 0x82, operation)
        guard answer == (try PIVBlockCipher.encrypt(challenge, key: key)) else {
            throw PIVError(.pivCardAuthenticationFailed, "\(operation): the card did not prove it holds the management key; do not trust it")
        }
    }

    /// SET MANAGEMENT KEY (Yubico-compatible, `00 FF FF FF 23 0C 9B 20 <key>`): replaces the management key.
    /// Personalization only; needs the management key.
    public func setManagementKey(_ key: SymmetricKey) throws {
        guard key.bitCount == 256 else {
            throw PIVError(.pivInvalidArgument, "the management key is AES-256 (32 bytes); got \(key.bitCount / 8) bytes")
        }
        let bytes = key.withUnsafeBytes { Array($0) }
        try run(
            CommandAPDU(.setManagementKey, p1: 0xFF, p2: 0xFF, data: [Self.managementKeyAlgorithm, Self.managementKeyReference, 0x20] + bytes),
            "SET MANAGEMENT KEY")
    }

    /// SET RETRY LIMITS (Yubico-compatible, `00 FA <PIN tries> <PUK tries>`); each 1–15, counters become full.
    public func setRetryLimits(pin: Int, puk: Int) throws {
        guard (1...15).contains(pin), (1...15).contains(puk) else {
            throw PIVError(.pivInvalidArgument, "retry limits are 1 to 15 each; got PIN \(pin), PUK \(puk)")
        }
        try run(CommandAPDU(.setRetryLimits, p1: UInt8(pin), p2: UInt8(puk)), "SET RETRY LIMITS")
    }

    /// SET REFERENCE DATA (ISO/IEC 7816-4 §11.5.7 with P1 `01`, new value only): `00 24 01 80 08 <PIN>`,
    /// `00 24 01 81 08 <PUK>` (PIV format) or `00 24 01 82 06 <CAN>` (6 ASCII digits).
    public func setReferenceData(_ reference: PIVReference, value: String) throws {
        let data: [UInt8]
        switch reference {
        case .pin, .puk:
            data = try Self.pivFormat(value, reference.name)
        case .can:
            data = try Self.canFormat(value)
        }
        try run(CommandAPDU(.changeReferenceData, p1: 0x01, p2: reference.rawValue, data: data), "SET REFERENCE DATA \(reference.name)")
    }

    /// ACTIVATE (ISO/IEC 7816-9 ACTIVATE FILE for the whole card, `00 44 00 00`): ends personalization for good.
    /// The card refuses (`69 85`) while PIN or PUK is unset or the management key is still the transport key.
    public func activate() throws {
        try run(CommandAPDU(.activateFile, p1: 0x00, p2: 0x00), "ACTIVATE", advice: [
            .conditionsNotSatisfied: "refused; set the PIN and PUK and replace the transport management key first (or the card is already active)"
        ])
    }

    /// A CAN as the card takes it: exactly 6 ASCII digits.
    public static func canFormat(_ can: String) throws -> [UInt8] {
        let bytes = Array(can.utf8)
        guard bytes.count == 6, bytes.allSatisfy({ (0x30...0x39).contains($0) }) else {
            throw PIVError(.pivInvalidArgument, "a CAN is exactly 6 digits")
        }
        return bytes
    }
}
