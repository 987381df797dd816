import Foundation

extension PDFDate {
    /// A date as PDF writes it (ISO 32000-1 §7.9.4), in UTC: `D:YYYYMMDDHHmmSSZ`.
    static func format(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "'D:'yyyyMMddHHmmss'Z'"
        return formatter.string(from: date)
    }
}
