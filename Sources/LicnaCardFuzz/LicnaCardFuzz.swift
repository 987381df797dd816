import Crypto
import _CryptoExtras
import LicnaBasics
import LicnaCard

/// libFuzzer entry point (STANDARDS.md "Build and test notes"): the input is a session with an in-memory virtual
/// card. Build and run:
///
///     swift build --sanitize fuzzer -Xswiftc -sanitize=fuzzer,address -Xcc -fsanitize=address --product LicnaCardFuzz --scratch-path .build-fuzz
///     .build-fuzz/debug/LicnaCardFuzz -max_total_time=60
///
/// Input: one byte choosing the card the session starts with, then steps. A step is a length byte `L` and `L`
/// bytes of APDU (`L` up to `FB`), `FC` and a two-byte big-endian length (long and extended APDUs), or one of the
/// pseudo-steps `FD` (mutual authentication with the management key, as a terminal would do it), `FE` (VERIFY
/// with the right PIN), `FF` (card reset). The last APDU takes whatever bytes are left.
///
/// Besides "no crash, no hang", every answer must end in a status word, and the try counters must behave: a
/// counter only ever goes up on a command answered `90 00`, an operational card whose PIN and PUK are both
/// blocked stays blocked, the attestation key and its certificate never change, and ATTEST never vouches for an
/// imported key.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = UnsafeBufferPointer(start: data, count: size)
    guard let mode = input.first else { return 0 }
    let start = FuzzCards.start(mode)
    let card = start.card
    var index = 1
    var before = card.image
    while index < input.count {
        let marker = input[index]
        index += 1
        var command: [UInt8]
        switch marker {
        case 0xFF:
            card.reset()
            continue
        case 0xFE:
            command = FuzzCards.verifyPIN
        case 0xFD:
            _ = FuzzCards.authenticate(card, key: start.managementKey)
            before = card.image
            continue
        case 0xFC:
            guard index + 2 <= input.count else { return 0 }
            let length = Int(input[index]) << 8 | Int(input[index + 1])
            index += 2
            let end = min(index + length, input.count)
            command = Array(input[index..<end])
            index = end
        default:
            let end = min(index + Int(marker), input.count)
            command = Array(input[index..<end])
            index = end
        }
        let response = card.transmit(command)
        check(response, command: command, before: before, after: card.image)
        before = card.image
    }
    return 0
}

private func check(_ response: [UInt8], command: [UInt8], before: CardImage, after: CardImage) {
    precondition(response.count >= 2, "an answer without a status word to \(hex(command))")
    precondition(response.count <= 65_538, "an answer of \(response.count) bytes to \(hex(command))")
    let success = response.suffix(2).elementsEqual([0x90, 0x00])
    for reference in PINStore.Reference.allCases {
        let was = before.secrets.counter(reference).remaining
        let now = after.secrets.counter(reference).remaining
        precondition(now <= was || success, "\(reference) tries rose from \(was) to \(now) on \(hex(response)) to \(hex(command))")
        precondition(now <= after.secrets.counter(reference).limit, "\(reference) tries above the limit")
    }
    precondition(after.attestation == before.attestation && after.pivObjects["5FFF01"] == before.pivObjects["5FFF01"],
                 "the attestation key or its certificate changed after \(hex(command))")
    if success, command.count >= 4, command[1] == 0xF9, let key = after.keys[String(command[2], radix: 16, uppercase: true)] {
        precondition(key.generatedOnCard, "ATTEST vouched for an imported key: \(hex(command))")
    }
    if before.lifeCycle == .operational {
        precondition(after.lifeCycle == .operational, "an operational card left that state after \(hex(command))")
        precondition(!before.secrets.isPermanentlyBlocked || after.secrets.isPermanentlyBlocked,
                     "a blocked card came back after \(hex(command))")
    }
}

private func hex(_ bytes: [UInt8]) -> String {
    ASCIIHex.encode(bytes, uppercase: true)
}

/// The cards a session can start with; the personalized images are made once per process.
enum FuzzCards {
    static let transportKey = [UInt8](repeating: 0x01, count: 32)
    static let ownKey = [UInt8](repeating: 0x5A, count: 32)
    static let verifyPIN: [UInt8] = [0x00, 0x20, 0x00, 0x80, 0x08] + Array("123456".utf8) + [0xFF, 0xFF]

    /// 0: blank (personalization); 1: blank, management key authenticated; 2: personalized, not activated,
    /// management key authenticated; 3: operational (activated).
    static func start(_ mode: UInt8) -> (card: VirtualCard, managementKey: [UInt8]) {
        switch mode % 4 {
        case 0:
            return (manufactured(), transportKey)
        case 1:
            let card = manufactured()
            _ = card.transmit(selectPIV)
            _ = authenticate(card, key: transportKey)
            return (card, transportKey)
        case 2:
            let card = VirtualCard(image: personalized, store: nil)
            _ = card.transmit(selectPIV)
            _ = authenticate(card, key: ownKey)
            return (card, ownKey)
        default:
            return (VirtualCard(image: operational, store: nil), ownKey)
        }
    }

    /// A blank card with an attestation key (docs/card.md "Key attestation"); its certificate is a placeholder.
    static func manufactured() -> VirtualCard {
        var image = CardImage(transportKey: transportKey)
        image.installAttestation(attestation, certificate: [0x30, 0x00])
        return VirtualCard(image: image, store: nil)
    }

    static let attestation = CardAttestationKey(key: CardKey.generate(.p256)!, issuer: [0x30, 0x00], model: "fuzz", serial: "1")

    static let selectPIV: [UInt8] = [0x00, 0xA4, 0x04, 0x00, 0x09, 0xA0, 0x00, 0x00, 0x03, 0x08, 0x00, 0x00, 0x10, 0x00, 0x00]

    /// PIN 123456, PUK 12345678, CAN 123456, P-256 keys in 9A and 9C, a certificate object, eMRTD files and
    /// identity data, and the management key changed from the transport key (docs/card.md).
    static let personalized: CardImage = {
        let card = manufactured()
        func send(_ command: [UInt8]) {
            let response = card.transmit(command)
            precondition(response.suffix(2).elementsEqual([0x90, 0x00]), "personalization step \(hex(command)): \(hex(response))")
        }
        func apdu(_ header: [UInt8], _ data: [UInt8]) -> [UInt8] { header + [UInt8(data.count)] + data }
        send(selectPIV)
        precondition(authenticate(card, key: transportKey))
        send(apdu([0x00, 0x24, 0x01, 0x80], Array("123456".utf8) + [0xFF, 0xFF]))
        send(apdu([0x00, 0x24, 0x01, 0x81], Array("12345678".utf8)))
        send(apdu([0x00, 0x24, 0x01, 0x82], Array("123456".utf8)))
        send([0x00, 0x47, 0x00, 0x9A, 0x05, 0xAC, 0x03, 0x80, 0x01, 0x11, 0x00])
        send([0x00, 0x47, 0x00, 0x9C, 0x05, 0xAC, 0x03, 0x80, 0x01, 0x11, 0x00])
        send(apdu([0x00, 0xDB, 0x3F, 0xFF], [0x5C, 0x03, 0x5F, 0xC1, 0x05, 0x53, 0x0A, 0x70, 0x03, 0x01, 0x02, 0x03, 0x71, 0x01, 0x00, 0xFE, 0x00]))
        send([0x00, 0xA4, 0x04, 0x0C, 0x07, 0xA0, 0x00, 0x00, 0x02, 0x47, 0x10, 0x01])
        send(apdu([0x00, 0xDA, 0x01, 0x1E], [0x60, 0x03, 0x5F, 0x01, 0x00]))
        send(apdu([0x00, 0xDA, 0x01, 0x01], [0x61, 0x05, 0x5F, 0x1F, 0x02, 0x41, 0x42]))
        send(apdu([0x00, 0xDA, 0x01, 0x1D], [0x77, 0x01, 0x00]))
        send([0x00, 0xA4, 0x04, 0x00, 0x07, 0xF0, 0x4C, 0x49, 0x43, 0x4E, 0x41, 0x01])
        send(apdu([0x00, 0xDA, 0x00, 0x01], Array("123456789".utf8)))
        send(apdu([0x00, 0xDA, 0x00, 0x05], Array("0101990210007".utf8)))
        send(selectPIV)
        send(apdu([0x00, 0xFF, 0xFF, 0xFF], [0x0C, 0x9B, 0x20] + ownKey))
        return card.image
    }()

    static let operational: CardImage = {
        let card = VirtualCard(image: personalized, store: nil)
        _ = card.transmit(selectPIV)
        precondition(authenticate(card, key: ownKey))
        let response = card.transmit([0x00, 0x44, 0x00, 0x00])
        precondition(response == [0x90, 0x00], "ACTIVATE: \(hex(response))")
        return card.image
    }()

    /// Mutual authentication with the management key 9B (AES-256), as docs/card.md describes it.
    @discardableResult
    static func authenticate(_ card: VirtualCard, key: [UInt8]) -> Bool {
        let first = card.transmit([0x00, 0x87, 0x0C, 0x9B, 0x04, 0x7C, 0x02, 0x80, 0x00, 0x00])
        guard first.count == 22, first.suffix(2).elementsEqual([0x90, 0x00]) else { return false }
        var witness = Array(first[4..<20])
        guard (try? AES.inversePermute(&witness, key: SymmetricKey(data: key))) != nil else { return false }
        let challenge = [UInt8](repeating: 0xC3, count: 16)
        let second = card.transmit([0x00, 0x87, 0x0C, 0x9B, 0x26, 0x7C, 0x24, 0x80, 0x10] + witness + [0x81, 0x10] + challenge + [0x00])
        return second.suffix(2).elementsEqual([0x90, 0x00])
    }
}
