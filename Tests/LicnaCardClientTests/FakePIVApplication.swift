import Crypto
import Foundation
import LicnaCard
import _CryptoExtras

@testable import LicnaCardClient

/// The PIV application of docs/card.md, just enough of it to answer the client: PIN/PUK counters, objects,
/// management-key mutual authentication, P-256/P-384 keys and the personalization commands.
final class FakePIVApplication: @unchecked Sendable {
    var pin = "123456"
    var puk = "12345678"
    var can = "123456"
    var pinTries = 5
    var pukTries = 5
    var pinVerified = false
    var verifiedJustBefore = false
    var managementKey = SymmetricKey(data: [UInt8](repeating: 0x42, count: 32))
    var managementAuthenticated = false
    var operational = false
    let witness: [UInt8] = Array(0x10..<0x20)
    var objects: [UInt32: [UInt8]] = [:]
    var p256Keys: [UInt8: P256.Signing.PrivateKey] = [:]
    var p384Keys: [UInt8: P384.Signing.PrivateKey] = [:]
    var retryLimits: (Int, Int) = (5, 5)

    func answer(_ command: CommandAPDU) -> ResponseAPDU {
        let wasVerifiedJustBefore = verifiedJustBefore
        verifiedJustBefore = false
        switch (command.ins, command.p1, command.p2) {
        case (0xA4, 0x04, 0x00):
            guard command.data == PIVClient.applicationIdentifier else { return ResponseAPDU(.fileNotFound) }
            return ResponseAPDU(data: hex("61 11 4F 06 00 00 10 00 01 00 79 07 4F 05 A0 00 00 03 08"))
        case (0x20, 0x00, 0x80):
            if command.data.isEmpty { return ResponseAPDU(pinVerified ? .success : state(pinTries)) }
            let result = check(command.data, against: pin, tries: &pinTries)
            pinVerified = result == .success
            verifiedJustBefore = pinVerified
            return ResponseAPDU(result)
        case (0x20, 0x00, 0x81):
            return ResponseAPDU(state(pukTries))
        case (0x20, 0xFF, 0x80):
            pinVerified = false
            return ResponseAPDU()
        case (0x24, 0x00, 0x80), (0x24, 0x00, 0x81):
            guard command.data.count == 16 else { return ResponseAPDU(.wrongLength) }
            let isPIN = command.p2 == 0x80
            let new = Array(command.data.suffix(8)).filter { $0 != 0xFF }
            if isPIN, !(6...8).contains(new.count) || !new.allSatisfy({ (0x30...0x39).contains($0) }) {
                return ResponseAPDU(.wrongData)
            }
            let result = isPIN
                ? check(Array(command.data.prefix(8)), against: pin, tries: &pinTries)
                : check(Array(command.data.prefix(8)), against: puk, tries: &pukTries)
            if result == .success {
                if isPIN { pin = String(decoding: new, as: UTF8.self) } else { puk = String(decoding: new, as: UTF8.self) }
            }
            return ResponseAPDU(result)
        case (0x2C, 0x00, 0x80):
            let result = check(Array(command.data.prefix(8)), against: puk, tries: &pukTries)
            if result == .success {
                pin = String(decoding: command.data.suffix(8).filter { $0 != 0xFF }, as: UTF8.self)
                pinTries = retryLimits.0
            }
            return ResponseAPDU(result)
        case (0x24, 0x01, _):
            guard managementAuthenticated else { return ResponseAPDU(.securityStatusNotSatisfied) }
            let value = String(decoding: command.data.filter { $0 != 0xFF }, as: UTF8.self)
            switch command.p2 {
            case 0x80: pin = value
            case 0x81: puk = value
            case 0x82: can = value
            default: return ResponseAPDU(.incorrectP1P2)
            }
            return ResponseAPDU()
        case (0xCB, 0x3F, 0xFF):
            guard command.data.count >= 3, command.data[0] == 0x5C else { return ResponseAPDU(.wrongData) }
            let tag = command.data.dropFirst(2).reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            if tag == 0x7E { return ResponseAPDU(data: hex("7E 12 4F 0B A0 00 00 03 08 00 00 10 00 01 00 5F 2F 02 40 00")) }
            guard let value = objects[tag] else { return ResponseAPDU(.fileNotFound) }
            return ResponseAPDU(data: BERTLV(tag: 0x53, value: value).bytes)
        case (0xDB, 0x3F, 0xFF):
            guard managementAuthenticated else { return ResponseAPDU(.securityStatusNotSatisfied) }
            guard let objects = try? BERTLV.parseAll(command.data), objects.count == 2 else { return ResponseAPDU(.wrongData) }
            let tag = objects[0].value.reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            self.objects[tag] = objects[1].value
            return ResponseAPDU()
        case (0x87, 0x0C, 0x9B):
            return managementAuthentication(command.data)
        case (0x87, let algorithm, let slot):
            if slot == 0x9C, !wasVerifiedJustBefore { return ResponseAPDU(.securityStatusNotSatisfied) }
            if slot == 0x9A, !pinVerified { return ResponseAPDU(.securityStatusNotSatisfied) }
            guard let template = try? BERTLV.first(0x7C, in: command.data),
                  let hash = try? BERTLV.first(0x81, in: template.value)
            else { return ResponseAPDU(.wrongData) }
            let signature: [UInt8]
            if algorithm == 0x11, let key = p256Keys[slot], hash.value.count == 32 {
                guard let value = try? key.signature(for: RawDigest32(bytes: hash.value)) else { return ResponseAPDU(.noPreciseDiagnosis) }
                signature = Array(value.derRepresentation)
            } else if algorithm == 0x14, let key = p384Keys[slot], hash.value.count == 48 {
                guard let value = try? key.signature(for: RawDigest48(bytes: hash.value)) else { return ResponseAPDU(.noPreciseDiagnosis) }
                signature = Array(value.derRepresentation)
            } else if p256Keys[slot] == nil, p384Keys[slot] == nil {
                return ResponseAPDU(.referenceNotFound)
            } else {
                return ResponseAPDU(.wrongData)
            }
            return ResponseAPDU(data: BERTLV(tag: 0x7C, value: BERTLV(tag: 0x82, value: signature).bytes).bytes)
        case (0x47, 0x00, let slot):
            guard managementAuthenticated else { return ResponseAPDU(.securityStatusNotSatisfied) }
            let point: [UInt8]
            switch command.data.last {
            case 0x11:
                let key = P256.Signing.PrivateKey()
                p256Keys[slot] = key
                p384Keys[slot] = nil
                point = Array(key.publicKey.x963Representation)
            case 0x14:
                let key = P384.Signing.PrivateKey()
                p384Keys[slot] = key
                p256Keys[slot] = nil
                point = Array(key.publicKey.x963Representation)
            default:
                return ResponseAPDU(.wrongData)
            }
            return ResponseAPDU(data: BERTLV(tag: 0x7F49, value: BERTLV(tag: 0x86, value: point).bytes).bytes)
        case (0xFF, 0xFF, 0xFF):
            guard !operational else { return ResponseAPDU(.conditionsNotSatisfied) }
            guard managementAuthenticated else { return ResponseAPDU(.securityStatusNotSatisfied) }
            guard command.data.count == 35 else { return ResponseAPDU(.wrongLength) }
            managementKey = SymmetricKey(data: command.data.suffix(32))
            return ResponseAPDU()
        case (0xFA, let pinLimit, let pukLimit):
            guard managementAuthenticated else { return ResponseAPDU(.securityStatusNotSatisfied) }
            retryLimits = (Int(pinLimit), Int(pukLimit))
            pinTries = Int(pinLimit)
            pukTries = Int(pukLimit)
            return ResponseAPDU()
        case (0x44, 0x00, 0x00):
            guard !operational, managementAuthenticated else { return ResponseAPDU(.conditionsNotSatisfied) }
            operational = true
            return ResponseAPDU()
        default:
            return ResponseAPDU(.instructionNotSupported)
        }
    }

    private func state(_ tries: Int) -> StatusWord {
        tries == 0 ? .authenticationBlocked : .verificationFailed(triesLeft: tries)
    }

    private func check(_ presented: [UInt8], against secret: String, tries: inout Int) -> StatusWord {
        guard tries > 0 else { return .authenticationBlocked }
        guard presented.count == 8 else { return .wrongLength }
        if presented == (try? PIVClient.pivFormat(secret)) {
            tries = 5
            return .success
        }
        tries -= 1
        return tries == 0 ? .authenticationBlocked : .verificationFailed(triesLeft: tries)
    }

    private func managementAuthentication(_ data: [UInt8]) -> ResponseAPDU {
        guard let template = try? BERTLV.first(0x7C, in: data), let items = try? BERTLV.parseAll(template.value) else {
            return ResponseAPDU(.wrongData)
        }
        if items.count == 1, items[0].tag == 0x80, items[0].value.isEmpty {
            guard let encrypted = try? PIVBlockCipher.encrypt(witness, key: managementKey) else { return ResponseAPDU(.noPreciseDiagnosis) }
            return ResponseAPDU(data: BERTLV(tag: 0x7C, value: BERTLV(tag: 0x80, value: encrypted).bytes).bytes)
        }
        guard items.count == 2, items[0].tag == 0x80, items[1].tag == 0x81 else { return ResponseAPDU(.wrongData) }
        guard items[0].value == witness else { return ResponseAPDU(.securityStatusNotSatisfied) }
        guard let encrypted = try? PIVBlockCipher.encrypt(items[1].value, key: managementKey) else { return ResponseAPDU(.wrongData) }
        managementAuthenticated = true
        return ResponseAPDU(data: BERTLV(tag: 0x7C, value: BERTLV(tag: 0x82, value: encrypted).bytes).bytes)
    }
}

/// A hash the test already has as bytes, for signing without hashing again.
struct RawDigest32: Digest {
    static var byteCount: Int { 32 }
    let bytes: [UInt8]
    func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R { try bytes.withUnsafeBytes(body) }
    func makeIterator() -> Array<UInt8>.Iterator { bytes.makeIterator() }
    var description: String { "RawDigest32" }
}

struct RawDigest48: Digest {
    static var byteCount: Int { 48 }
    let bytes: [UInt8]
    func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R { try bytes.withUnsafeBytes(body) }
    func makeIterator() -> Array<UInt8>.Iterator { bytes.makeIterator() }
    var description: String { "RawDigest48" }
}
