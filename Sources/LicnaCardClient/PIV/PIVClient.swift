import Crypto
import LicnaCard

/// The host side of the PIV application (NIST SP 800-73-4 Part 2) as the Licna card answers it (docs/card.md):
/// PIN and PUK handling, data objects, signatures and key generation. Personalization and management-key
/// authentication are in `PIVClient+Management.swift`.
///
/// Every method sends through `CardChannel.send(_:)`, so long objects are chained and `61 xx` is followed.
/// A status word other than `90 00` becomes a `PIVError`.
public struct PIVClient: Sendable {
    /// The PIV application identifier (SP 800-73-4 Part 1 §2.2), truncated to the 9 bytes SELECT uses.
    public static let applicationIdentifier: [UInt8] = [0xA0, 0x00, 0x00, 0x03, 0x08, 0x00, 0x00, 0x10, 0x00]

    /// The channel to the card.
    public let channel: any CardChannel

    public init(channel: any CardChannel) {
        self.channel = channel
    }

    // MARK: Application

    /// SELECT the PIV application (SP 800-73-4 Part 2 §3.1.1) and return its application property template
    /// (the `61` object).
    @discardableResult
    public func select() throws -> [UInt8] {
        try run(CommandAPDU(.select, p1: 0x04, p2: 0x00, data: Self.applicationIdentifier, expectedLength: 256),
                "SELECT PIV application")
    }

    // MARK: PIN and PUK (SP 800-73-4 Part 2 §3.2.1, §3.2.2, §3.2.3)

    /// VERIFY the PIN (`00 20 00 80 08`, PIV format). Wrong PIN: `ErrorCode.pivWrongSecret` with `triesLeft`.
    public func verify(pin: String) throws {
        let data = try Self.pivFormat(pin, "PIN")
        try run(CommandAPDU(.verify, p1: 0x00, p2: PIVReference.pin.rawValue, data: data), "VERIFY PIN")
    }

    /// The PIN's state: VERIFY without data (`00 20 00 80`).
    public func pinState() throws -> PIVPINState {
        try referenceState(.pin)
    }

    /// How many PIN tries are left, or nil when the PIN is verified in this session (the card then does not say).
    public func pinTriesLeft() throws -> Int? {
        switch try pinState() {
        case .verified: nil
        case .notVerified(let left): left
        case .blocked: 0
        }
    }

    /// How many PUK tries are left: `00 20 00 81` without data (the card's extension to SP 800-73-4).
    public func pukTriesLeft() throws -> Int {
        switch try referenceState(.puk) {
        case .verified: throw PIVError(.pivMalformedResponse, "the card answered 90 00 to the PUK tries query; expected 63 Cx")
        case .notVerified(let left): left
        case .blocked: 0
        }
    }

    /// Forgets the PIN verification (`00 20 FF 80`, SP 800-73-4 Part 2 §3.2.1 P1 `FF`).
    public func logout() throws {
        try run(CommandAPDU(.verify, p1: 0xFF, p2: PIVReference.pin.rawValue), "LOG OUT")
    }

    /// CHANGE REFERENCE DATA for the PIN (`00 24 00 80 10 <old><new>`); the new PIN must be 6–8 digits.
    public func changePIN(old: String, new: String) throws {
        try changeReferenceData(.pin, old: old, new: new)
    }

    /// CHANGE REFERENCE DATA for the PUK (`00 24 00 81 10 <old><new>`).
    public func changePUK(old: String, new: String) throws {
        try changeReferenceData(.puk, old: old, new: new)
    }

    /// RESET RETRY COUNTER (`00 2C 00 80 10 <PUK><new PIN>`, SP 800-73-4 Part 2 §3.2.3): spends a PUK try.
    public func unblockPIN(puk: String, newPIN: String) throws {
        let data = try Self.pivFormat(puk, "PUK") + Self.pivFormat(newPIN, "PIN")
        try run(CommandAPDU(.resetRetryCounter, p1: 0x00, p2: PIVReference.pin.rawValue, data: data), "RESET RETRY COUNTER",
                secret: "PUK", advice: [
                    .wrongData: "the new PIN must be 6–8 digits",
                    .authenticationBlocked: "the PUK is blocked; the PIN can never be reset, the card must be replaced",
                ])
    }

    // MARK: Data objects (SP 800-73-4 Part 2 §3.1.2, §3.3.2)

    /// GET DATA (`00 CB 3F FF 05 5C 03 5F C1 xx 00`): the content of the object's outer template (`53`, or `7E`
    /// for discovery). A missing object is `ErrorCode.pivNotFound`.
    public func readObject(_ tag: PIVObjectTag) throws -> [UInt8] {
        let tagList = tag.bytes
        let data = [0x5C, UInt8(tagList.count)] + tagList
        let response = try run(CommandAPDU(.getDataBERTLV, p1: 0x3F, p2: 0xFF, data: data, expectedLength: 256), "GET DATA \(tag)")
        let outer: BERTLV?
        do {
            outer = try BERTLV.first(tag == .discovery ? 0x7E : 0x53, in: response)
        } catch {
            throw PIVError(.pivMalformedResponse, "GET DATA \(tag): the answer is not BER-TLV")
        }
        guard let outer else {
            throw PIVError(.pivMalformedResponse, "GET DATA \(tag): the answer lacks the \(tag == .discovery ? "7E" : "53") template")
        }
        return outer.value
    }

    /// The DER certificate of `slot` (SP 800-73-4 Part 1 Table 15: `53 { 70 cert, 71 CertInfo, FE LRC }`).
    /// A compressed certificate (`71 01 01`) is refused: the Licna card never stores one.
    public func readCertificate(slot: PIVSlot) throws -> [UInt8] {
        try PIVDataObjects.certificate(fromObject: try readObject(slot.certificateObject))
    }

    /// PUT DATA (`00 DB 3F FF Lc 5C 03 5F C1 xx 53 LL <value>`, chained when long). `value` is the content of
    /// the `53` template, e.g. `PIVDataObjects.certificateObject(_:)`.
    public func putData(tag: PIVObjectTag, value: [UInt8]) throws {
        let tagList = tag.bytes
        let data = [0x5C, UInt8(tagList.count)] + tagList + BERTLV(tag: 0x53, value: value).bytes
        try run(CommandAPDU(.putDataBERTLV, p1: 0x3F, p2: 0xFF, data: data), "PUT DATA \(tag)")
    }

    // MARK: Keys (SP 800-73-4 Part 2 §3.2.4, §3.3.2)

    /// Signs a hash with the key in `slot` by GENERAL AUTHENTICATE (`00 87 <alg> <slot> Lc 7C LL 82 00 81 LL
    /// <hash> 00`) and returns the DER ECDSA signature. A shorter `digest` is left-padded with zeros, as the card
    /// does; a longer one is refused before sending. Slot 9C needs `verify(pin:)` immediately before.
    public func sign(digest: [UInt8], slot: PIVSlot, algorithm: PIVAlgorithm) throws -> [UInt8] {
        guard digest.count <= algorithm.digestLength else {
            throw PIVError(.pivInvalidArgument, "a \(algorithm) key signs hashes of at most \(algorithm.digestLength) bytes; got \(digest.count)")
        }
        let hash = [UInt8](repeating: 0, count: algorithm.digestLength - digest.count) + digest
        let template = BERTLV(tag: 0x7C, value: [0x82, 0x00] + BERTLV(tag: 0x81, value: hash).bytes).bytes
        let operation = "GENERAL AUTHENTICATE (sign with \(slot))"
        var advice: [StatusWord: String] = [
            .wrongData: "the key in \(slot) is not a \(algorithm) key",
            .referenceNotFound: "there is no key in slot \(slot); generate one first",
        ]
        if slot == .signature {
            advice[.securityStatusNotSatisfied] = "the signature key needs the PIN verified immediately before each signature"
        }
        let answer = try run(
            CommandAPDU(.generalAuthenticate, p1: algorithm.rawValue, p2: slot.keyReference, data: template, expectedLength: 256),
            operation, advice: advice)
        return try Self.dynamicAuthenticationValue(answer, tag: 0x82, operation)
    }

    /// GENERATE ASYMMETRIC KEY PAIR (`00 47 00 <slot> 05 AC 03 80 01 <alg>`, SP 800-73-4 Part 2 §3.3.2) and
    /// return the public point `04 X Y` (`7F49 { 86 point }`). Needs the management key (and, once the card is
    /// operational, the PIN).
    public func generateKeyPair(slot: PIVSlot, algorithm: PIVAlgorithm) throws -> [UInt8] {
        let operation = "GENERATE ASYMMETRIC KEY PAIR \(slot)"
        let response = try run(
            CommandAPDU(.generateAsymmetricKeyPair, p1: 0x00, p2: slot.keyReference, data: [0xAC, 0x03, 0x80, 0x01, algorithm.rawValue],
                        expectedLength: 256),
            operation)
        guard let template = try? BERTLV.first(0x7F49, in: response),
              let point = try? BERTLV.first(0x86, in: template.value)
        else {
            throw PIVError(.pivMalformedResponse, "\(operation): the answer lacks 7F49 { 86 point }")
        }
        guard point.value.count == algorithm.publicPointLength, point.value.first == 0x04 else {
            throw PIVError(.pivMalformedResponse, "\(operation): the point is not an uncompressed \(algorithm) point")
        }
        return point.value
    }

    /// As `generateKeyPair(slot:algorithm:)`, as a `P256` public key.
    public func generateP256KeyPair(slot: PIVSlot) throws -> P256.Signing.PublicKey {
        let point = try generateKeyPair(slot: slot, algorithm: .p256)
        do { return try P256.Signing.PublicKey(x963Representation: point) } catch {
            throw PIVError(.pivMalformedResponse, "GENERATE ASYMMETRIC KEY PAIR \(slot): the point is not on P-256")
        }
    }

    /// As `generateKeyPair(slot:algorithm:)`, as a `P384` public key.
    public func generateP384KeyPair(slot: PIVSlot) throws -> P384.Signing.PublicKey {
        let point = try generateKeyPair(slot: slot, algorithm: .p384)
        do { return try P384.Signing.PublicKey(x963Representation: point) } catch {
            throw PIVError(.pivMalformedResponse, "GENERATE ASYMMETRIC KEY PAIR \(slot): the point is not on P-384")
        }
    }

    // MARK: Key attestation (Yubico's PIV extension, docs/card.md "Key attestation")

    /// ATTEST (`00 F9 <slot> 00`): the card's certificate for the key in `slot`, signed by its attestation key
    /// (slot `F9`), and that key's certificate (GET DATA `5FFF01`), DER. An imported key (`6A 80`), an empty slot
    /// or a card without an attestation key (`6A 88`) throws; a card that does not know the command throws
    /// `ErrorCode.pivUnexpectedStatus` (`6D 00`).
    public func attest(slot: PIVSlot) throws -> (attestation: [UInt8], device: [UInt8]) {
        let operation = "ATTEST \(slot)"
        let attestation = try run(
            CommandAPDU(.attest, p1: slot.keyReference, p2: 0x00, expectedLength: 256), operation,
            advice: [.wrongData: "the key in \(slot) was imported, not generated on the card, so it cannot be attested"])
        guard attestation.first == 0x30 else { throw PIVError(.pivMalformedResponse, "\(operation): the answer is not a DER certificate") }
        let device = try PIVDataObjects.certificate(fromObject: try readObject(.attestationCertificate))
        return (attestation, device)
    }

    // MARK: Helpers

    /// A PIN or PUK in PIV format (SP 800-73-4 Part 2 §2.4.3): up to 8 ASCII characters, padded with `FF`.
    public static func pivFormat(_ secret: String, _ name: String = "PIN") throws -> [UInt8] {
        let bytes = Array(secret.utf8)
        guard (1...8).contains(bytes.count), bytes.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) else {
            throw PIVError(.pivInvalidArgument, "a \(name) is 1 to 8 ASCII characters (6 to 8 digits for a new PIN)")
        }
        return bytes + [UInt8](repeating: 0xFF, count: 8 - bytes.count)
    }

    /// Sends `command`; returns the data on `90 00`, else throws the status as a `PIVError` through the one
    /// mapping, `PIVError(statusWord:operation:secret:advice:)`.
    @discardableResult
    func run(_ command: CommandAPDU, _ operation: String, secret: String = "PIN", advice: [StatusWord: String] = [:]) throws -> [UInt8] {
        let response = try channel.send(command)
        guard response.status.isSuccess else {
            throw PIVError(statusWord: response.status, operation: operation, secret: secret, advice: advice)
        }
        return response.data
    }

    func referenceState(_ reference: PIVReference) throws -> PIVPINState {
        let status = try channel.send(CommandAPDU(.verify, p1: 0x00, p2: reference.rawValue)).status
        if status.isSuccess { return .verified }
        if let left = status.triesLeft { return .notVerified(triesLeft: left) }
        if status == .authenticationBlocked { return .blocked }
        throw PIVError(statusWord: status, operation: "VERIFY \(reference.name) (state)", secret: reference.name)
    }

    func changeReferenceData(_ reference: PIVReference, old: String, new: String) throws {
        let data = try Self.pivFormat(old, reference.name) + Self.pivFormat(new, reference.name)
        let operation = "CHANGE REFERENCE DATA \(reference.name)"
        try run(CommandAPDU(.changeReferenceData, p1: 0x00, p2: reference.rawValue, data: data), operation, secret: reference.name,
                advice: [.wrongData: "the new \(reference.name) must be 6–8 digits"])
    }

    /// The value of `tag` inside the dynamic authentication template `7C` (SP 800-73-4 Part 2 §3.2.4 Table 7).
    static func dynamicAuthenticationValue(_ data: [UInt8], tag: UInt32, _ operation: String) throws -> [UInt8] {
        guard let template = try? BERTLV.first(0x7C, in: data), let item = try? BERTLV.first(tag, in: template.value) else {
            throw PIVError(.pivMalformedResponse, "\(operation): the answer lacks 7C { \(String(tag, radix: 16, uppercase: true)) … }")
        }
        return item.value
    }
}
