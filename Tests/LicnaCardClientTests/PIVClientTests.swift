import Crypto
import Foundation
import LicnaCard
import Testing

@testable import LicnaCardClient

/// The PIV client's command bytes against docs/card.md, answered by `FakePIVApplication`.
@Suite struct PIVClientTests {
    let application = FakePIVApplication()
    let card: FakeCard
    let client: PIVClient

    init() {
        let application = self.application
        card = FakeCard { application.answer($0) }
        client = PIVClient(channel: SmartCardChannel(card: card))
    }

    func lastRaw() -> [UInt8] { card.raw.last ?? [] }

    @Test func selectSendsTheAIDAndReturnsTheTemplate() throws {
        let template = try client.select()
        #expect(lastRaw() == hex("00 A4 04 00 09 A0 00 00 03 08 00 00 10 00 00"))
        #expect(template.first == 0x61)
    }

    @Test func verifyPINInPIVFormat() throws {
        try client.verify(pin: "123456")
        #expect(lastRaw() == hex("00 20 00 80 08 31 32 33 34 35 36 FF FF"))
        #expect(try client.pinState() == .verified)
        #expect(lastRaw() == hex("00 20 00 80"))
        let left = try client.pinTriesLeft()
        #expect(left == nil)
        try client.logout()
        #expect(lastRaw() == hex("00 20 FF 80"))
        #expect(try client.pinState() == .notVerified(triesLeft: 5))
    }

    @Test func wrongPINSaysTriesLeftThenBlocked() throws {
        #expect {
            try client.verify(pin: "000000")
        } throws: { error in
            guard let error = error as? PIVError else { return false }
            return error.code == .pivWrongSecret && error.triesLeft == 4 && error.message.contains("4 tries left")
                && error.statusWord == StatusWord(0x63C4)
        }
        for _ in 0..<4 { _ = try? client.verify(pin: "000000") }
        #expect(try client.pinState() == .blocked)
        #expect(try client.pinTriesLeft() == 0)
        #expect {
            try client.verify(pin: "123456")
        } throws: { error in
            (error as? PIVError)?.code == .pivBlocked && "\(error)".contains("unblock it with the PUK")
        }
    }

    @Test func pukTriesLeftUsesReference81() throws {
        let left = try client.pukTriesLeft()
        #expect(left == 5)
        #expect(lastRaw() == hex("00 20 00 81"))
    }

    @Test func changePINAndPUK() throws {
        try client.changePIN(old: "123456", new: "654321")
        #expect(lastRaw() == hex("00 24 00 80 10 31 32 33 34 35 36 FF FF 36 35 34 33 32 31 FF FF"))
        #expect(application.pin == "654321")
        try client.changePUK(old: "12345678", new: "87654321")
        #expect(lastRaw() == hex("00 24 00 81 10 31 32 33 34 35 36 37 38 38 37 36 35 34 33 32 31"))
        #expect {
            try client.changePIN(old: "654321", new: "12a")
        } throws: { error in
            (error as? PIVError)?.code == .pivWrongData && "\(error)".contains("6–8 digits")
        }
        #expect {
            try client.changePIN(old: "123456789", new: "123456")
        } throws: { error in
            (error as? PIVError)?.code == .pivInvalidArgument
        }
    }

    @Test func unblockPINWithPUK() throws {
        for _ in 0..<5 { _ = try? client.verify(pin: "000000") }
        try client.unblockPIN(puk: "12345678", newPIN: "24682468")
        #expect(lastRaw() == hex("00 2C 00 80 10 31 32 33 34 35 36 37 38 32 34 36 38 32 34 36 38"))
        try client.verify(pin: "24682468")
    }

    @Test func mutualAuthenticationWithTheManagementKey() throws {
        let challenge: [UInt8] = Array(0xA0..<0xB0)
        try client.authenticateManagementKey(application.managementKey, challenge: challenge)
        let raw = card.raw
        #expect(raw[0] == hex("00 87 0C 9B 04 7C 02 80 00 00"))
        #expect(raw[1] == hex("00 87 0C 9B 26 7C 24 80 10") + application.witness + [0x81, 0x10] + challenge + [0x00])
        #expect(application.managementAuthenticated)

        let wrong = FakePIVApplication()
        let wrongClient = PIVClient(channel: SmartCardChannel(card: FakeCard { wrong.answer($0) }))
        #expect {
            try wrongClient.authenticateManagementKey(SymmetricKey(size: .bits256))
        } throws: { error in
            (error as? PIVError)?.code == .pivSecurityStatusNotSatisfied && "\(error)".contains("wrong management key")
        }
    }

    @Test func generateAndSignWithP256() throws {
        try client.authenticateManagementKey(application.managementKey)
        let publicKey = try client.generateP256KeyPair(slot: .authentication)
        #expect(lastRaw() == hex("00 47 00 9A 05 AC 03 80 01 11 00"))
        let digest = SHA256.hash(data: Array("to be signed".utf8))
        #expect {
            _ = try client.sign(digest: Array(digest), slot: .authentication, algorithm: .p256)
        } throws: { error in
            (error as? PIVError)?.code == .pivSecurityStatusNotSatisfied
        }
        try client.verify(pin: "123456")
        let der = try client.sign(digest: Array(digest), slot: .authentication, algorithm: .p256)
        #expect(lastRaw() == hex("00 87 11 9A 26 7C 24 82 00 81 20") + Array(digest) + [0x00])
        let signature = try P256.Signing.ECDSASignature(derRepresentation: der)
        #expect(publicKey.isValidSignature(signature, for: digest))
    }

    @Test func signatureKeyNeedsVerifyImmediatelyBefore() throws {
        try client.authenticateManagementKey(application.managementKey)
        let point = try client.generateKeyPair(slot: .signature, algorithm: .p384)
        #expect(lastRaw() == hex("00 47 00 9C 05 AC 03 80 01 14 00"))
        #expect(point.count == 97)
        let publicKey = try P384.Signing.PublicKey(x963Representation: point)
        let digest = SHA384.hash(data: Array("contract".utf8))
        try client.verify(pin: "123456")
        _ = try client.pinState()
        #expect {
            _ = try client.sign(digest: Array(digest), slot: .signature, algorithm: .p384)
        } throws: { error in
            (error as? PIVError)?.code == .pivSecurityStatusNotSatisfied && "\(error)".contains("immediately before")
        }
        try client.verify(pin: "123456")
        let der = try client.sign(digest: Array(digest), slot: .signature, algorithm: .p384)
        #expect(lastRaw() == hex("00 87 14 9C 36 7C 34 82 00 81 30") + Array(digest) + [0x00])
        #expect(publicKey.isValidSignature(try P384.Signing.ECDSASignature(derRepresentation: der), for: digest))
        #expect {
            _ = try client.sign(digest: Array(repeating: 1, count: 49), slot: .signature, algorithm: .p384)
        } throws: { error in
            (error as? PIVError)?.code == .pivInvalidArgument
        }
    }

    @Test func wrongAlgorithmAndEmptySlot() throws {
        try client.authenticateManagementKey(application.managementKey)
        try client.verify(pin: "123456")
        #expect {
            _ = try client.sign(digest: Array(repeating: 1, count: 32), slot: .authentication, algorithm: .p256)
        } throws: { error in
            (error as? PIVError)?.code == .pivReferenceNotFound && "\(error)".contains("generate one first")
        }
        _ = try client.generateKeyPair(slot: .authentication, algorithm: .p384)
        #expect {
            _ = try client.sign(digest: Array(repeating: 1, count: 32), slot: .authentication, algorithm: .p256)
        } throws: { error in
            (error as? PIVError)?.code == .pivWrongData
        }
    }

    /// A certificate longer than one APDU goes out chained and comes back through GET RESPONSE.
    @Test func putAndReadCertificate() throws {
        let certificate = [0x30, 0x82, 0x02, 0xBC] + (0..<700).map { UInt8($0 % 251) }
        #expect {
            try client.putData(tag: .authenticationCertificate, value: PIVDataObjects.certificateObject(certificate))
        } throws: { error in
            (error as? PIVError)?.code == .pivSecurityStatusNotSatisfied
        }
        try client.authenticateManagementKey(application.managementKey)
        card.clear()
        try client.putData(tag: .authenticationCertificate, value: PIVDataObjects.certificateObject(certificate))
        let links = card.raw
        #expect(links.count == 3)
        #expect(links.map { $0[0] } == [0x10, 0x10, 0x00])
        #expect(Array(links[0].prefix(15)) == hex("10 DB 3F FF FF 5C 03 5F C1 05 53 82 02 C9 70"))
        card.clear()
        let read = try client.readCertificate(slot: .authentication)
        #expect(read == certificate)
        #expect(card.raw.first == hex("00 CB 3F FF 05 5C 03 5F C1 05 00"))
        #expect(card.raw.dropFirst().allSatisfy { Array($0.prefix(4)) == [0x00, 0xC0, 0x00, 0x00] })
    }

    @Test func missingObjectAndDiscovery() throws {
        #expect {
            _ = try client.readCertificate(slot: .signature)
        } throws: { error in
            (error as? PIVError)?.code == .pivNotFound
        }
        let discovery = try client.readObject(.discovery)
        #expect(lastRaw() == hex("00 CB 3F FF 03 5C 01 7E 00"))
        #expect(discovery.prefix(2) == [0x4F, 0x0B])
    }

    @Test func personalization() throws {
        #expect {
            try client.setRetryLimits(pin: 3, puk: 4)
        } throws: { error in
            (error as? PIVError)?.code == .pivSecurityStatusNotSatisfied
        }
        try client.authenticateManagementKey(application.managementKey)
        try client.setRetryLimits(pin: 3, puk: 4)
        #expect(lastRaw() == hex("00 FA 03 04"))
        try client.setReferenceData(.pin, value: "111111")
        #expect(lastRaw() == hex("00 24 01 80 08 31 31 31 31 31 31 FF FF"))
        try client.setReferenceData(.puk, value: "22222222")
        #expect(lastRaw() == hex("00 24 01 81 08 32 32 32 32 32 32 32 32"))
        try client.setReferenceData(.can, value: "345678")
        #expect(lastRaw() == hex("00 24 01 82 06 33 34 35 36 37 38"))
        #expect(application.can == "345678")
        let newKey = SymmetricKey(data: [UInt8](repeating: 0x17, count: 32))
        try client.setManagementKey(newKey)
        #expect(lastRaw() == hex("00 FF FF FF 23 0C 9B 20") + [UInt8](repeating: 0x17, count: 32))
        try client.activate()
        #expect(lastRaw() == hex("00 44 00 00"))
        #expect {
            try client.activate()
        } throws: { error in
            (error as? PIVError)?.code == .pivConditionsNotSatisfied && "\(error)".contains("ACTIVATE")
        }
        #expect(throws: PIVError.self) { try client.setReferenceData(.can, value: "12345") }
        #expect(throws: PIVError.self) { try client.setRetryLimits(pin: 0, puk: 16) }
    }

    @Test func dataObjectBuilders() throws {
        let guid = [UInt8](repeating: 0xAB, count: 16)
        let expiry = Date(timeIntervalSince1970: 1_924_905_600)  // 2030-12-31 UTC
        let chuid = try PIVDataObjects.chuid(guid: guid, expiry: expiry)
        let objects = try BERTLV.parseAll(chuid)
        #expect(objects.map(\.tag) == [0x30, 0x34, 0x35, 0x3E, 0xFE])
        #expect(objects[0].value == PIVDataObjects.nonFederalFASCN)
        #expect(objects[1].value == guid)
        #expect(String(decoding: objects[2].value, as: UTF8.self) == "20301231")
        #expect(objects[3].value.isEmpty && objects[4].value.isEmpty)

        let ccc = try PIVDataObjects.ccc(cardID: [UInt8](repeating: 1, count: 14))
        let cccObjects = try BERTLV.parseAll(ccc)
        #expect(cccObjects.first?.tag == 0xF0 && cccObjects.first?.value.count == 21)
        #expect(cccObjects.last?.tag == 0xFE)

        #expect(try PIVDataObjects.keyHistory(onCardCertificates: 2) == hex("C1 01 02 C2 01 00 FE 00"))
        let object = PIVDataObjects.certificateObject([0x30, 0x03, 0x02, 0x01, 0x00])
        #expect(object == hex("70 05 30 03 02 01 00 71 01 00 FE 00"))
        #expect(try PIVDataObjects.certificate(fromObject: object) == [0x30, 0x03, 0x02, 0x01, 0x00])
        #expect(throws: PIVError.self) { try PIVDataObjects.certificate(fromObject: hex("70 01 30 71 01 01 FE 00")) }
    }
}
