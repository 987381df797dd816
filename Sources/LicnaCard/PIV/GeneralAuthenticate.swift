import Crypto
import _CryptoExtras

/// GENERAL AUTHENTICATE (`00 87 <algorithm> <key reference>`, NIST SP 800-73-4 §3.2.4) with the dynamic
/// authentication template `7C`: `80` witness, `81` challenge, `82` response.
///
/// - Signature with 9A or 9C: `7C { 82 00, 81 <hash> }` → `7C { 82 <DER ECDSA signature> }`.
/// - Management key 9B (AES-256, SP 800-73-4 appendix A.1): mutual authentication by witness, or external
///   authentication by challenge; one AES block encrypted in ECB.
enum GeneralAuthenticate {
    static func handle(_ command: CommandAPDU, context: inout CardContext) -> ResponseAPDU {
        guard let slot = KeySlot(rawValue: command.p2) else { return ResponseAPDU(.incorrectP1P2) }
        guard let outer = try? BERTLV.parseAll(command.data), outer.count == 1, outer[0].tag == 0x7C,
              let elements = try? BERTLV.parseAll(outer[0].value) else { return ResponseAPDU(.wrongData) }
        var fields: [UInt32: [UInt8]] = [:]
        for element in elements {
            guard fields[element.tag] == nil else { return ResponseAPDU(.wrongData) }
            fields[element.tag] = element.value
        }
        if slot == .management {
            guard command.p1 == CardKeyAlgorithm.aes256.rawValue else { return ResponseAPDU(.incorrectP1P2) }
            return authenticateManagementKey(fields, context: &context)
        }
        guard let algorithm = CardKeyAlgorithm(rawValue: command.p1), algorithm != .aes256 else {
            return ResponseAPDU(.incorrectP1P2)
        }
        return sign(fields, slot: slot, algorithm: algorithm, context: context)
    }

    private static func sign(_ fields: [UInt32: [UInt8]], slot: KeySlot, algorithm: CardKeyAlgorithm,
                             context: CardContext) -> ResponseAPDU {
        guard let hash = fields[0x81], fields[0x82] == [], fields.count == 2 else { return ResponseAPDU(.wrongData) }
        guard let key = context.image.keys[slot.imageKey] else { return ResponseAPDU(.referenceNotFound) }
        guard key.algorithm == algorithm else { return ResponseAPDU(.incorrectP1P2) }
        let secrets = context.image.secrets
        // A blocked PIN (and, for good, a blocked PIN and PUK) refuses every private-key operation.
        guard !secrets.pinCounter.isBlocked else { return ResponseAPDU(.authenticationBlocked) }
        let allowed = slot == .signature ? context.session.pinJustVerified : context.session.pinVerified
        guard allowed else { return ResponseAPDU(.securityStatusNotSatisfied) }
        guard hash.count <= algorithm.hashLength else { return ResponseAPDU(.wrongData) }
        let padded = [UInt8](repeating: 0, count: algorithm.hashLength - hash.count) + hash
        guard let signature = try? key.sign(hash: padded) else { return ResponseAPDU(.noPreciseDiagnosis) }
        return ResponseAPDU(data: BERTLV(tag: 0x7C, value: BERTLV(tag: 0x82, value: signature).bytes).bytes)
    }

    private static func authenticateManagementKey(_ fields: [UInt32: [UInt8]], context: inout CardContext) -> ResponseAPDU {
        let key = SymmetricKey(data: context.image.managementKey)
        let pending = context.session.managementKeyChallenge
        context.session.managementKeyChallenge = nil
        switch (fields[0x80], fields[0x81], fields[0x82]) {
        case ([], nil, nil):  // mutual, step 1: the card's witness, encrypted
            let witness = randomBlock()
            context.session.managementKeyAuthenticated = false
            context.session.managementKeyChallenge = .witness(witness)
            guard let encrypted = encrypt(witness, key: key) else { return ResponseAPDU(.noPreciseDiagnosis) }
            return template(0x80, encrypted)
        case (let witness?, let challenge?, nil) where witness.count == 16 && challenge.count == 16:  // mutual, step 2
            guard case .witness(let expected) = pending, constantTimeEqual(witness, expected),
                  let answer = encrypt(challenge, key: key) else {
                context.session.managementKeyAuthenticated = false
                return ResponseAPDU(.securityStatusNotSatisfied)
            }
            context.session.managementKeyAuthenticated = true
            return template(0x82, answer)
        case (nil, [], nil):  // external, step 1: a challenge in clear
            let challenge = randomBlock()
            context.session.managementKeyAuthenticated = false
            context.session.managementKeyChallenge = .challenge(challenge)
            return template(0x81, challenge)
        case (nil, nil, let response?) where response.count == 16:  // external, step 2
            guard case .challenge(let challenge) = pending, let expected = encrypt(challenge, key: key),
                  constantTimeEqual(response, expected) else {
                context.session.managementKeyAuthenticated = false
                return ResponseAPDU(.securityStatusNotSatisfied)
            }
            context.session.managementKeyAuthenticated = true
            return ResponseAPDU()
        default:
            return ResponseAPDU(.wrongData)
        }
    }

    private static func template(_ tag: UInt32, _ value: [UInt8]) -> ResponseAPDU {
        ResponseAPDU(data: BERTLV(tag: 0x7C, value: BERTLV(tag: tag, value: value).bytes).bytes)
    }

    private static func randomBlock() -> [UInt8] {
        SymmetricKey(size: .bits128).withUnsafeBytes { Array($0) }
    }

    /// One AES block, encrypted (the block function itself: ECB of a single block).
    static func encrypt(_ block: [UInt8], key: SymmetricKey) -> [UInt8]? {
        var block = block
        guard (try? AES.permute(&block, key: key)) != nil else { return nil }
        return block
    }

    private static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for (x, y) in zip(a, b) { difference |= x ^ y }
        return difference == 0
    }
}
