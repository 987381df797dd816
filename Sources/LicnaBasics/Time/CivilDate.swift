import Foundation

/// A calendar date without a time of day or a time zone: a birth date, a date of death, a card's expiry.
///
/// Birth dates are civil facts, not instants: 1 March in Podgorica is 1 March everywhere, so they are never
/// stored as `Date`. The proleptic Gregorian calendar is used for every year, as ISO 8601 does.
public struct CivilDate: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    /// Creates a date, or returns `nil` when the day does not exist (31 April, 29 February in a common year).
    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month),
              day >= 1, day <= CivilDate.daysIn(month: month, year: year) else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses `YYYY-MM-DD` (ISO 8601 calendar date, extended format).
    public init?(iso8601 text: some StringProtocol) {
        let bytes = Array(text.utf8)
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-") else { return nil }
        func number(_ range: Range<Int>) -> Int? { UTCDateTime.decimal(bytes[range]) }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10) else { return nil }
        self.init(year: year, month: month, day: day)
    }

    /// `true` for leap years of the Gregorian calendar.
    public static func isLeap(_ year: Int) -> Bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    /// The number of days in a month of a year.
    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// The date as one comparable integer, `YYYYMMDD`.
    public var ordinal: Int { year * 10_000 + month * 100 + day }

    /// `YYYY-MM-DD`.
    public var iso8601: String {
        func pad(_ value: Int, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
    }

    public var description: String { iso8601 }

    public static func < (lhs: CivilDate, rhs: CivilDate) -> Bool { lhs.ordinal < rhs.ordinal }

    /// The calendar date of an instant in a time zone.
    public init(_ instant: Date, in timeZone: TimeZone) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.year, .month, .day], from: instant)
        // Every instant has a calendar date: the force unwraps hold for any Date Foundation can represent.
        self.year = parts.year!
        self.month = parts.month!
        self.day = parts.day!
    }

    /// Whole years of age on `date` (the birthday counts from the day itself; 29 February birthdays
    /// count from 1 March in common years).
    public func age(on date: CivilDate) -> Int {
        var years = date.year - year
        if (date.month, date.day) < (month, day) { years -= 1 }
        return years
    }

    /// The same day `years` later (or earlier); 29 February becomes 28 February in a common year.
    public func adding(years: Int) -> CivilDate {
        let target = year + years
        // The day exists in the target year's month (at most the 28th of February moves): never nil.
        return CivilDate(year: target, month: month, day: min(day, Self.daysIn(month: month, year: target)))!
    }

    /// Midnight at the start of this day in UTC.
    public var startInUTC: Date { UTCDateTime(year: year, month: month, day: day).date }

    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let date = CivilDate(iso8601: text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "expected a date as YYYY-MM-DD")
        }
        self = date
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(iso8601)
    }
}
