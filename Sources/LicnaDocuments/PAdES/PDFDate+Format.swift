import Foundation
import LicnaBasics

extension PDFDate {
    /// The UTC calendar fields of `date` (LicnaBasics' `UTCDateTime`), zero-padded (year to 4 digits, the others
    /// to 2): the one decomposition behind every date Licna writes into a PDF.
    static func utcFields(_ date: Date) -> (year: String, month: String, day: String, hour: String, minute: String, second: String) {
        let digits = Array(UTCDateTime(date).basicFormat)
        func part(_ range: Range<Int>) -> String { String(digits[range]) }
        return (part(0..<4), part(4..<6), part(6..<8), part(8..<10), part(10..<12), part(12..<14))
    }

    /// A date as PDF writes it (ISO 32000-1 §7.9.4), in UTC: `D:YYYYMMDDHHmmSSZ`.
    static func format(_ date: Date) -> String {
        "D:" + UTCDateTime(date).basicFormat + "Z"
    }
}
