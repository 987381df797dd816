import LicnaCard
import Testing

@testable import LicnaCardClient

@Suite struct CardChannelTests {
    /// 600 bytes go out as links of 255, 255 and 90 bytes; CLA 10 on all but the last (ISO 7816-4 §5.1.1.1).
    @Test func longDataIsChained() throws {
        let data = (0..<600).map { UInt8($0 & 0xFF) }
        let card = FakeCard { command in
            ResponseAPDU(data: [UInt8(command.data.count >> 8), UInt8(command.data.count & 0xFF)], status: .success)
        }
        let channel = SmartCardChannel(card: card)
        let response = try channel.send(CommandAPDU(ins: 0xDB, p1: 0x3F, p2: 0xFF, data: data, expectedLength: 256))
        #expect(response.status == .success)
        #expect(response.data == [0x02, 0x58])
        let raw = card.raw
        #expect(raw.count == 3)
        #expect(Array(raw[0].prefix(5)) == [0x10, 0xDB, 0x3F, 0xFF, 0xFF])
        #expect(Array(raw[1].prefix(5)) == [0x10, 0xDB, 0x3F, 0xFF, 0xFF])
        #expect(Array(raw[2].prefix(5)) == [0x00, 0xDB, 0x3F, 0xFF, 90])
        #expect(raw.map(\.count) == [260, 260, 96])  // Le only on the last link
        #expect(card.commands.count == 1)
        #expect(card.commands.first?.data == data)
    }

    /// A chain link refused ends the chain and its answer is returned.
    @Test func refusedLinkEndsTheChain() throws {
        let card = ScriptedCard { _ in [0x6A, 0x84] }
        let response = try SmartCardChannel(card: card).send(CommandAPDU(ins: 0xDB, p1: 0x3F, p2: 0xFF, data: Array(repeating: 1, count: 700)))
        #expect(response.status == .notEnoughMemory)
        #expect(card.raw.count == 1)
    }

    /// A 700-byte answer comes as 256 + 61 xx, then GET RESPONSE `00 C0 00 00 xx` until 90 00 (§5.3.4).
    @Test func getResponseCollectsEverything() throws {
        let payload = (0..<700).map { UInt8(($0 * 7) & 0xFF) }
        let card = FakeCard { _ in ResponseAPDU(data: payload, status: .success) }
        let response = try SmartCardChannel(card: card).send(CommandAPDU(ins: 0xCB, p1: 0x3F, p2: 0xFF, data: [0x5C, 0x01, 0x7E], expectedLength: 256))
        #expect(response.status == .success)
        #expect(response.data == payload)
        let raw = card.raw
        #expect(raw.count == 3)
        #expect(raw[1] == [0x00, 0xC0, 0x00, 0x00, 0x00])  // 444 left: 61 00 means 256 or more
        #expect(raw[2] == [0x00, 0xC0, 0x00, 0x00, 188])
    }

    /// `6C xx`: the same command again with Le = xx.
    @Test func wrongLeIsCorrected() throws {
        let card = ScriptedCard { command in
            command.last == 0x05 ? [1, 2, 3, 4, 5, 0x90, 0x00] : [0x6C, 0x05]
        }
        let response = try SmartCardChannel(card: card).send(CommandAPDU(ins: 0xB0, p1: 0, p2: 0, expectedLength: 10))
        #expect(response.data == [1, 2, 3, 4, 5])
        #expect(card.raw == [[0x00, 0xB0, 0x00, 0x00, 0x0A], [0x00, 0xB0, 0x00, 0x00, 0x05]])
    }

    /// A card answering with one byte is a transport error, not a response.
    @Test func shortAnswerIsMalformed() {
        let card = ScriptedCard { _ in [0x90] }
        #expect {
            _ = try SmartCardChannel(card: card).transmit(CommandAPDU(ins: 0xA4, p1: 4, p2: 0))
        } throws: { error in
            (error as? CardChannelError)?.code == .cardMalformedResponse
        }
    }

    /// A card that answers 61 xx forever is cut off.
    @Test func endlessGetResponseIsRefused() {
        let card = ScriptedCard { _ in [0xAA, 0x61, 0x01] }
        #expect {
            _ = try SmartCardChannel(card: card).send(CommandAPDU(ins: 0xCA, p1: 0, p2: 1))
        } throws: { error in
            (error as? CardChannelError)?.code == .cardMalformedResponse
        }
    }
}
