@testable import LicnaCard
import Testing

@Suite struct BERTLVTests {
    @Test func pivObjectsRoundTrip() throws {
        // GET DATA's tag list for the 9A certificate (SP 800-73-4): 5C 03 5F C1 05.
        let tagList = try BERTLV.parseAll([0x5C, 0x03, 0x5F, 0xC1, 0x05])
        #expect(tagList == [BERTLV(tag: 0x5C, value: [0x5F, 0xC1, 0x05])])
        // A dynamic authentication template with an empty response tag and a challenge.
        let template = BERTLV(tag: 0x7C, value: BERTLV(tag: 0x82, value: []).bytes + BERTLV(tag: 0x81, value: [UInt8](repeating: 0xAB, count: 32)).bytes)
        #expect(template.isConstructed)
        let (parsed, end) = try BERTLV.parse(template.bytes, at: 0)
        #expect(parsed == template && end == template.bytes.count)
        let inner = try BERTLV.parseAll(parsed.value)
        #expect(inner.map(\.tag) == [0x82, 0x81])
        #expect(try BERTLV.first(0x81, in: parsed.value)?.value.count == 32)
        // Long lengths: a certificate object over 255 bytes.
        let big = BERTLV(tag: 0x53, value: [UInt8](repeating: 1, count: 1_000))
        #expect(big.bytes.prefix(4) == [0x53, 0x82, 0x03, 0xE8])
        #expect(try BERTLV.parseAll(big.bytes) == [big])
        #expect(BERTLV(tag: 0x7F49, value: [1]).bytes == [0x7F, 0x49, 0x01, 0x01])
        #expect(try BERTLV.parseAll([0x7F, 0x49, 0x01, 0x01]).first?.tag == 0x7F49)
    }

    @Test(arguments: [[0x53], [0x53, 0x05, 0x01], [0x53, 0x84, 0, 0, 0, 1, 0], [0x5F], [0x5F, 0xC1, 0x85, 0x86, 0x01, 0x00], [0x53, 0x82, 0x01]] as [[UInt8]])
    func malformedObjectsAreRefused(bytes: [UInt8]) {
        #expect(throws: BERTLV.Malformed.self) { try BERTLV.parseAll(bytes) }
    }

    @Test func randomBytesNeverTrap() {
        var random = SystemRandomNumberGenerator()
        for _ in 0..<20_000 {
            let bytes = (0..<Int.random(in: 0...64, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
            if let objects = try? BERTLV.parseAll(bytes) {
                #expect(objects.reduce(0) { $0 + $1.bytes.count } <= bytes.count + objects.count * 3)
            }
        }
    }
}
