@testable import LicnaCard
import Testing

@Suite struct ReferenceDataTests {
    @Test func pinsAreKeptAsSaltedMACsAndCompared() throws {
        let pin = try #require(ReferenceData.pivFormat("123456"))
        #expect(pin == [0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0xFF, 0xFF])
        let reference = try ReferenceData(pivFormatted: pin)
        #expect(reference.matches(pivFormatted: pin))
        #expect(!reference.matches(pivFormatted: try #require(ReferenceData.pivFormat("123457"))))
        #expect(!reference.matches(pivFormatted: [0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0xFF, 0x00]))
        #expect(!reference.digest.isEmpty && reference.digest != pin)
        // The same PIN on two cards gives two different digests.
        #expect(try ReferenceData(pivFormatted: pin).digest != reference.digest)
    }

    @Test(arguments: ["12345", "123456789", "12a456", "", "１２３４５６"])
    func badPINsAreRefused(pin: String) {
        #expect(ReferenceData.pivFormat(pin) == nil)
    }

    @Test func malformedPresentedValuesNeverMatch() throws {
        let reference = try ReferenceData(pivFormatted: try #require(ReferenceData.pivFormat("87654321")))
        for value in [[UInt8](), [0x38, 0x37, 0x36, 0x35, 0x34, 0x33, 0x32], [0xFF, 0x38, 0x37, 0x36, 0x35, 0x34, 0x33, 0x32],
                      [0x38, 0x37, 0x36, 0xFF, 0x35, 0x34, 0x33, 0x32]] {
            #expect(!reference.matches(pivFormatted: value))
        }
        #expect(throws: ReferenceData.Invalidity.format) { try ReferenceData(pivFormatted: [0x31, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]) }
    }
}
