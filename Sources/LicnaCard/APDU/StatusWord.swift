/// The two status bytes that end every response (ISO/IEC 7816-4 §5.6, table 5–6), with the values the card OS
/// answers. NIST SP 800-73-4 §5.6 and ICAO 9303-10 use the same codes.
public struct StatusWord: Hashable, Sendable, CustomStringConvertible {
    public let sw1: UInt8
    public let sw2: UInt8

    public init(_ sw1: UInt8, _ sw2: UInt8) {
        self.sw1 = sw1
        self.sw2 = sw2
    }

    public init(_ value: UInt16) {
        self.init(UInt8(value >> 8), UInt8(value & 0xFF))
    }

    public var value: UInt16 { UInt16(sw1) << 8 | UInt16(sw2) }
    public var bytes: [UInt8] { [sw1, sw2] }
    public var description: String { String(value, radix: 16, uppercase: true) }

    /// True for `90 00`, normal processing.
    public var isSuccess: Bool { self == .success }

    /// `63 Cx`: verification failed (or, without data, not yet done) with `x` tries left (§5.6, table 6); nil for
    /// every other status word. A blocked secret answers `69 83` (`authenticationBlocked`) instead.
    public var triesLeft: Int? { sw1 == 0x63 && sw2 & 0xF0 == 0xC0 ? Int(sw2 & 0x0F) : nil }

    /// `61 xx`: the number of bytes still waiting for GET RESPONSE (§5.3.4; `00` means 256 or more); nil otherwise.
    public var moreDataAvailable: Int? { sw1 == 0x61 ? (sw2 == 0 ? 256 : Int(sw2)) : nil }

    /// `6C xx`: wrong Le, the exact length is `xx` (§5.6, table 6; `00` means 256); nil otherwise. The command is
    /// to be sent again with this Le.
    public var correctLength: Int? { sw1 == 0x6C ? (sw2 == 0 ? 256 : Int(sw2)) : nil }

    /// `90 00`: normal processing.
    public static let success = StatusWord(0x9000)
    /// `61 xx`: `xx` more bytes are waiting for GET RESPONSE (`00` means 256 or more).
    public static func bytesRemaining(_ count: Int) -> StatusWord { StatusWord(0x61, count >= 256 ? 0 : UInt8(count)) }
    /// `63 Cx`: verification failed, `x` tries left (§5.6, table 6).
    public static func verificationFailed(triesLeft: Int) -> StatusWord { StatusWord(0x63, 0xC0 | UInt8(min(max(triesLeft, 0), 15))) }
    /// `67 00`: wrong length (Lc or Le inconsistent with the command).
    public static let wrongLength = StatusWord(0x6700)
    /// `68 82`: secure messaging not supported.
    public static let secureMessagingNotSupported = StatusWord(0x6882)
    /// `68 83`: the last command of a chain was expected.
    public static let lastCommandExpected = StatusWord(0x6883)
    /// `68 84`: command chaining not supported for this command.
    public static let chainingNotSupported = StatusWord(0x6884)
    /// `69 82`: security status not satisfied (PIN or key not verified).
    public static let securityStatusNotSatisfied = StatusWord(0x6982)
    /// `69 83`: authentication method blocked (tries exhausted).
    public static let authenticationBlocked = StatusWord(0x6983)
    /// `69 85`: conditions of use not satisfied (e.g. a personalization command on an operational card).
    public static let conditionsNotSatisfied = StatusWord(0x6985)
    /// `69 86`: command not allowed (no current EF).
    public static let commandNotAllowed = StatusWord(0x6986)
    /// `6A 80`: incorrect parameters in the data field.
    public static let wrongData = StatusWord(0x6A80)
    /// `6A 82`: file or application not found.
    public static let fileNotFound = StatusWord(0x6A82)
    /// `6A 84`: not enough memory in the file.
    public static let notEnoughMemory = StatusWord(0x6A84)
    /// `6A 86`: incorrect P1 or P2.
    public static let incorrectP1P2 = StatusWord(0x6A86)
    /// `6A 88`: referenced data or reference data not found.
    public static let referenceNotFound = StatusWord(0x6A88)
    /// `6B 00`: wrong parameters P1-P2 (offset outside the EF).
    public static let wrongParameters = StatusWord(0x6B00)
    /// `6D 00`: instruction code not supported.
    public static let instructionNotSupported = StatusWord(0x6D00)
    /// `6E 00`: class not supported.
    public static let classNotSupported = StatusWord(0x6E00)
    /// `6F 00`: no precise diagnosis (an internal error; never a crash).
    public static let noPreciseDiagnosis = StatusWord(0x6F00)
}
