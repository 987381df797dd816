@testable import LicnaCard
import Testing

/// An application that echoes, to test the OS around it.
private struct EchoApplication: CardApplication {
    let aid: [UInt8]
    func selected(context: inout CardContext) -> ResponseAPDU { ResponseAPDU(data: [0x61, 0x00]) }
    func handle(_ command: CommandAPDU, context: inout CardContext) -> ResponseAPDU {
        switch command.ins {
        case 0x20:
            context.session.pinVerified = true
            context.session.pinJustVerified = true
            return ResponseAPDU()
        case 0x87: return ResponseAPDU(context.session.pinJustVerified ? .success : .securityStatusNotSatisfied)
        case 0xCA: return ResponseAPDU(data: aid)
        default: return ResponseAPDU(.instructionNotSupported)
        }
    }
}

@Suite struct CardOSTests {
    static let piv: [UInt8] = [0xA0, 0x00, 0x00, 0x03, 0x08, 0x00, 0x00, 0x10, 0x00, 0x01, 0x00]
    static let emrtd: [UInt8] = [0xA0, 0x00, 0x00, 0x02, 0x47, 0x10, 0x01]

    func os() -> CardOS {
        CardOS(applications: [EchoApplication(aid: Self.piv), EchoApplication(aid: Self.emrtd)],
               context: CardContext(image: CardImage(transportKey: [UInt8](repeating: 1, count: 32)), store: nil))
    }

    @Test func selectionByFullOrPartialAIDAndNotFoundForOthers() {
        var card = os()
        #expect(card.handle(CommandAPDU(ins: 0xA4, p1: 0x04, p2: 0x00, data: Array(Self.piv.prefix(9)), expectedLength: 256)).data == [0x61, 0x00])
        #expect(card.handle(CommandAPDU(ins: 0xCA, p1: 0, p2: 0)).data == Self.piv)
        #expect(card.handle(CommandAPDU(ins: 0xA4, p1: 0x04, p2: 0x0C, data: Self.emrtd)) == ResponseAPDU(.success))
        #expect(card.handle(CommandAPDU(ins: 0xCA, p1: 0, p2: 0)).data == Self.emrtd)
        // OpenSC probes foreign AIDs: 6A 82, and the current selection stays.
        #expect(card.handle(CommandAPDU(ins: 0xA4, p1: 0x04, p2: 0x00, data: [0xA0, 0x00, 0x00, 0x05, 0x27, 0x20, 0x01])).status == .fileNotFound)
        #expect(card.handle(CommandAPDU(ins: 0xA4, p1: 0x04, p2: 0x00, data: [])).status == .fileNotFound)
        #expect(card.handle(CommandAPDU(ins: 0xA4, p1: 0x04, p2: 0x07, data: Self.piv)).status == .incorrectP1P2)
    }

    @Test func classesAndInstructionsTheCardDoesNotKnow() {
        var card = os()
        #expect(card.handle(CommandAPDU(ins: 0xFD, p1: 0, p2: 0)).status == .instructionNotSupported)  // Yubico version probe
        #expect(card.handle(CommandAPDU(cla: 0x80, ins: 0xCA, p1: 0, p2: 0)).status == .classNotSupported)
        #expect(card.handle(CommandAPDU(cla: 0x0C, ins: 0xB0, p1: 0, p2: 0)).status == .secureMessagingNotSupported)
        _ = card.handle(CommandAPDU(ins: 0xA4, p1: 0x04, p2: 0x00, data: Self.piv))
        #expect(card.handle(CommandAPDU(ins: 0x99, p1: 0, p2: 0)).status == .instructionNotSupported)
    }

    @Test func theAlwaysAuthenticateFlagLastsOneCommandAndResetForgetsThePIN() {
        var card = os()
        _ = card.handle(CommandAPDU(ins: 0xA4, p1: 0x04, p2: 0x00, data: Self.piv))
        _ = card.handle(CommandAPDU(ins: 0x20, p1: 0, p2: 0x80))
        #expect(card.handle(CommandAPDU(ins: 0x87, p1: 0x11, p2: 0x9C)).status == .success)
        #expect(card.handle(CommandAPDU(ins: 0x87, p1: 0x11, p2: 0x9C)).status == .securityStatusNotSatisfied)
        #expect(card.session.pinVerified)
        card.reset()
        #expect(!card.session.pinVerified)
        #expect(card.handle(CommandAPDU(ins: 0xCA, p1: 0, p2: 0)).status == .instructionNotSupported)
    }
}
