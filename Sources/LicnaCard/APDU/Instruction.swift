/// The instruction byte INS of every command the Licna card answers and its clients send (ISO/IEC 7816-4 §5.1.2:
/// an odd INS announces a BER-TLV data field). The card applications dispatch on it and the clients build their
/// commands with it, so the two sides cannot disagree on a byte.
///
/// The card answers an INS that is not here with `6D 00`; applications switch over it with a `default` branch, so a
/// new case breaks no one.
public enum Instruction: UInt8, CaseIterable, Sendable, CustomStringConvertible {
    /// VERIFY: checks a PIN, PUK or CAN, or without data reports its state (ISO/IEC 7816-4 §11.5.6;
    /// NIST SP 800-73-4 Part 2 §3.2.1).
    case verify = 0x20
    /// CHANGE REFERENCE DATA: old and new value (ISO/IEC 7816-4 §11.5.7; SP 800-73-4 Part 2 §3.2.2); with P1 `01`
    /// the new value only, in personalization (docs/card.md).
    case changeReferenceData = 0x24
    /// RESET RETRY COUNTER: the PUK and a new PIN (ISO/IEC 7816-4 §11.5.10; SP 800-73-4 Part 2 §3.2.3).
    case resetRetryCounter = 0x2C
    /// ACTIVATE FILE, for the whole card: personalization ends (ISO/IEC 7816-9, ACTIVATE FILE; docs/card.md).
    case activateFile = 0x44
    /// GENERATE ASYMMETRIC KEY PAIR (ISO/IEC 7816-8; SP 800-73-4 Part 2 §3.3.2).
    case generateAsymmetricKeyPair = 0x47
    /// GENERAL AUTHENTICATE with the dynamic authentication template `7C`: signatures and the management key
    /// (ISO/IEC 7816-4, basic security handling; SP 800-73-4 Part 2 §3.2.4).
    case generalAuthenticate = 0x87
    /// SELECT: an application by AID (P1 `04`) or an elementary file by identifier (P1 `00`/`02`)
    /// (ISO/IEC 7816-4 §11.2.2; SP 800-73-4 Part 2 §3.1.1; ICAO 9303-10 §3.6).
    case select = 0xA4
    /// READ BINARY with a 15-bit offset or a short EF identifier (ISO/IEC 7816-4 §11.3.3; ICAO 9303-10 §3.6.3).
    case readBinary = 0xB0
    /// GET RESPONSE: the next piece of a long answer after `61 xx` (ISO/IEC 7816-4 §5.3.4).
    case getResponse = 0xC0
    /// GET DATA with P1-P2 naming the object (ISO/IEC 7816-4 §11.4.3): the identity application's values.
    case getData = 0xCA
    /// GET DATA with a BER-TLV tag list `5C` (odd INS, ISO/IEC 7816-4 §11.4.3; SP 800-73-4 Part 2 §3.1.2).
    case getDataBERTLV = 0xCB
    /// PUT DATA with P1-P2 naming the object (ISO/IEC 7816-4, data object handling): the personalization writes of
    /// the identity and eMRTD applications (docs/card.md).
    case putData = 0xDA
    /// PUT DATA with a BER-TLV tag list and `53` object (odd INS; SP 800-73-4 Part 2 §3.3.1).
    case putDataBERTLV = 0xDB
    /// ATTEST: a certificate for a key generated on the card (Yubico's PIV extension; docs/card.md).
    case attest = 0xF9
    /// SET RETRY LIMITS for PIN and PUK, in personalization (Yubico-compatible).
    case setRetryLimits = 0xFA
    /// IMPORT ASYMMETRIC KEY, in personalization (Yubico-compatible).
    case importAsymmetricKey = 0xFE
    /// SET MANAGEMENT KEY, in personalization (Yubico-compatible).
    case setManagementKey = 0xFF

    /// The byte in hexadecimal, as the standards write it ("A4").
    public var description: String {
        let digits = String(rawValue, radix: 16, uppercase: true)
        return digits.count == 1 ? "0" + digits : digits
    }
}
