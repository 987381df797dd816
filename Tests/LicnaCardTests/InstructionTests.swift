@testable import LicnaCard
import Testing

/// The card's instruction bytes are the named `Instruction` cases, and `StatusWord`'s properties read the
/// status words the card answers.
@Suite struct InstructionTests {
    /// Every INS the card answers with anything but `6D 00` (instruction not supported), with nothing selected and
    /// in each application. Only harmless forms are sent (`00 INS 00 00` and `00 INS 04 00`, no data): a blank card
    /// refuses them all for their parameters or security state, and none changes the card or the selection.
    static func handledInstructions(selecting select: [UInt8]?) -> Set<UInt8> {
        let card = VirtualCard.inMemory()
        func status(_ command: [UInt8]) -> StatusWord {
            let answer = card.transmit(command)
            return StatusWord(answer[answer.count - 2], answer[answer.count - 1])
        }
        if let select { #expect(status(select).isSuccess) }
        var handled: Set<UInt8> = []
        for ins in UInt8.min...UInt8.max {
            for p1: UInt8 in [0x00, 0x04] where status([0x00, ins, p1, 0x00]) != .instructionNotSupported {
                handled.insert(ins)
            }
        }
        return handled
    }

    @Test func everyInstructionTheCardHandlesIsNamed() {
        let selections: [[UInt8]?] = [nil] + VirtualCard.applications.map { application in
            CommandAPDU(.select, p1: 0x04, p2: 0x0C, data: application.aid).bytes
        }
        var all: Set<UInt8> = []
        for selection in selections {
            let handled = Self.handledInstructions(selecting: selection)
            for ins in handled {
                #expect(Instruction(rawValue: ins) != nil, "INS \(ins) is handled but not an Instruction case")
            }
            all.formUnion(handled)
        }
        // And every case is handled somewhere: the enum names nothing the card does not do.
        #expect(all == Set(Instruction.allCases.map(\.rawValue)))
    }

    @Test func eachApplicationHandlesItsOwnInstructions() {
        let piv = Self.handledInstructions(selecting: CommandAPDU(.select, p1: 0x04, p2: 0x0C, data: PIVApplication.identifier).bytes)
        let expectedPIV: Set<Instruction> = [
            .select, .getResponse, .getDataBERTLV, .putDataBERTLV, .verify, .changeReferenceData, .resetRetryCounter,
            .generalAuthenticate, .generateAsymmetricKeyPair, .importAsymmetricKey, .attest, .setManagementKey,
            .setRetryLimits, .activateFile,
        ]
        #expect(piv == Set(expectedPIV.map(\.rawValue)))
        let emrtd = Self.handledInstructions(selecting: CommandAPDU(.select, p1: 0x04, p2: 0x0C, data: EMRTDApplication.identifier).bytes)
        #expect(emrtd == Set(([.select, .getResponse, .readBinary, .verify, .putData] as [Instruction]).map(\.rawValue)))
        let identity = Self.handledInstructions(selecting: CommandAPDU(.select, p1: 0x04, p2: 0x0C, data: IdentityApplication.identifier).bytes)
        #expect(identity == Set(([.select, .getResponse, .getData, .verify, .putData] as [Instruction]).map(\.rawValue)))
    }

    @Test func aCommandNamesItsInstruction() throws {
        let verify = CommandAPDU(.verify, p1: 0x00, p2: 0x80, data: [UInt8](repeating: 0x31, count: 8))
        #expect(verify.bytes == [0x00, 0x20, 0x00, 0x80, 0x08] + [UInt8](repeating: 0x31, count: 8))
        #expect(verify.instruction == .verify)
        #expect(try CommandAPDU(bytes: [0x00, 0xCB, 0x3F, 0xFF]).instruction == .getDataBERTLV)
        #expect(try CommandAPDU(bytes: [0x00, 0xFD, 0x00, 0x00]).instruction == nil)
        #expect(Instruction.generalAuthenticate.description == "87")
        #expect(Instruction.verify.description == "20")
    }

    @Test func statusWordProperties() {
        for left in 0...15 {
            #expect(StatusWord.verificationFailed(triesLeft: left).triesLeft == left)
        }
        #expect(StatusWord(0x63C3).triesLeft == 3)
        #expect(StatusWord(0x6300).triesLeft == nil)
        #expect(StatusWord.authenticationBlocked.triesLeft == nil)
        #expect(StatusWord.success.triesLeft == nil)
        #expect(StatusWord.success.isSuccess)
        #expect(!StatusWord(0x6100).isSuccess && !StatusWord.wrongLength.isSuccess)
        #expect(StatusWord.bytesRemaining(16).moreDataAvailable == 16)
        #expect(StatusWord.bytesRemaining(300).moreDataAvailable == 256)
        #expect(StatusWord(0x6100).moreDataAvailable == 256)
        #expect(StatusWord.success.moreDataAvailable == nil)
        #expect(StatusWord(0x6C10).correctLength == 16)
        #expect(StatusWord(0x6C00).correctLength == 256)
        #expect(StatusWord.wrongLength.correctLength == nil)
    }

    /// The card answers the PIN state with the same words the clients read: `63 Cx` counts down, then `69 83`.
    @Test func theCardCountsTriesDownThroughTriesLeft() {
        let t = CardTerminal()
        t.personalize()
        #expect(t.selectPIV().status == 0x9000)
        let query = CommandAPDU(.verify, p1: 0x00, p2: 0x80).bytes
        #expect(StatusWord(t.send(query).status).triesLeft == 5)
        #expect(StatusWord(t.verifyPIN("000000")).triesLeft == 4)
        for _ in 0..<4 { _ = t.verifyPIN("000000") }
        #expect(StatusWord(t.send(query).status) == .authenticationBlocked)
    }
}
