/// Licna's identity application: the card holder's numbers and the card's own data, read with GET DATA
/// (`00 CA 00 <tag>`, ISO/IEC 7816-4 §11.4.3). The JMBG, which reveals birth date, region and sex, is read only
/// after the PIN; everything else is printed on the card anyway and is free.
public struct IdentityApplication: CardApplication {
    /// A proprietary AID (ISO/IEC 7816-5 category `F`): `F0` + "LICNA" + version 1.
    public static let identifier: [UInt8] = [0xF0, 0x4C, 0x49, 0x43, 0x4E, 0x41, 0x01]

    /// The data objects (docs/card.md).
    public enum Tag: UInt8, CaseIterable, Sendable {
        case identificationNumber = 0x01
        case cardNumber = 0x02
        case issuingAuthority = 0x03
        case cardExpiry = 0x04
        case jmbg = 0x05
        case holderName = 0x06

        var needsPIN: Bool { self == .jmbg }
        var imageKey: String { CardImage.hex(UInt32(rawValue), width: 2) }
    }

    public var aid: [UInt8] { Self.identifier }

    public init() {}

    public func selected(context: inout CardContext) -> ResponseAPDU { ResponseAPDU() }

    public func handle(_ command: CommandAPDU, context: inout CardContext) -> ResponseAPDU {
        switch command.instruction {
        case .getData:
            guard command.p1 == 0x00, let tag = Tag(rawValue: command.p2) else { return ResponseAPDU(.incorrectP1P2) }
            guard command.data.isEmpty else { return ResponseAPDU(.wrongLength) }
            if tag.needsPIN, !context.session.pinVerified { return ResponseAPDU(.securityStatusNotSatisfied) }
            guard let value = context.image.identity[tag.imageKey] else { return ResponseAPDU(.referenceNotFound) }
            return ResponseAPDU(data: Array(value))
        case .putData:
            guard command.p1 == 0x00, let tag = Tag(rawValue: command.p2) else { return ResponseAPDU(.incorrectP1P2) }
            if let refusal = Personalization.refusal(context) { return ResponseAPDU(refusal) }
            guard !command.data.isEmpty else { return ResponseAPDU(.wrongLength) }
            return ResponseAPDU(context.commit { $0.identity[tag.imageKey] = .init(command.data) })
        case .verify:
            return SecretCommands.verify(command, context: &context, references: [.pin])
        default:
            return ResponseAPDU(.instructionNotSupported)
        }
    }
}
