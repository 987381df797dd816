/// A command APDU (ISO/IEC 7816-4 §5.1): header CLA INS P1 P2, an optional command data field (Nc bytes, coded
/// in Lc) and an optional expected length (Ne, coded in Le), in short or extended length form.
///
/// The seven cases of §5.1, table 1 (B = body bytes after the header):
/// - case 1: no body;
/// - case 2S: Le in 1 byte (`00` means 256); case 2E: `00` then Le in 2 bytes (`0000` means 65,536);
/// - case 3S: Lc in 1 byte (1…255) then data; case 3E: `00`, Lc in 2 bytes (1…65,535), data;
/// - case 4S: Lc, data, Le in 1 byte; case 4E: `00`, Lc in 2 bytes, data, Le in 2 bytes.
public struct CommandAPDU: Hashable, Sendable {
    public var cla: UInt8
    public var ins: UInt8
    public var p1: UInt8
    public var p2: UInt8
    public var data: [UInt8]
    /// The maximum number of response bytes expected (Ne), or nil when the command has no Le field.
    public var expectedLength: Int?
    /// Whether the command was (or is to be) coded with extended length fields.
    public var isExtended: Bool

    public init(cla: UInt8 = 0x00, ins: UInt8, p1: UInt8, p2: UInt8, data: [UInt8] = [], expectedLength: Int? = nil,
                extended: Bool? = nil) {
        self.cla = cla
        self.ins = ins
        self.p1 = p1
        self.p2 = p2
        self.data = data
        self.expectedLength = expectedLength
        self.isExtended = extended ?? (data.count > 255 || (expectedLength ?? 0) > 256)
    }

    /// A command for one of the card's instructions.
    public init(cla: UInt8 = 0x00, _ instruction: Instruction, p1: UInt8, p2: UInt8, data: [UInt8] = [],
                expectedLength: Int? = nil, extended: Bool? = nil) {
        self.init(cla: cla, ins: instruction.rawValue, p1: p1, p2: p2, data: data, expectedLength: expectedLength,
                  extended: extended)
    }

    /// The instruction, or nil for an INS the card does not know (it answers `6D 00`).
    public var instruction: Instruction? { Instruction(rawValue: ins) }

    /// Why bytes are not a command APDU; each maps to the status word the card answers.
    public enum ParseError: Error, Hashable, Sendable {
        /// Fewer than four header bytes.
        case tooShort
        /// Lc or Le does not match the body's length (§5.1: the card answers `67 00`).
        case wrongLength

        public var statusWord: StatusWord { .wrongLength }
    }

    /// Parses a command APDU as a card receives it.
    public init(bytes: some Collection<UInt8>) throws(ParseError) {
        let bytes = Array(bytes)
        guard bytes.count >= 4 else { throw .tooShort }
        cla = bytes[0]
        ins = bytes[1]
        p1 = bytes[2]
        p2 = bytes[3]
        let body = bytes[4...]
        let b = body.count
        data = []
        expectedLength = nil
        isExtended = false
        if b == 0 { return }  // case 1
        let b1 = Int(body[body.startIndex])
        if b == 1 {  // case 2S
            expectedLength = b1 == 0 ? 256 : b1
            return
        }
        if b1 != 0 {  // short: cases 3S and 4S
            if b == 1 + b1 {
                data = Array(body.dropFirst())
                return
            }
            if b == 2 + b1 {
                data = Array(body.dropFirst().prefix(b1))
                let le = Int(body[body.endIndex - 1])
                expectedLength = le == 0 ? 256 : le
                return
            }
            throw .wrongLength
        }
        // b1 == 0 and b >= 2: extended forms.
        isExtended = true
        guard b >= 3 else { throw .wrongLength }
        let two = Int(body[body.startIndex + 1]) << 8 | Int(body[body.startIndex + 2])
        if b == 3 {  // case 2E
            expectedLength = two == 0 ? 65_536 : two
            return
        }
        guard two != 0 else { throw .wrongLength }  // Lc of 0 is not allowed (§5.1)
        if b == 3 + two {  // case 3E
            data = Array(body.dropFirst(3))
            return
        }
        if b == 5 + two {  // case 4E
            data = Array(body.dropFirst(3).prefix(two))
            let le = Int(body[body.endIndex - 2]) << 8 | Int(body[body.endIndex - 1])
            expectedLength = le == 0 ? 65_536 : le
            return
        }
        throw .wrongLength
    }

    /// The bytes of this command, short or extended as `isExtended` says.
    public var bytes: [UInt8] {
        var out = [cla, ins, p1, p2]
        if isExtended {
            if !data.isEmpty {
                out += [0x00, UInt8(data.count >> 8), UInt8(data.count & 0xFF)] + data
                if let expectedLength {
                    let le = expectedLength >= 65_536 ? 0 : expectedLength
                    out += [UInt8(le >> 8), UInt8(le & 0xFF)]
                }
            } else if let expectedLength {
                let le = expectedLength >= 65_536 ? 0 : expectedLength
                out += [0x00, UInt8(le >> 8), UInt8(le & 0xFF)]
            }
        } else {
            if !data.isEmpty { out += [UInt8(data.count)] + data }
            if let expectedLength { out.append(expectedLength >= 256 ? 0 : UInt8(expectedLength)) }
        }
        return out
    }

    /// CLA bit 5 (`10`): more commands of this chain follow (§5.1.1.1).
    public var isChained: Bool { cla & 0x10 != 0 }

    /// The class byte without the chaining bit and the logical channel (§5.1.1, first interindustry values).
    public var baseClass: UInt8 { cla & ~0x13 }
}
