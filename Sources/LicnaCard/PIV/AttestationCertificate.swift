import Crypto

/// ATTEST (`00 F9 <slot> 00`, Yubico's PIV extension): an X.509 v3 certificate (RFC 5280) for the public key in a
/// slot, issued by the attestation key `F9`. The card has no X.509 library, so the certificate is written here in
/// DER with BER-TLV (DER's definite, minimal lengths are what `BERTLV.bytes` writes).
///
/// ```
/// subject     CN=Licna PIV Attestation 9C
/// validity    2000-01-01 … 9999-12-31 (RFC 5280 §4.1.2.5: no well-defined expiration; the card has no clock)
/// extensions  1.3.6.1.4.1.64512.1.3.1 card model   UTF8String
///             1.3.6.1.4.1.64512.1.3.2 card serial  UTF8String
///             1.3.6.1.4.1.64512.1.3.3 key slot     OCTET STRING (1 byte: 9A, 9C)
///             1.3.6.1.4.1.64512.1.3.4 policy       OCTET STRING (PIN policy, touch policy; Yubico's values:
///                                                  PIN 1 never, 2 once per session, 3 always; touch 1 never)
/// ```
/// The extensions are not critical. Licna's OIDs are documented in docs/card.md ("Key attestation").
enum AttestationCertificate {
    /// `1.3.6.1.4.1.64512.1.3`: Licna's arc for key attestation (under `licnaArc`, 1.3.6.1.4.1.64512.1).
    static let arc: [UInt8] = [0x2B, 0x06, 0x01, 0x04, 0x01, 0x83, 0xF8, 0x00, 0x01, 0x03]
    static let modelOID = arc + [0x01]
    static let serialOID = arc + [0x02]
    static let slotOID = arc + [0x03]
    static let policyOID = arc + [0x04]

    /// ATTEST: the certificate, or the status word that refuses it.
    static func handle(_ command: CommandAPDU, context: CardContext) -> ResponseAPDU {
        guard command.p2 == 0x00, let slot = KeySlot(rawValue: command.p1), slot.holdsPrivateKey else {
            return ResponseAPDU(.incorrectP1P2)
        }
        guard command.data.isEmpty else { return ResponseAPDU(.wrongLength) }
        guard let attestation = context.image.attestation, let key = context.image.keys[slot.imageKey] else {
            return ResponseAPDU(.referenceNotFound)
        }
        // As YubiKey: a key that was imported, not generated here, cannot be attested (`6A 80`).
        guard key.generatedOnCard else { return ResponseAPDU(.wrongData) }
        guard let der = try? certificate(for: key, slot: slot, attestation: attestation, serial: randomSerial()) else {
            return ResponseAPDU(.noPreciseDiagnosis)
        }
        return ResponseAPDU(data: der)
    }

    static func certificate(for key: CardKey, slot: KeySlot, attestation: CardAttestationKey, serial: [UInt8]) throws -> [UInt8] {
        let signatureAlgorithm = algorithmIdentifier(attestation.key.algorithm)
        let slotName = CardImage.hex(UInt32(slot.rawValue), width: 2)
        let pinPolicy: UInt8 = slot == .signature ? 0x03 : 0x02
        let extensions = [
            fieldExtension(modelOID, utf8(attestation.model)),
            fieldExtension(serialOID, utf8(attestation.serial.rawValue)),
            fieldExtension(slotOID, tlv(0x04, [slot.rawValue])),
            fieldExtension(policyOID, tlv(0x04, [pinPolicy, 0x01])),
        ]
        let tbs = tlv(0x30,
            tlv(0xA0, tlv(0x02, [0x02]))  // version v3
            + tlv(0x02, serial)
            + signatureAlgorithm
            + attestation.issuer
            + tlv(0x30, tlv(0x17, Array("000101000000Z".utf8)) + tlv(0x18, Array("99991231235959Z".utf8)))
            + tlv(0x30, tlv(0x31, tlv(0x30, tlv(0x06, [0x55, 0x04, 0x03]) + utf8("Licna PIV Attestation \(slotName)"))))
            + subjectPublicKeyInfo(key)
            + tlv(0xA3, tlv(0x30, extensions.flatMap { $0 })))
        let signature = try attestation.key.sign(hash: hash(tbs, for: attestation.key.algorithm))
        return tlv(0x30, tbs + signatureAlgorithm + tlv(0x03, [0x00] + signature))
    }

    /// 16 random bytes, positive and without a leading zero byte (RFC 5280 §4.1.2.2).
    static func randomSerial() -> [UInt8] {
        var serial = SymmetricKey(size: .bits128).withUnsafeBytes { Array($0) }
        serial[0] = serial[0] & 0x7F | 0x40
        return serial
    }

    private static func hash(_ bytes: [UInt8], for algorithm: CardKeyAlgorithm) -> [UInt8] {
        algorithm == .p384 ? Array(SHA384.hash(data: bytes)) : Array(SHA256.hash(data: bytes))
    }

    /// ecdsa-with-SHA256 (`1.2.840.10045.4.3.2`) or ecdsa-with-SHA384 (`…4.3.3`), RFC 5758 §3.2: no parameters.
    private static func algorithmIdentifier(_ algorithm: CardKeyAlgorithm) -> [UInt8] {
        tlv(0x30, tlv(0x06, [0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x04, 0x03, algorithm == .p384 ? 0x03 : 0x02]))
    }

    /// id-ecPublicKey with the named curve (RFC 5480 §2.1.1): prime256v1 or secp384r1.
    private static func subjectPublicKeyInfo(_ key: CardKey) -> [UInt8] {
        let curve: [UInt8] = key.algorithm == .p384
            ? [0x2B, 0x81, 0x04, 0x00, 0x22] : [0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07]
        return tlv(0x30, tlv(0x30, tlv(0x06, [0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x02, 0x01]) + tlv(0x06, curve))
            + tlv(0x03, [0x00] + key.publicPoint))
    }

    private static func fieldExtension(_ oid: [UInt8], _ value: [UInt8]) -> [UInt8] {
        tlv(0x30, tlv(0x06, oid) + tlv(0x04, value))
    }

    private static func utf8(_ text: String) -> [UInt8] { tlv(0x0C, Array(text.utf8)) }

    private static func tlv(_ tag: UInt32, _ value: [UInt8]) -> [UInt8] { BERTLV(tag: tag, value: value).bytes }
}
