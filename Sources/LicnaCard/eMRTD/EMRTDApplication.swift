/// The eMRTD application of an ID-1 travel document (ICAO 9303-10 §3, -11): the LDS files read with SELECT by
/// file identifier and READ BINARY. DG1 and DG2 need the card access number (a documented stand-in for PACE,
/// docs/card.md) or the PIN; DG3 needs EAC terminal authentication, which the card does not have.
public struct EMRTDApplication: CardApplication {
    /// ICAO 9303-10 §3.6.2: the LDS1 eMRTD application.
    public static let identifier: [UInt8] = [0xA0, 0x00, 0x00, 0x02, 0x47, 0x10, 0x01]

    /// Elementary files of ICAO 9303-10 §3.6.
    public enum File: UInt16, CaseIterable, Sendable {
        case com = 0x011E
        case dg1 = 0x0101
        case dg2 = 0x0102
        case dg3 = 0x0103
        case sod = 0x011D

        /// Short EF identifier (§3.6.3), for READ BINARY with P1 bit 8 set.
        var shortIdentifier: UInt8 { UInt8(rawValue & 0x1F) }
    }

    public var aid: [UInt8] { Self.identifier }

    public init() {}

    public func selected(context: inout CardContext) -> ResponseAPDU { ResponseAPDU() }

    public func handle(_ command: CommandAPDU, context: inout CardContext) -> ResponseAPDU {
        switch command.instruction {
        case .select: selectFile(command, context: &context)
        case .readBinary: readBinary(command, context: &context)
        case .verify: SecretCommands.verify(command, context: &context, references: [.pin, .can])
        case .putData: writeFile(command, context: &context)
        default: ResponseAPDU(.instructionNotSupported)
        }
    }

    static func key(_ identifier: UInt16) -> String { CardImage.hex(UInt32(identifier), width: 4) }

    /// SELECT by file identifier (`00 A4 02|00 0C|00 02 <FID>`, ISO 7816-4 §11.2.2). No FCI is returned.
    private func selectFile(_ command: CommandAPDU, context: inout CardContext) -> ResponseAPDU {
        guard command.p1 == 0x00 || command.p1 == 0x02, [0x00, 0x04, 0x0C].contains(command.p2) else {
            return ResponseAPDU(.incorrectP1P2)
        }
        guard command.data.count == 2 else { return ResponseAPDU(.wrongLength) }
        let identifier = UInt16(command.data[0]) << 8 | UInt16(command.data[1])
        guard context.image.files[Self.key(identifier)] != nil else { return ResponseAPDU(.fileNotFound) }
        context.session.selectedFile = identifier
        return ResponseAPDU()
    }

    /// READ BINARY (`00 B0`, §11.3.3): P1-P2 a 15-bit offset into the selected file, or P1 `1000 0xxx`-style
    /// short EF identifier with P2 the offset. Offset past the end: `6B 00`.
    private func readBinary(_ command: CommandAPDU, context: inout CardContext) -> ResponseAPDU {
        guard command.data.isEmpty else { return ResponseAPDU(.wrongLength) }
        let identifier: UInt16
        let offset: Int
        if command.p1 & 0x80 != 0 {
            guard command.p1 & 0x60 == 0,
                  let file = File.allCases.first(where: { $0.shortIdentifier == command.p1 & 0x1F }) else {
                return ResponseAPDU(.incorrectP1P2)
            }
            guard context.image.files[Self.key(file.rawValue)] != nil else { return ResponseAPDU(.fileNotFound) }
            identifier = file.rawValue
            offset = Int(command.p2)
            context.session.selectedFile = identifier
        } else {
            guard let selected = context.session.selectedFile else { return ResponseAPDU(.commandNotAllowed) }
            identifier = selected
            offset = Int(command.p1) << 8 | Int(command.p2)
        }
        if let refusal = accessRefusal(identifier, session: context.session) { return ResponseAPDU(refusal) }
        guard let content = context.image.files[Self.key(identifier)] else { return ResponseAPDU(.fileNotFound) }
        guard offset < content.count else { return ResponseAPDU(.wrongParameters) }
        let length = min(command.expectedLength ?? 256, content.count - offset)
        let start = content.startIndex + offset
        return ResponseAPDU(data: Array(content[start..<start + length]))
    }

    /// Access conditions (ICAO 9303-11 §4: DG1/DG2 after access control, DG3/DG4 after terminal authentication).
    private func accessRefusal(_ identifier: UInt16, session: CardSession) -> StatusWord? {
        switch File(rawValue: identifier) {
        case .dg1, .dg2:
            return session.accessNumberVerified || session.pinVerified ? nil : .securityStatusNotSatisfied
        case .dg3:
            return .securityStatusNotSatisfied
        default:
            return nil
        }
    }

    /// Personalization (proprietary, docs/card.md): `00 DA <FID> <whole file>`.
    private func writeFile(_ command: CommandAPDU, context: inout CardContext) -> ResponseAPDU {
        if let refusal = Personalization.refusal(context) { return ResponseAPDU(refusal) }
        let identifier = UInt16(command.p1) << 8 | UInt16(command.p2)
        guard File(rawValue: identifier) != nil || (0x0101...0x0110).contains(identifier) else {
            return ResponseAPDU(.incorrectP1P2)
        }
        guard !command.data.isEmpty else { return ResponseAPDU(.wrongLength) }
        return ResponseAPDU(context.commit { $0.files[Self.key(identifier)] = .init(command.data) })
    }
}
