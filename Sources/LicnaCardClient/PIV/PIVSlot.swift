/// A PIV key reference (NIST SP 800-78-4 Table 4-2 / SP 800-73-4 Part 1 §3.1.1) with the data object that holds
/// its certificate (SP 800-73-4 Part 1 Table 3). Only the two slots the Licna card has are listed.
public struct PIVSlot: Hashable, Sendable, CustomStringConvertible {
    /// The key reference, P2 of GENERAL AUTHENTICATE and GENERATE ASYMMETRIC KEY PAIR.
    public let keyReference: UInt8
    /// The certificate's data object tag.
    public let certificateObject: PIVObjectTag

    public init(keyReference: UInt8, certificateObject: PIVObjectTag) {
        self.keyReference = keyReference
        self.certificateObject = certificateObject
    }

    /// `9A`: PIV authentication key; certificate `5FC105`. Needs the PIN verified in the session.
    public static let authentication = PIVSlot(keyReference: 0x9A, certificateObject: .authenticationCertificate)
    /// `9C`: digital signature key; certificate `5FC10A`. Needs a VERIFY immediately before each signature.
    public static let signature = PIVSlot(keyReference: 0x9C, certificateObject: .signatureCertificate)

    public var description: String { String(keyReference, radix: 16, uppercase: true) }
}

/// A PIV asymmetric algorithm identifier (NIST SP 800-78-4 Table 6-2).
public enum PIVAlgorithm: UInt8, Sendable, Hashable, CaseIterable {
    /// ECC P-256, `11`.
    case p256 = 0x11
    /// ECC P-384, `14`.
    case p384 = 0x14

    /// The hash length the card signs for this curve (SHA-256 / SHA-384).
    public var digestLength: Int { self == .p256 ? 32 : 48 }
    /// The length of an uncompressed point `04 X Y` (SEC 1 §2.3.3).
    public var publicPointLength: Int { self == .p256 ? 65 : 97 }
}

/// A PIV data object tag (SP 800-73-4 Part 1 Table 3), as GET DATA and PUT DATA name it in `5C`.
public struct PIVObjectTag: Hashable, Sendable, CustomStringConvertible {
    public let value: UInt32

    public init(_ value: UInt32) {
        self.value = value
    }

    /// The tag list `5C` carries: one byte for `7E`, three for `5FC1xx`.
    public var bytes: [UInt8] {
        if value <= 0xFF { return [UInt8(value)] }
        if value <= 0xFFFF { return [UInt8(value >> 8), UInt8(value & 0xFF)] }
        return [UInt8(value >> 16), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)]
    }

    public var description: String { String(value, radix: 16, uppercase: true) }

    /// Discovery object `7E` (§3.3.2).
    public static let discovery = PIVObjectTag(0x7E)
    /// Card Holder Unique Identifier `5FC102`.
    public static let chuid = PIVObjectTag(0x5F_C102)
    /// Card Capability Container `5FC107`.
    public static let ccc = PIVObjectTag(0x5F_C107)
    /// X.509 certificate for PIV authentication (9A) `5FC105`.
    public static let authenticationCertificate = PIVObjectTag(0x5F_C105)
    /// X.509 certificate for digital signature (9C) `5FC10A`.
    public static let signatureCertificate = PIVObjectTag(0x5F_C10A)
    /// The certificate of the card's attestation key (slot `F9`), Yubico's `5FFF01`.
    public static let attestationCertificate = PIVObjectTag(0x5F_FF01)
    /// Key history object `5FC10C`.
    public static let keyHistory = PIVObjectTag(0x5F_C10C)
}

/// A reference data (secret) of the card: ISO/IEC 7816-4 §11.5.6 P2 of VERIFY and CHANGE REFERENCE DATA.
public enum PIVReference: UInt8, Sendable, Hashable {
    /// The PIN, `80` (SP 800-73-4 §3.2.1).
    case pin = 0x80
    /// The PUK, `81`.
    case puk = 0x81
    /// The card access number, `82` (eMRTD only; stand-in for PACE, docs/card.md).
    case can = 0x82

    var name: String {
        switch self {
        case .pin: "PIN"
        case .puk: "PUK"
        case .can: "CAN"
        }
    }
}

/// The state `VERIFY` without data reports (SP 800-73-4 §3.2.1).
public enum PIVPINState: Hashable, Sendable {
    /// Verified in this session (`90 00`).
    case verified
    /// Not verified; this many tries left (`63 Cx`).
    case notVerified(triesLeft: Int)
    /// Blocked (`69 83`).
    case blocked
}
