import Foundation

extension PDFDate {
    /// The UTC calendar fields of `date`, zero-padded (year to 4 digits, the others to 2): the one decomposition
    /// behind every date Licna writes into a PDF.
    static func utcFields(_ date: Date) -> (year: String, month: String, day: String, hour: String, minute: String, second: String) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .gmt
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        func padded(_ value: Int?, _ width: Int) -> String {
            let digits = String(value ?? 0)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return (padded(parts.year, 4), padded(parts.month, 2), padded(parts.day, 2),
                padded(parts.hour, 2), padded(parts.minute, 2), padded(parts.second, 2))
    }

    /// A date as PDF writes it (ISO 32000-1 §7.9.4), in UTC: `D:YYYYMMDDHHmmSSZ`.
    static func format(_ date: Date) -> String {
        let f = utcFields(date)
        return "D:\(f.year)\(f.month)\(f.day)\(f.hour)\(f.minute)\(f.second)Z"
    }
}
