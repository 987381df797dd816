import Crypto
import Foundation
@testable import LicnaCard
import Testing

@Suite struct LifeCycleTests {
    @Test func personalizationCommandsNeedTheManagementKeyAndTheRightState() {
        let t = CardTerminal()
        #expect(t.selectPIV().status == 0x9000)
        // Without the management key: 69 82.
        #expect(t.send(CardTerminal.apdu("00FFFFFF", [0x0C, 0x9B, 0x20] + CardTerminal.ownKey)).status == 0x6982)
        #expect(t.send(CardTerminal.apdu("00240180", CardTerminal.pin("123456"))).status == 0x6982)
        #expect(t.generate(0x9A).status == 0x6982)
        #expect(t.putData([0x5F, 0xC1, 0x02], [0x30, 0x00]).status == 0x6982)
        #expect(t.send("00FA0303").status == 0x6982)
        #expect(t.send("00440000").status == 0x6982)
        // A blank card has no PIN yet.
        #expect(t.verifyPIN("123456") == 0x6985)
        // Wrong transport key: 69 82.
        #expect(t.authenticate(key: CardTerminal.ownKey) == 0x6982)
        #expect(t.authenticate(key: CardTerminal.transportKey) == 0x9000)
        #expect(t.send("00440000").status == 0x6985)  // no PIN or PUK yet
        #expect(t.send(CardTerminal.apdu("00240180", CardTerminal.pin("123456"))).status == 0x9000)
        #expect(t.send(CardTerminal.apdu("00240181", CardTerminal.pin("1234567"))).status == 0x6A80)  // a PUK has 8 digits
        #expect(t.send(CardTerminal.apdu("00240181", CardTerminal.pin("12345678"))).status == 0x9000)
        #expect(t.send("00440000").status == 0x6985)  // still the transport key
        #expect(t.send(CardTerminal.apdu("00FFFFFF", [0x0C, 0x9B, 0x10] + CardTerminal.ownKey.prefix(16))).status == 0x6A80)
        #expect(t.send(CardTerminal.apdu("00FFFFFF", [0x0C, 0x9B, 0x20] + CardTerminal.ownKey)).status == 0x9000)
        #expect(t.send("00440001").status == 0x6A86)
        #expect(t.send("00440000").status == 0x9000)
        #expect(t.card.image.lifeCycle == .operational)
        // Operational: every personalization command answers 69 85, with or without the management key.
        t.card.reset()
        _ = t.selectPIV()
        #expect(t.authenticate(key: CardTerminal.ownKey) == 0x9000)
        #expect(t.send(CardTerminal.apdu("00FFFFFF", [0x0C, 0x9B, 0x20] + CardTerminal.transportKey)).status == 0x6985)
        #expect(t.send(CardTerminal.apdu("00240180", CardTerminal.pin("000000"))).status == 0x6985)
        #expect(t.send("00FA0F0F").status == 0x6985)
        #expect(t.send("00440000").status == 0x6985)
        #expect(t.putData([0x5F, 0xC1, 0x02], [0x30, 0x00]).status == 0x6985)
        _ = t.selectEMRTD()
        #expect(t.send(CardTerminal.apdu("00DA0101", [0x61, 0x00])).status == 0x6985)
        _ = t.selectIdentity()
        #expect(t.send(CardTerminal.apdu("00DA0005", Array("0101990210007".utf8))).status == 0x6985)
    }

    @Test func operationalKeyGenerationAndCertificatesNeedManagementKeyAndPIN() {
        let t = CardTerminal()
        t.personalize()
        _ = t.selectPIV()
        #expect(t.generate(0x9A).status == 0x6982)  // neither
        #expect(t.authenticate(key: CardTerminal.ownKey) == 0x9000)
        #expect(t.generate(0x9A).status == 0x6982)  // management key only
        #expect(t.putData([0x5F, 0xC1, 0x05], [0x70, 0x00]).status == 0x6982)
        #expect(t.verifyPIN("123456") == 0x9000)
        let generated = t.generate(0x9C, algorithm: 0x14)
        #expect(generated.status == 0x9000)
        #expect(Array(generated.data.prefix(5)) == [0x7F, 0x49, 0x63, 0x86, 0x61])
        #expect(t.putData([0x5F, 0xC1, 0x05], [0x70, 0x00]).status == 0x9000)
        #expect(t.putData([0x5F, 0xC1, 0x02], [0x30, 0x00]).status == 0x6985)  // only the certificates
        #expect(t.generate(0x9B).status == 0x6A86)
        #expect(t.send([0x00, 0x47, 0x00, 0x9A, 0x05, 0xAC, 0x03, 0x80, 0x01, 0x07]).status == 0x6A80)  // RSA: not on this card
        // Without the PIN after a reset, and the management key alone: refused again.
        t.card.reset()
        _ = t.selectPIV()
        #expect(t.authenticate(key: CardTerminal.ownKey) == 0x9000)
        #expect(t.generate(0x9A).status == 0x6982)
    }

    @Test func externalManagementKeyAuthentication() throws {
        let t = CardTerminal()
        _ = t.selectPIV()
        let challenge = t.send("0087 0C9B 04 7C028100 00")
        #expect(challenge.status == 0x9000 && challenge.data.count == 20)
        var answer = Array(challenge.data.suffix(16))
        try AES.permute(&answer, key: SymmetricKey(data: CardTerminal.transportKey))
        #expect(t.send(CardTerminal.apdu("00870C9B", [0x7C, 0x12, 0x82, 0x10] + answer)).status == 0x9000)
        #expect(t.card.image.lifeCycle == .personalization)
        // A replayed answer without a fresh challenge fails.
        #expect(t.send(CardTerminal.apdu("00870C9B", [0x7C, 0x12, 0x82, 0x10] + answer)).status == 0x6982)
        #expect(t.send("0087 119B 04 7C028100").status == 0x6A86)  // the management key is AES-256
        #expect(t.send("0087 0C9B 04 7D028100").status == 0x6A80)
    }
}

@Suite struct PIVCommandTests {
    @Test func selectAnswersTheApplicationPropertyTemplate() {
        let t = CardTerminal()
        let answer = t.selectPIV()
        #expect(answer.status == 0x9000)
        #expect(Array(answer.data.prefix(12)) == [0x61, answer.data[1], 0x4F, 0x06, 0x00, 0x00, 0x10, 0x00, 0x01, 0x00, 0x79, 0x07])
        #expect(!answer.data.contains(0x27) || !answer.data.contains(0x2E))
        #expect(t.send("00FD0000").status == 0x6D00)
    }

    @Test func getDataObjectsAndErrors() {
        let t = CardTerminal()
        t.personalize()
        _ = t.selectPIV()
        #expect(t.send("00CB3FFF 03 5C017E 00").data == PIVApplication.discovery)
        let auth = t.send("00CB3FFF 05 5C035FC105 00")
        #expect(auth.status == 0x9000 && auth.data == [0x53, 0x0A, 0x70, 0x03, 0x01, 0x02, 0x03, 0x71, 0x01, 0x00, 0xFE, 0x00])
        // The 9C certificate object is over 256 bytes: 61 xx, then GET RESPONSE.
        let first = t.send("00CB3FFF 05 5C035FC10A 00")
        #expect(first.status >> 8 == 0x61 && first.data.count == 256)
        let rest = t.send([0x00, 0xC0, 0x00, 0x00, UInt8(first.status & 0xFF)])
        #expect(rest.status == 0x9000 && first.data.count + rest.data.count == 4 + 4 + 300 + 5)
        #expect(t.send("00CB3FFF 05 5C035FC102 00").status == 0x6A82)  // no CHUID written
        #expect(t.send("00CB3FFE 05 5C035FC102 00").status == 0x6A86)
        #expect(t.send("00CB3FFF 05 5D035FC102 00").status == 0x6A80)
        #expect(t.send("00CB3FFF 06 5C035FC1 00").status == 0x6700)  // Lc says 6, 5 bytes follow: wrong length
    }

    @Test func verifyCountsAndReadsTheState() {
        let t = CardTerminal()
        t.personalize()
        _ = t.selectPIV()
        #expect(t.send("00200080").status == 0x63C5)
        #expect(t.send("00200081").status == 0x63C5)  // PUK tries (our extension)
        #expect(t.verifyPIN("123456") == 0x9000)
        #expect(t.send("00200080").status == 0x9000)
        #expect(t.send("0020FF80").status == 0x9000)
        #expect(t.send("00200080").status == 0x63C5)
        #expect(t.send("00200083").status == 0x6A88)
        #expect(t.send("00201080").status == 0x6A86)
        #expect(t.send(CardTerminal.apdu("00200080", [0x31, 0x32, 0x33])).status == 0x6700)
        for left in (0..<5).reversed() {
            #expect(t.verifyPIN("000000") == 0x63C0 | UInt16(left))
        }
        #expect(t.verifyPIN("123456") == 0x6983)
        #expect(t.sign(0x9A, hash: [UInt8](repeating: 1, count: 32)).status == 0x6983)
        // The PUK resets it; a wrong PUK spends a PUK try.
        #expect(t.send(CardTerminal.apdu("002C0080", CardTerminal.pin("87654321") + CardTerminal.pin("654321"))).status == 0x63C4)
        #expect(t.send(CardTerminal.apdu("002C0080", CardTerminal.pin("12345678") + Array("12345".utf8) + [0xFF, 0xFF, 0xFF])).status == 0x6A80)  // no try spent
        #expect(t.send(CardTerminal.apdu("002C0080", CardTerminal.pin("12345678") + CardTerminal.pin("654321"))).status == 0x9000)
        #expect(t.send("00200081").status == 0x63C5)
        #expect(t.verifyPIN("654321") == 0x9000)
        // CHANGE REFERENCE DATA.
        #expect(t.send(CardTerminal.apdu("00240080", CardTerminal.pin("111111") + CardTerminal.pin("222222"))).status == 0x63C4)
        #expect(t.send(CardTerminal.apdu("00240080", CardTerminal.pin("654321") + CardTerminal.pin("222222"))).status == 0x9000)
        #expect(t.send(CardTerminal.apdu("00240081", CardTerminal.pin("12345678") + CardTerminal.pin("87654321"))).status == 0x9000)
        #expect(t.send(CardTerminal.apdu("00240082", Array("123456".utf8) + Array("654321".utf8))).status == 0x6A88)
        #expect(t.send(CardTerminal.apdu("00240280", CardTerminal.pin("222222") + CardTerminal.pin("333333"))).status == 0x6A86)
        #expect(t.verifyPIN("222222") == 0x9000)
    }

    @Test func pinAndPUKExhaustedBlockTheCardForGood() {
        let t = CardTerminal()
        t.personalize()
        _ = t.selectPIV()
        for _ in 0..<5 { _ = t.verifyPIN("000000") }
        for left in (0..<5).reversed() {
            #expect(t.send(CardTerminal.apdu("002C0080", CardTerminal.pin("00000000") + CardTerminal.pin("654321"))).status == 0x63C0 | UInt16(left))
        }
        #expect(t.send(CardTerminal.apdu("002C0080", CardTerminal.pin("12345678") + CardTerminal.pin("654321"))).status == 0x6983)
        #expect(t.send("00200081").status == 0x6983)
        #expect(t.card.image.secrets.isPermanentlyBlocked)
        #expect(t.verifyPIN("123456") == 0x6983)
        #expect(t.sign(0x9A, hash: [UInt8](repeating: 1, count: 32)).status == 0x6983)
        #expect(t.sign(0x9C, hash: [UInt8](repeating: 1, count: 32)).status == 0x6983)
        #expect(t.authenticate(key: CardTerminal.ownKey) == 0x9000)
        #expect(t.generate(0x9A).status == 0x6983)
    }

    @Test(arguments: [(UInt8(0x11), 32), (UInt8(0x14), 48)])
    func signaturesVerifyWithTheGeneratedKeyAndNineCNeedsAFreshVerify(algorithm: UInt8, length: Int) throws {
        let t = CardTerminal()
        _ = t.selectPIV()
        #expect(t.authenticate(key: CardTerminal.transportKey) == 0x9000)
        #expect(t.send(CardTerminal.apdu("00240180", CardTerminal.pin("123456"))).status == 0x9000)
        let point9A = Array(t.generate(0x9A, algorithm: algorithm).data.dropFirst(5))
        let point9C = Array(t.generate(0x9C, algorithm: algorithm).data.dropFirst(5))
        let message = Array("contract".utf8)
        let hash = length == 32 ? Array(SHA256.hash(data: message)) : Array(SHA384.hash(data: message))
        #expect(t.sign(0x9A, hash: hash, algorithm: algorithm).status == 0x6982)
        #expect(t.verifyPIN("123456") == 0x9000)
        let first = t.sign(0x9A, hash: hash, algorithm: algorithm)
        let second = t.sign(0x9A, hash: hash, algorithm: algorithm)
        #expect(first.status == 0x9000 && second.status == 0x9000)
        #expect(t.sign(0x9C, hash: hash, algorithm: algorithm).status == 0x6982)  // 9C: VERIFY immediately before
        #expect(t.verifyPIN("123456") == 0x9000)
        let signed9C = t.sign(0x9C, hash: hash, algorithm: algorithm)
        #expect(signed9C.status == 0x9000)
        #expect(t.sign(0x9C, hash: hash, algorithm: algorithm).status == 0x6982)
        #expect(t.sign(0x9A, hash: hash + [0], algorithm: algorithm).status == 0x6A80)
        #expect(t.sign(0x9A, hash: hash, algorithm: algorithm == 0x11 ? 0x14 : 0x11).status == 0x6A86)
        #expect(t.sign(0x9D, hash: hash, algorithm: algorithm).status == 0x6A88)
        #expect(t.sign(0x42, hash: hash, algorithm: algorithm).status == 0x6A86)
        func der(_ answer: CardTerminal.Answer) -> [UInt8] { Array(answer.data.dropFirst(4)) }
        if length == 32 {
            let key9A = try P256.Signing.PublicKey(x963Representation: point9A)
            let key9C = try P256.Signing.PublicKey(x963Representation: point9C)
            #expect(key9A.isValidSignature(try .init(derRepresentation: der(first)), for: SHA256.hash(data: message)))
            #expect(key9C.isValidSignature(try .init(derRepresentation: der(signed9C)), for: SHA256.hash(data: message)))
        } else {
            let key9A = try P384.Signing.PublicKey(x963Representation: point9A)
            let key9C = try P384.Signing.PublicKey(x963Representation: point9C)
            #expect(key9A.isValidSignature(try .init(derRepresentation: der(first)), for: SHA384.hash(data: message)))
            #expect(key9C.isValidSignature(try .init(derRepresentation: der(signed9C)), for: SHA384.hash(data: message)))
        }
    }

    @Test func malformedCommands() {
        let t = CardTerminal()
        _ = t.selectPIV()
        #expect(t.send("00200080 08 313233").status == 0x6700)  // Lc larger than the data
        #expect(t.send("00").status == 0x6700)
        #expect(t.send("0099 0000").status == 0x6D00)
        #expect(t.send("A020 0080").status == 0x6E00)
        #expect(t.send("0087 119A 04 7C02").status == 0x6700)
        #expect(t.send("0087 119A 04 7C058200").status == 0x6A80)  // inner length runs past the template
        // A chain cut short by another command.
        #expect(t.send("10DB3FFF 03 5C035F").status == 0x9000)
        #expect(t.send("00CB3FFF 03 5C017E 00").status == 0x6883)
        #expect(t.send("00C00000 10").status == 0x6985)  // nothing pending
    }

    @Test func onlyAVerifyOfThePINImmediatelyBeforeLetsNineCSign() {
        let t = CardTerminal()
        t.personalize()
        _ = t.selectPIV()
        let hash = [UInt8](repeating: 7, count: 32)
        #expect(t.verifyPIN("123456") == 0x9000)
        #expect(t.send("0020FF80").status == 0x9000)  // log out
        #expect(t.sign(0x9C, hash: hash).status == 0x6982)
        #expect(t.verifyPIN("123456") == 0x9000)
        #expect(t.send("00200081").status == 0x63C5)  // the PUK's tries: not a PIN verification
        #expect(t.sign(0x9C, hash: hash).status == 0x6982)
        #expect(t.verifyPIN("123456") == 0x9000)
        #expect(t.send("00200083").status == 0x6A88)
        #expect(t.sign(0x9C, hash: hash).status == 0x6982)
        #expect(t.verifyPIN("123456") == 0x9000)
        #expect(t.send("00200080").status == 0x9000)  // the state query keeps it
        #expect(t.sign(0x9C, hash: hash).status == 0x9000)
    }

    @Test func aShortLeCutsTheAnswerAndGetResponseServesTheRest() {
        let t = CardTerminal()
        t.personalize()
        _ = t.selectPIV()
        let first = t.send("00CB3FFF 05 5C035FC105 08")
        #expect(first.data.count == 8 && first.status == 0x6104)
        #expect(t.send("00C00000 04").data == [0x71, 0x01, 0x00, 0xFE, 0x00].suffix(4))
    }

    @Test func aCommandWithoutLeGetsItsDataThroughGetResponse() {
        let t = CardTerminal()
        let select = t.send("00A4040009A00000030800001000")  // no Le: Ne = 0
        #expect(select.data.isEmpty && select.status >> 8 == 0x61)
        let rest = t.send([0x00, 0xC0, 0x00, 0x00, UInt8(select.status & 0xFF)])
        #expect(rest.status == 0x9000 && rest.data.first == 0x61)
        #expect(t.send("00C00000 10").status == 0x6985)
        #expect(t.send("00CB3FFF 03 5C017E").status == 0x6114)
        #expect(t.send("00C00001 14").status == 0x6A86)
        #expect(t.send("00C00000 14").data == PIVApplication.discovery)
    }
}

@Suite struct EMRTDAndIdentityTests {
    @Test func dataGroupsNeedTheAccessNumberOrThePIN() {
        let t = CardTerminal()
        t.personalize()
        #expect(t.selectEMRTD().status == 0x9000)
        #expect(t.send("00B00000 04").status == 0x6986)  // nothing selected
        #expect(t.send("00A4020C 02 011E").status == 0x9000)
        #expect(t.send("00B00000 05").data == [0x60, 0x03, 0x5F, 0x01, 0x00])
        #expect(t.send("00A4020C 02 0101").status == 0x9000)
        #expect(t.send("00B00000 04").status == 0x6982)
        #expect(t.send("00A4020C 02 0105").status == 0x6A82)
        #expect(t.send("00A4030C 02 0101").status == 0x6A86)
        #expect(t.send(CardTerminal.apdu("00200082", Array("654321".utf8))).status == 0x63C9)
        #expect(t.send(CardTerminal.apdu("00200082", Array("12345".utf8))).status == 0x6700)
        #expect(t.send(CardTerminal.apdu("00200082", Array("123456".utf8))).status == 0x9000)
        #expect(t.send("00200082").status == 0x9000)
        #expect(t.send("00A4020C 02 0101").status == 0x9000)
        #expect(t.send("00B00000 07").data == [0x61, 0x05, 0x5F, 0x1F, 0x02, 0x41, 0x42])
        #expect(t.send("00B00004 00").data == [0x02, 0x41, 0x42])
        #expect(t.send("00B00007 01").status == 0x6B00)
        // DG2 in pieces with offsets; DG3 never.
        #expect(t.send("00A4020C 02 0102").status == 0x9000)
        let head = t.send("00B00000 DF")
        let tail = t.send("00B000DF 00")
        #expect(head.data.count == 0xDF && tail.data.count == 256)
        #expect(t.send("00A4020C 02 0103").status == 0x9000)
        #expect(t.send("00B00000 03").status == 0x6982)
        // Short EF identifier: SOD (1D).
        #expect(t.send("00B09D00 03").data == [0x77, 0x01, 0x00])
        #expect(t.send("00B0FF00 03").status == 0x6A86)
        // The PIN works too, and a reset forgets both.
        t.card.reset()
        _ = t.selectEMRTD()
        #expect(t.send("00B08100 04").status == 0x6982)
        #expect(t.verifyPIN("123456") == 0x9000)
        #expect(t.send("00B08100 04").status == 0x9000)
    }

    @Test func identityNumbersAreFreeButTheJMBGNeedsThePINVerifiedAnywhere() {
        let t = CardTerminal()
        t.personalize()
        #expect(t.selectIdentity().status == 0x9000)
        #expect(t.send("00CA0001 00").data == Array("123456789".utf8))
        #expect(t.send("00CA0005 00").status == 0x6982)
        #expect(t.send("00CA0002 00").status == 0x6A88)
        #expect(t.send("00CA0009 00").status == 0x6A86)
        // The PIN is card-global: verified in PIV, valid here.
        _ = t.selectPIV()
        #expect(t.verifyPIN("123456") == 0x9000)
        _ = t.selectIdentity()
        #expect(t.send("00CA0005 00").data == Array("0101990210007".utf8))
        // And a wrong PIN here spends the same counter.
        #expect(t.verifyPIN("000000") == 0x63C4)
        _ = t.selectPIV()
        #expect(t.send("00200080").status == 0x63C4)
    }
}

@Suite struct CardImageTests {
    func temporaryPath() -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("licna-card-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder.appendingPathComponent("card.json").path
    }

    @Test func theImageHoldsTheWholeStateIsPrivateAndLocked() throws {
        let path = temporaryPath()
        do {
            let (card, key) = try VirtualCard.create(at: path)
            #expect(key.count == 32)
            let t = CardTerminal(card)
            _ = t.selectPIV()
            #expect(t.authenticate(key: key) == 0x9000)
            #expect(t.send(CardTerminal.apdu("00240180", CardTerminal.pin("123456"))).status == 0x9000)
            #expect(t.generate(0x9A).status == 0x9000)
            #expect(throws: CardImageStore.Failure.self) { try VirtualCard(contentsOf: path) }  // in use
            #expect(throws: CardImageStore.Failure.self) { try VirtualCard.create(at: path) }  // never overwritten
            #expect(t.verifyPIN("000000") == 0x63C4)
        }
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        let reopened = try VirtualCard(contentsOf: path)
        #expect(reopened.image.secrets.pinCounter.remaining == 4)
        #expect(reopened.image.keys["9A"] != nil)
        #expect(reopened.image.lifeCycle == .personalization)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(!text.contains("123456"))
    }

    @Test func aWriteThatFailsChangesNothing() throws {
        let path = temporaryPath()
        let (card, key) = try VirtualCard.create(at: path)
        let t = CardTerminal(card)
        _ = t.selectPIV()
        #expect(t.authenticate(key: key) == 0x9000)
        #expect(t.send(CardTerminal.apdu("00240180", CardTerminal.pin("123456"))).status == 0x9000)
        #expect(t.send(CardTerminal.apdu("00240181", CardTerminal.pin("12345678"))).status == 0x9000)
        let own = [UInt8](repeating: 0x42, count: 32)
        #expect(t.send(CardTerminal.apdu("00FFFFFF", [0x0C, 0x9B, 0x20] + own)).status == 0x9000)
        #expect(t.send("00440000").status == 0x9000)  // operational: every change is durable from here on
        #expect(t.authenticate(key: own) == 0x9000)
        // The card's folder disappears (a pulled USB stick): no write can succeed, even as root.
        try FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent)
        #expect(t.verifyPIN("000000") == 0x6F00)
        #expect(t.verifyPIN("123456") == 0x6F00)  // not even the right PIN is compared without a durable try
        #expect(card.image.secrets.pinCounter.remaining == 5)
        #expect(t.send("00200080").status == 0x63C5)
        #expect(card.image.keys.isEmpty)
    }

    /// In personalization the card writes its image once, at ACTIVATE (or when it is reset or closed), not after every
    /// command: a station that dies half-way leaves the card as it was last written, under its transport key.
    @Test func personalizationIsWrittenAtActivation() throws {
        let path = temporaryPath()
        let (card, key) = try VirtualCard.create(at: path)
        let t = CardTerminal(card)
        _ = t.selectPIV()
        #expect(t.authenticate(key: key) == 0x9000)
        #expect(t.send(CardTerminal.apdu("00240180", CardTerminal.pin("123456"))).status == 0x9000)
        #expect(t.generate(0x9A).status == 0x9000)
        let onDisk = try JSONDecoder().decode(CardImage.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(onDisk.keys.isEmpty && onDisk.lifeCycle == .personalization)  // nothing written yet
        #expect(t.send(CardTerminal.apdu("00240181", CardTerminal.pin("12345678"))).status == 0x9000)
        let own = [UInt8](repeating: 0x42, count: 32)
        #expect(t.send(CardTerminal.apdu("00FFFFFF", [0x0C, 0x9B, 0x20] + own)).status == 0x9000)
        #expect(t.send("00440000").status == 0x9000)
        let activated = try JSONDecoder().decode(CardImage.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(activated.lifeCycle == .operational && activated.keys["9A"] != nil)
    }

    @Test func unreadableImagesGiveAClearError() throws {
        let path = temporaryPath()
        try Data("not a card".utf8).write(to: URL(fileURLWithPath: path))
        do {
            _ = try VirtualCard(contentsOf: path)
            Issue.record("opened a broken image")
        } catch let failure as CardImageStore.Failure {
            #expect(failure.description.contains("cannot be read"))
        }
        #expect(throws: CardImageStore.Failure.self) { try VirtualCard(contentsOf: path + ".missing") }
    }
}
