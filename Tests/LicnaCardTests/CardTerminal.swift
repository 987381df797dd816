import Crypto
import _CryptoExtras
import LicnaBasics
@testable import LicnaCard

/// A test terminal in front of an in-process card: APDUs in hexadecimal, answers split into data and status.
final class CardTerminal {
    let card: VirtualCard
    static let transportKey = [UInt8](repeating: 0x01, count: 32)
    static let ownKey = [UInt8](repeating: 0x5A, count: 32)

    init(_ card: VirtualCard = .inMemory(transportKey: CardTerminal.transportKey)) {
        self.card = card
    }

    struct Answer: Equatable {
        let data: [UInt8]
        let status: UInt16
    }

    @discardableResult
    func send(_ apdu: [UInt8]) -> Answer {
        let response = card.transmit(apdu)
        let status = UInt16(response[response.count - 2]) << 8 | UInt16(response[response.count - 1])
        return Answer(data: Array(response.dropLast(2)), status: status)
    }

    @discardableResult
    func send(_ hex: String) -> Answer { send(Self.bytes(hex)) }

    static func bytes(_ hex: String) -> [UInt8] {
        ASCIIHex.decode(String(hex.filter { !$0.isWhitespace }))!
    }

    static func pin(_ digits: String) -> [UInt8] { ReferenceData.pivFormat(digits)! }

    static func apdu(_ header: String, _ data: [UInt8], le: Bool = false) -> [UInt8] {
        bytes(header) + [UInt8(data.count)] + data + (le ? [0x00] : [])
    }

    func selectPIV() -> Answer { send("00A4040009A00000030800001000 00") }
    func selectEMRTD() -> Answer { send("00A4040C07A0000002471001") }
    func selectIdentity() -> Answer { send("00A4040007F04C49434E4101") }

    func verifyPIN(_ pin: String) -> UInt16 { send(Self.apdu("00200080", Self.pin(pin))).status }

    /// Mutual authentication with the management key (docs/card.md).
    func authenticate(key: [UInt8]) -> UInt16 {
        let first = send("0087 0C9B 04 7C028000 00")
        guard first.status == 0x9000, first.data.count == 20 else { return first.status }
        var witness = Array(first.data.suffix(16))
        try! AES.inversePermute(&witness, key: SymmetricKey(data: key))
        let challenge = [UInt8](repeating: 0xC3, count: 16)
        let second = send(Self.apdu("00870C9B", [0x7C, 0x24, 0x80, 0x10] + witness + [0x81, 0x10] + challenge, le: true))
        guard second.status == 0x9000 else { return second.status }
        var expected = challenge
        try! AES.permute(&expected, key: SymmetricKey(data: key))
        return Array(second.data.suffix(16)) == expected ? 0x9000 : 0x0000
    }

    func generate(_ slot: UInt8, algorithm: UInt8 = 0x11) -> Answer {
        send([0x00, 0x47, 0x00, slot, 0x05, 0xAC, 0x03, 0x80, 0x01, algorithm, 0x00])
    }

    func sign(_ slot: UInt8, hash: [UInt8], algorithm: UInt8 = 0x11) -> Answer {
        let inner: [UInt8] = [0x82, 0x00, 0x81, UInt8(hash.count)] + hash
        return send([0x00, 0x87, algorithm, slot, UInt8(inner.count + 2), 0x7C, UInt8(inner.count)] + inner + [0x00])
    }

    func putData(_ tag: [UInt8], _ value: [UInt8]) -> Answer {
        let body: [UInt8] = [0x5C, UInt8(tag.count)] + tag + BERTLV(tag: 0x53, value: value).bytes
        return send(CommandAPDU(ins: 0xDB, p1: 0x3F, p2: 0xFF, data: body).bytes)
    }

    /// A whole personalization by raw APDUs: PIN 123456, PUK 12345678, CAN 123456, P-256 keys in 9A and 9C,
    /// a certificate object in each, eMRTD files and identity data; then ACTIVATE.
    func personalize(activate: Bool = true) {
        precondition(selectPIV().status == 0x9000)
        precondition(authenticate(key: Self.transportKey) == 0x9000)
        precondition(send(Self.apdu("00240180", Self.pin("123456"))).status == 0x9000)
        precondition(send(Self.apdu("00240181", Self.pin("12345678"))).status == 0x9000)
        precondition(send(Self.apdu("00240182", Array("123456".utf8))).status == 0x9000)
        precondition(generate(0x9A).status == 0x9000)
        precondition(generate(0x9C).status == 0x9000)
        precondition(putData([0x5F, 0xC1, 0x05], [0x70, 0x03, 0x01, 0x02, 0x03, 0x71, 0x01, 0x00, 0xFE, 0x00]).status == 0x9000)
        precondition(putData([0x5F, 0xC1, 0x0A], [0x70, 0x82, 0x01, 0x2C] + [UInt8](repeating: 0xAB, count: 300) + [0x71, 0x01, 0x00, 0xFE, 0x00]).status == 0x9000)
        precondition(selectEMRTD().status == 0x9000)
        precondition(send(Self.apdu("00DA011E", [0x60, 0x03, 0x5F, 0x01, 0x00])).status == 0x9000)
        precondition(send(Self.apdu("00DA0101", [0x61, 0x05, 0x5F, 0x1F, 0x02, 0x41, 0x42])).status == 0x9000)
        precondition(send(CommandAPDU(ins: 0xDA, p1: 0x01, p2: 0x02, data: [0x75, 0x82, 0x03, 0x00] + [UInt8](repeating: 0x22, count: 768)).bytes).status == 0x9000)
        precondition(send(Self.apdu("00DA0103", [0x63, 0x01, 0x00])).status == 0x9000)
        precondition(send(Self.apdu("00DA011D", [0x77, 0x01, 0x00])).status == 0x9000)
        precondition(selectIdentity().status == 0x9000)
        precondition(send(Self.apdu("00DA0001", Array("123456789".utf8))).status == 0x9000)
        precondition(send(Self.apdu("00DA0005", Array("0101990210007".utf8))).status == 0x9000)
        precondition(selectPIV().status == 0x9000)
        precondition(send(Self.apdu("00FFFFFF", [0x0C, 0x9B, 0x20] + Self.ownKey)).status == 0x9000)
        if activate { precondition(send("00440000").status == 0x9000) }
        card.reset()
    }
}
