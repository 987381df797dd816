import Foundation

/// Dates as PDF writes them (ISO 32000-1 §7.9.4): `D:YYYYMMDDHHmmSSOHH'mm'`, every part after the year optional,
/// `O` one of `+`, `-` or `Z`.
public enum PDFDate {
    /// The instant `text` names, or nil when it is not a PDF date. Missing parts default to their smallest value
    /// and a missing offset to UTC.
    public static func parse(_ text: String) -> Date? {
        var characters = Array(text.utf8)
        if characters.starts(with: Array("D:".utf8)) { characters.removeFirst(2) }
        var index = 0
        func number(_ width: Int, default value: Int) -> Int? {
            guard index < characters.count, characters[index] >= UInt8(ascii: "0"), characters[index] <= UInt8(ascii: "9")
            else { return value }
            guard index + width <= characters.count else { return nil }
            var result = 0
            for _ in 0..<width {
                let byte = characters[index]
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                result = result * 10 + Int(byte - UInt8(ascii: "0"))
                index += 1
            }
            return result
        }
        guard characters.count >= 4, let year = number(4, default: 0), let month = number(2, default: 1),
            let day = number(2, default: 1), let hour = number(2, default: 0), let minute = number(2, default: 0),
            let second = number(2, default: 0), (1...12).contains(month), (1...31).contains(day), hour < 24,
            minute < 60, second < 61
        else { return nil }
        var offsetSeconds = 0
        if index < characters.count {
            let sign = characters[index]
            index += 1
            if sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
                guard let offsetHours = number(2, default: 0), offsetHours < 24 else { return nil }
                if index < characters.count, characters[index] == UInt8(ascii: "'") { index += 1 }
                guard let offsetMinutes = number(2, default: 0), offsetMinutes < 60 else { return nil }
                offsetSeconds = (offsetHours * 3600 + offsetMinutes * 60) * (sign == UInt8(ascii: "-") ? -1 : 1)
            } else if sign != UInt8(ascii: "Z") {
                return nil
            }
        }
        let days = daysFromCivil(year: year, month: month, day: day)
        let seconds = days * 86_400 + hour * 3_600 + minute * 60 + second - offsetSeconds
        return Date(timeIntervalSince1970: TimeInterval(seconds))
    }

    /// Days since 1970-01-01 in the proleptic Gregorian calendar (H. Hinnant's algorithm).
    private static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}
