import Crypto
import Foundation
import LicnaBasics
import LicnaCard
@testable import LicnaCardClient
import LicnaPKI
import LicnaTestSupport
import Testing

/// The renewal script's two faces (docs/card.md "Renewal"): what the citizen's tool relays (`permits`: the script's
/// commands, nothing else, whatever a server asks), and the server's reading of the card's answers, which ends with a
/// `PIVError` on anything but the expected answer — never a trap.
@Suite struct CardRenewalScriptTests {
    static let key = [UInt8](repeating: 0x42, count: 32)

    @Test func theToolRelaysTheScriptsCommandsAndNothingElse() throws {
        var script = try CardRenewalScript(managementKey: Self.key, slots: [.authentication, .signature], algorithm: .p256)
        #expect(CardRenewalScript.permits(try #require(script.command)))
        // Commands the script never sends, some of them dangerous in a relay.
        let refused: [CommandAPDU] = [
            CommandAPDU(.verify, p1: 0x00, p2: 0x80, data: Array("123456".utf8) + [0xFF, 0xFF]),
            CommandAPDU(.changeReferenceData, p1: 0x00, p2: 0x80, data: [UInt8](repeating: 0x31, count: 16)),
            CommandAPDU(.resetRetryCounter, p1: 0x00, p2: 0x80, data: [UInt8](repeating: 0x31, count: 16)),
            CommandAPDU(.putDataBERTLV, p1: 0x3F, p2: 0xFF, data: [0x5C, 0x03, 0x5F, 0xC1, 0x02, 0x53, 0x00]),  // CHUID
            CommandAPDU(.putDataBERTLV, p1: 0x3F, p2: 0xFF, data: [0x5C, 0x03, 0x5F, 0xFF, 0x01, 0x53, 0x00]),  // attestation certificate
            CommandAPDU(.generateAsymmetricKeyPair, p1: 0x00, p2: 0x9D, data: [0xAC, 0x03, 0x80, 0x01, 0x11]),
            CommandAPDU(.generalAuthenticate, p1: 0x11, p2: 0x9C, data: [0x7C, 0x04, 0x82, 0x00, 0x81, 0x00]),  // a signature
            CommandAPDU(.attest, p1: 0x9A, p2: 0x00, data: [0x01]),
            CommandAPDU(.getDataBERTLV, p1: 0x3F, p2: 0xFF, data: [0x5C, 0x03, 0x5F, 0xC1, 0x05]),
            CommandAPDU(.setManagementKey, p1: 0xFF, p2: 0xFF, data: [0x0C, 0x9B, 0x20] + Self.key),
            CommandAPDU(.importAsymmetricKey, p1: 0x11, p2: 0x9A, data: [0x06, 0x20] + Self.key),
            CommandAPDU(.activateFile, p1: 0x00, p2: 0x00),
            CommandAPDU(cla: 0x10, .generateAsymmetricKeyPair, p1: 0x00, p2: 0x9A, data: [0xAC, 0x03, 0x80, 0x01, 0x11]),
            CommandAPDU(cla: 0x0C, .attest, p1: 0x9A, p2: 0x00),
            CommandAPDU(.select, p1: 0x04, p2: 0x00, data: PIVApplication.identifier),
        ]
        for command in refused { #expect(!CardRenewalScript.permits(command), "\(command.bytes.hexString)") }
        // Whatever the card answers first, the next command is the script's too.
        _ = try? script.read(ResponseAPDU(data: BERTLV(tag: 0x7C, value: BERTLV(tag: 0x80, value: [UInt8](repeating: 1, count: 16)).bytes).bytes))
        #expect(script.command.map(CardRenewalScript.permits) ?? true)
    }

    /// Random, cut and wrong answers at every stage: each is a `PIVError`, and the script asks nothing more after one.
    @Test(arguments: 0..<4)
    func hostileAnswersEndTheScriptCleanly(seed: UInt64) throws {
        var generator = SeededRandom(seed: seed)
        for _ in 0..<200 {
            var script = try CardRenewalScript(managementKey: Self.key, slots: [.authentication, .signature], algorithm: .p256)
            let length = Int.random(in: 0...300, using: &generator)
            let data = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let status = [StatusWord.success, StatusWord(0x69, 0x82), StatusWord(0x6A, 0x80), StatusWord(0x63, 0xC2)]
                .randomElement(using: &generator)!
            do {
                try script.read(ResponseAPDU(data: data, status: status))
                // Only a success with the right shape moves on, and then to the script's own next command.
                #expect(status.isSuccess)
                #expect(script.command.map(CardRenewalScript.permits) ?? true)
            } catch is PIVError {
                continue
            }
        }
        var finished = try CardRenewalScript(managementKey: Self.key, slots: [.authentication], algorithm: .p256)
        #expect(throws: PIVError.self) { try finished.provide(certificates: []) }
    }

    @Test func aScriptRenewsOnlyTheTwoCardSlots() {
        #expect(throws: PIVError.self) { try CardRenewalScript(managementKey: Self.key, slots: [], algorithm: .p256) }
        #expect(throws: PIVError.self) { try CardRenewalScript(managementKey: Self.key, slots: [.authentication, .authentication], algorithm: .p256) }
        #expect(throws: PIVError.self) {
            try CardRenewalScript(managementKey: Self.key, slots: [PIVSlot(keyReference: 0x9D, certificateObject: PIVObjectTag(0x5F_C10B))], algorithm: .p256)
        }
        #expect(throws: PIVError.self) { try CardRenewalScript(managementKey: [1, 2, 3], slots: [.authentication], algorithm: .p256) }
    }
}
