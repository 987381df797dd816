import LicnaBasics
@testable import LicnaPKI
import Testing
import X509

/// Issue 10, item 11: `Character.isHexDigit` accepts fullwidth digits, and the serial parser trapped on them.
@Suite struct ASCIIHexTests {
    @Test(arguments: ["０１", "ＡＢ", "１f", "٠١", "𝟙𝟚", "¹²", "0x", "", ":", "g1", String(repeating: "f", count: 41), "1\u{200B}2"])
    func serialsInOtherScriptsOrOutOfRangeAreRefusedNotTrapped(text: String) {
        #expect(Certificate.SerialNumber(hex: text) == nil)
    }

    @Test func serialsParseInAnyCaseWithSeparatorsAndOddLength() throws {
        #expect(Certificate.SerialNumber(hex: "0x0A:bC")?.bytes == [0x0A, 0xBC])
        #expect(Certificate.SerialNumber(hex: "abc")?.bytes == [0x0A, 0xBC])
        #expect(ASCIIHex.decode(Array("0aFf".utf8)) == [0x0A, 0xFF])
        #expect(ASCIIHex.decode(Array("abc".utf8)) == nil)
        // Every byte value that is not an ASCII hex digit is refused.
        for byte in UInt8.min...UInt8.max where !"0123456789abcdefABCDEF".utf8.contains(byte) {
            #expect(ASCIIHex.nibble(byte) == nil)
        }
    }
}
