import Foundation
import LicnaBasics
@testable import LicnaDocuments
import Testing

/// Issue 11, item 4: PDF dates (ISO 32000-1 §7.9.4) read and written through the one calendar routine.
@Suite struct PDFDateTests {
    func instant(_ year: Int, _ month: Int, _ day: Int, _ hour: Int = 0, _ minute: Int = 0, _ second: Int = 0) -> Date {
        UTCDateTime(year: year, month: month, day: day, hour: hour, minute: minute, second: second).date
    }

    @Test func datesAreReadWithTheirOffsetAndMissingParts() {
        #expect(PDFDate.parse("D:20240229123456Z") == instant(2024, 2, 29, 12, 34, 56))
        #expect(PDFDate.parse("D:20240229123456+01'00'") == instant(2024, 2, 29, 11, 34, 56))
        #expect(PDFDate.parse("D:20240301003000-02'30") == instant(2024, 3, 1, 3))
        #expect(PDFDate.parse("D:20240229123456+01'00'") == PDFDate.parse("D:20240229113456Z"))
        #expect(PDFDate.parse("D:20240229123456+01") == instant(2024, 2, 29, 11, 34, 56))
        #expect(PDFDate.parse("D:20240229123456Z00'00'") == instant(2024, 2, 29, 12, 34, 56))  // as older writers put it
        #expect(PDFDate.parse("D:2024") == instant(2024, 1, 1))
        #expect(PDFDate.parse("19991231") == instant(1999, 12, 31))
        #expect(PDFDate.parse("D:20491231235959Z") == instant(2049, 12, 31, 23, 59, 59))
        #expect(PDFDate.parse("D:20500101000000Z") == instant(2050, 1, 1))
        #expect(PDFDate.parse("D:99991231235959Z") == instant(9999, 12, 31, 23, 59, 59))
        #expect(PDFDate.parse("D:20241301") == nil && PDFDate.parse("D:2024011") == nil && PDFDate.parse("D:20240101X") == nil)
    }

    @Test func digitsOfOtherScriptsAreRefused() {
        #expect(PDFDate.parse("D:٢٠٢٤0229123456Z") == nil)  // Arabic-Indic year
        #expect(PDFDate.parse("D:2024０２29123456Z") == nil)  // fullwidth month
        #expect(PDFDate.parse("D:20240229123456+０1'00'") == nil)  // fullwidth offset
        #expect(PDFDate.parse("D:20240229123456+01'０0'") == nil)  // fullwidth minutes of the offset
        #expect(PDFDate.parse("D:２０２４") == nil)
    }

    @Test(arguments: [[2024, 2, 29], [2000, 2, 29], [2049, 12, 31], [2050, 1, 1], [1900, 3, 1], [9999, 12, 31]])
    func writtenDatesAreUTCAndReadBack(day fields: [Int]) {
        let (year, month, day) = (fields[0], fields[1], fields[2])
        let date = instant(year, month, day, 23, 59, 58)
        let text = PDFDate.format(date)
        #expect(text == "D:" + String(format: "%04d%02d%02d235958Z", year, month, day))
        #expect(PDFDate.parse(text) == date)
        #expect(SignatureAppearance.format(date) == String(format: "%04d-%02d-%02d 23:59:58 UTC", year, month, day))
    }
}
