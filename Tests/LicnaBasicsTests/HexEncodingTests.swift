import LicnaBasics
import Testing

@Suite struct HexEncodingTests {
    @Test func encodesLowercaseAndUppercaseAndRoundTrips() {
        #expect(ASCIIHex.encode([0x00, 0x0A, 0xFF, 0x7F]) == "000aff7f")
        #expect(ASCIIHex.encode([0xAB, 0x01], uppercase: true) == "AB01")
        #expect([UInt8]().hexString == "")
        var generator = SystemRandomNumberGenerator()
        for length in 0..<64 {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            #expect(ASCIIHex.decode(bytes.hexString) == bytes)
        }
    }

    @Test func errorsDescribeThemselvesByCodeAndDefaultToTheirMessageKey() {
        struct Sample: LicnaError {
            var code: ErrorCode { ErrorCode("sample-code") }
            var category: ErrorCategory { .conflict }
            var detail: String
        }
        #expect(Sample(detail: "").description == "sample-code")
        #expect(Sample(detail: "why").description == "sample-code: why")
        #expect(Sample(detail: "").messageKey == "error.sample-code")
    }
}
