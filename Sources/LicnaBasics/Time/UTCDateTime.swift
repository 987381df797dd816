import Foundation

/// An instant as calendar fields in UTC: the one conversion between `Date` and year…second that every date
/// format Licna reads or writes goes through (PDF dates, ISO 32000-1 §7.9.4; ASN.1 UTCTime and GeneralizedTime,
/// X.680 §46–47, RFC 5280 §4.1.2.5), so that they agree on every day of the proleptic Gregorian calendar.
///
/// The arithmetic is H. Hinnant's days-from-civil and civil-from-days, exact for every year, without `Calendar`
/// or a time zone database.
public struct UTCDateTime: Hashable, Sendable {
    public var year: Int
    public var month: Int
    public var day: Int
    public var hour: Int
    public var minute: Int
    public var second: Int
    /// Microseconds within the second, 0 to 999 999.
    public var microsecond: Int

    /// The fields as given, unchecked (``isValid`` checks them); ``date`` counts them through, so a leap second
    /// (`second` 60) names the first second of the next minute.
    public init(year: Int, month: Int = 1, day: Int = 1, hour: Int = 0, minute: Int = 0, second: Int = 0, microsecond: Int = 0) {
        self.year = year
        self.month = month
        self.day = day
        self.hour = hour
        self.minute = minute
        self.second = second
        self.microsecond = microsecond
    }

    /// The UTC fields of `date`, to the microsecond (rounded; the fields below a second are truncated from it).
    public init(_ date: Date) {
        let micros = Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
        let seconds = micros >= 0 ? micros / 1_000_000 : (micros - 999_999) / 1_000_000
        let dayNumber = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = Int(seconds - dayNumber * 86_400)
        let civil = Self.civil(daysSinceEpoch: Int(dayNumber))
        self.init(year: civil.year, month: civil.month, day: civil.day, hour: secondOfDay / 3_600,
                  minute: secondOfDay / 60 % 60, second: secondOfDay % 60, microsecond: Int(micros - seconds * 1_000_000))
    }

    /// The instant the fields name.
    public var date: Date {
        let whole = Self.daysSinceEpoch(year: year, month: month, day: day) * 86_400 + hour * 3_600 + minute * 60 + second
        return Date(timeIntervalSince1970: Double(whole) + Double(microsecond) / 1_000_000)
    }

    /// True when the fields name a real moment: years 0 to 9999 (what four digits and ASN.1's GeneralizedTime
    /// hold), a day that exists in its month, and a time of day with at most one leap second (`second` 60).
    public var isValid: Bool {
        (0...9999).contains(year) && (1...12).contains(month) && day >= 1 && day <= CivilDate.daysIn(month: month, year: year)
            && (0..<24).contains(hour) && (0..<60).contains(minute) && (0...60).contains(second) && (0..<1_000_000).contains(microsecond)
    }

    /// The calendar date, without the time of day; nil for years outside 1 to 9999.
    public var civilDate: CivilDate? { CivilDate(year: year, month: month, day: day) }

    /// `YYYYMMDDHHMMSS`, each field zero-padded (the year to four digits): the basic format that PDF dates and
    /// GeneralizedTime share.
    public var basicFormat: String {
        func padded(_ value: Int, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return padded(year, 4) + padded(month, 2) + padded(day, 2) + padded(hour, 2) + padded(minute, 2) + padded(second, 2)
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (negative before it).
    public static func daysSinceEpoch(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The proleptic Gregorian date `days` after 1970-01-01.
    public static func civil(daysSinceEpoch days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// The number that `digits` spell in ASCII decimal, or nil when any of them is not `0`–`9` (other scripts'
    /// digits, which Unicode-aware parsers would accept, are refused: date formats are ASCII) or there are none.
    public static func decimal(_ digits: some Collection<UInt8>) -> Int? {
        guard !digits.isEmpty, digits.count <= 18 else { return nil }
        var value = 0
        for byte in digits {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return value
    }
}
