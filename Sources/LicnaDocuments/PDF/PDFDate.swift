import Foundation
import LicnaBasics

/// Dates as PDF writes them (ISO 32000-1 §7.9.4): `D:YYYYMMDDHHmmSSOHH'mm'`, every part after the year optional,
/// `O` one of `+`, `-` or `Z`. Digits are ASCII only; the calendar arithmetic is LicnaBasics' `UTCDateTime`.
public enum PDFDate {
    /// The instant `text` names, or nil when it is not a PDF date. Missing parts default to their smallest value
    /// and a missing offset to UTC.
    public static func parse(_ text: String) -> Date? {
        var characters = Array(text.utf8)
        if characters.starts(with: Array("D:".utf8)) { characters.removeFirst(2) }
        var index = 0
        func number(_ width: Int, default value: Int) -> Int? {
            guard index < characters.count, UTCDateTime.decimal(characters[index...index]) != nil else { return value }
            guard index + width <= characters.count, let result = UTCDateTime.decimal(characters[index..<(index + width)]) else { return nil }
            index += width
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
                // After the sign the hours are required (§7.9.4), in ASCII digits like every other part.
                guard index + 2 <= characters.count, let offsetHours = UTCDateTime.decimal(characters[index..<(index + 2)]),
                      offsetHours < 24 else { return nil }
                index += 2
                if index < characters.count, characters[index] == UInt8(ascii: "'") { index += 1 }
                guard let offsetMinutes = number(2, default: 0), offsetMinutes < 60 else { return nil }
                if index < characters.count, characters[index] == UInt8(ascii: "'") { index += 1 }
                guard index == characters.count else { return nil }
                offsetSeconds = (offsetHours * 3600 + offsetMinutes * 60) * (sign == UInt8(ascii: "-") ? -1 : 1)
            } else if sign != UInt8(ascii: "Z") {
                return nil
            }
        }
        let instant = UTCDateTime(year: year, month: month, day: day, hour: hour, minute: minute, second: second).date
        return instant - TimeInterval(offsetSeconds)
    }
}
