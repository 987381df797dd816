import LicnaBasics
import Foundation
import LicnaCard
@testable import LicnaCardClient
import Testing

/// A channel that records the instruction byte of every command it carries.
final class RecordingChannel: CardChannel, @unchecked Sendable {
    private let inner: any CardChannel
    private let lock = NSLock()
    private var _instructions: [UInt8] = []

    init(_ inner: any CardChannel) { self.inner = inner }

    var instructions: [UInt8] { lock.withLock { _instructions } }

    func transmit(_ command: CommandAPDU) throws -> ResponseAPDU {
        lock.withLock { _instructions.append(command.ins) }
        return try inner.transmit(command)
    }
}

/// The clients speak only the card's named instructions: personalization, the report, PIN handling and a
/// signature against the virtual card send no INS byte that is not an `Instruction` case.
@Suite struct InstructionUseTests {
    @Test func theClientsSendOnlyNamedInstructions() async throws {
        let transportKey = [UInt8](repeating: 7, count: 32)
        let card = VirtualCard.inMemory(transportKey: transportKey)
        let channel = RecordingChannel(SmartCardChannel(card: card))
        let authority = try DevelopmentCertificateAuthority(clock: SystemWallClock())
        _ = try await CardPersonalizer(channel: channel, transportKey: transportKey)
            .personalize(PersonalizationTests.holder(), secrets: .init(pin: "123456", puk: "12345678", can: "123456"),
                         authority: authority)
        card.reset()
        _ = try CardReport.read(channel: channel, can: "123456", csca: [authority.csca.certificate], at: Date())
        card.reset()
        let piv = PIVClient(channel: channel)
        _ = try piv.select()
        #expect(try piv.pinTriesLeft() == 5)
        #expect(throws: PIVError.self) { try piv.verify(pin: "000000") }
        try piv.verify(pin: "123456")
        _ = try piv.sign(digest: [UInt8](repeating: 1, count: 32), slot: .signature, algorithm: .p256)
        try piv.changePIN(old: "123456", new: "654321")
        let sent = Set(channel.instructions)
        #expect(sent.allSatisfy { Instruction(rawValue: $0) != nil }, "\(sent.filter { Instruction(rawValue: $0) == nil })")
        let expected: Set<Instruction> = [
            .select, .verify, .changeReferenceData, .generalAuthenticate, .generateAsymmetricKeyPair, .getDataBERTLV,
            .putDataBERTLV, .putData, .getData, .readBinary, .setManagementKey, .activateFile,
        ]
        #expect(expected.isSubset(of: Set(sent.compactMap(Instruction.init(rawValue:)))))
    }
}
