import LicnaBasics
import LicnaCommandLine
import LicnaTestSupport
import Testing

@Suite struct HexArgumentTests {
    @Test func apduHexRoundTripsThroughTheOneCodecWithSpacesAnywhere() {
        #expect(HexArgument.bytes("00A4 0400\t09") == [0x00, 0xA4, 0x04, 0x00, 0x09])
        #expect(HexArgument.bytes("") == [])
        var generator = SeededRandom(seed: 11)
        for length in 0..<48 {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            // As `licna-card apdu` prints answers (upper case) and as people type them (any case, spaced).
            let printed = ASCIIHex.encode(bytes, uppercase: true)
            #expect(HexArgument.bytes(printed) == bytes)
            #expect(HexArgument.bytes(bytes.hexString) == bytes)
            #expect(HexArgument.bytes(bytes.map { ASCIIHex.encode([$0]) }.joined(separator: " ")) == bytes)
        }
    }

    @Test(arguments: ["0", "ABC", "0G", "+f", "-0", "０１", "0x00"])
    func nonHexArgumentsAreRefused(_ text: String) {
        #expect(HexArgument.bytes(text) == nil)
    }

    @Test func fingerprintsAreSixtyFourDigitsInAnyCaseWithOrWithoutColons() {
        let digest = (0..<32).map { UInt8($0 * 7) }
        let plain = digest.hexString
        let colons = digest.map { ASCIIHex.encode([$0], uppercase: true) }.joined(separator: ":")
        #expect(HexArgument.sha256Fingerprint(plain) == digest)
        #expect(HexArgument.sha256Fingerprint(" " + colons + " ") == digest)
        #expect(HexArgument.sha256Fingerprint(String(plain.dropLast(2))) == nil)
        #expect(HexArgument.sha256Fingerprint(plain + "00") == nil)
        #expect(HexArgument.sha256Fingerprint(String(plain.dropLast()) + "g") == nil)
    }
}
