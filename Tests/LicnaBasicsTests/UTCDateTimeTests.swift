import Foundation
import LicnaBasics
import Testing

/// Issue 11, item 4: the one calendar routine behind PDF dates and ASN.1 times.
@Suite struct UTCDateTimeTests {
    func instant(_ year: Int, _ month: Int, _ day: Int, _ hour: Int = 0, _ minute: Int = 0, _ second: Int = 0) -> Date {
        UTCDateTime(year: year, month: month, day: day, hour: hour, minute: minute, second: second).date
    }

    @Test func knownInstantsConvertBothWays() {
        #expect(instant(1970, 1, 1) == Date(timeIntervalSince1970: 0))
        #expect(instant(1969, 12, 31, 23, 59, 59) == Date(timeIntervalSince1970: -1))
        #expect(instant(2000, 1, 1) == Date(timeIntervalSince1970: 946_684_800))
        // RFC 5280 §4.1.2.5's "no well-defined expiration date", the last second four digits can write.
        #expect(instant(9999, 12, 31, 23, 59, 59) == Date(timeIntervalSince1970: 253_402_300_799))
        #expect(UTCDateTime(Date(timeIntervalSince1970: 253_402_300_799)) == UTCDateTime(year: 9999, month: 12, day: 31, hour: 23, minute: 59, second: 59))
        #expect(UTCDateTime(Date(timeIntervalSince1970: 0)).basicFormat == "19700101000000")
        #expect(UTCDateTime(year: 1, month: 1, day: 1).basicFormat == "00010101000000")
        // The UTCTime/GeneralizedTime boundary (RFC 5280 §4.1.2.5): the last second of 2049 and the first of 2050.
        let last2049 = UTCDateTime(instant(2049, 12, 31, 23, 59, 59))
        #expect(last2049.year == 2049 && last2049.basicFormat == "20491231235959")
        let first2050 = UTCDateTime(instant(2049, 12, 31, 23, 59, 59) + 1)
        #expect(first2050 == UTCDateTime(year: 2050))
    }

    @Test func leapYearsFollowTheGregorianRules() {
        func length(of year: Int) -> Int {
            UTCDateTime.daysSinceEpoch(year: year + 1, month: 1, day: 1) - UTCDateTime.daysSinceEpoch(year: year, month: 1, day: 1)
        }
        #expect(length(of: 2024) == 366 && length(of: 2023) == 365)
        #expect(length(of: 2000) == 366 && length(of: 1900) == 365 && length(of: 2100) == 365 && length(of: 2400) == 366)
        #expect(UTCDateTime(year: 2024, month: 2, day: 29).isValid && UTCDateTime(year: 2000, month: 2, day: 29).isValid)
        #expect(!UTCDateTime(year: 2023, month: 2, day: 29).isValid && !UTCDateTime(year: 1900, month: 2, day: 29).isValid
            && !UTCDateTime(year: 2100, month: 2, day: 29).isValid)
        #expect(UTCDateTime(instant(2024, 2, 28) + 86_400) == UTCDateTime(year: 2024, month: 2, day: 29))
        #expect(UTCDateTime(instant(2023, 2, 28) + 86_400) == UTCDateTime(year: 2023, month: 3, day: 1))
        #expect(UTCDateTime(instant(2100, 2, 28) + 86_400) == UTCDateTime(year: 2100, month: 3, day: 1))
        #expect(!UTCDateTime(year: 10_000).isValid && !UTCDateTime(year: 2024, hour: 24).isValid)
        #expect(UTCDateTime(year: 2016, month: 12, day: 31, hour: 23, minute: 59, second: 60).isValid)  // a leap second
    }

    @Test func secondsBelowOneAreMicrosecondsAndBeforeTheEpochCountDown() {
        let half = UTCDateTime(Date(timeIntervalSince1970: 1.5))
        #expect(half.second == 1 && half.microsecond == 500_000)
        let before = UTCDateTime(Date(timeIntervalSince1970: -0.25))
        #expect(before == UTCDateTime(year: 1969, month: 12, day: 31, hour: 23, minute: 59, second: 59, microsecond: 750_000))
        #expect(before.date == Date(timeIntervalSince1970: -0.25))
    }

    /// Days from 1600 to 9999 (every 613th, at a different second of the day each) agree with Foundation's
    /// Gregorian calendar in UTC (before 1582 Foundation's calendar is Julian; the routine is proleptic Gregorian,
    /// as ISO 8601 is).
    @Test func agreesWithFoundationsCalendar() {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .gmt
        let first = UTCDateTime.daysSinceEpoch(year: 1600, month: 1, day: 1), last = UTCDateTime.daysSinceEpoch(year: 9999, month: 12, day: 31)
        for (step, day) in stride(from: first, through: last, by: 613).enumerated() {
            let date = Date(timeIntervalSince1970: Double(day * 86_400 + (step * 7_919) % 86_400))
            let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
            let fields = UTCDateTime(date)
            #expect(fields == UTCDateTime(year: parts.year ?? 0, month: parts.month ?? 0, day: parts.day ?? 0,
                                          hour: parts.hour ?? 0, minute: parts.minute ?? 0, second: parts.second ?? 0), "\(date)")
            #expect(fields.date == date && fields.isValid)
        }
    }

    @Test func onlyASCIIDigitsAreNumbers() {
        #expect(UTCDateTime.decimal(Array("0123".utf8)) == 123)
        #expect(UTCDateTime.decimal(Array("2050".utf8)) == 2050)
        #expect(UTCDateTime.decimal([UInt8]()) == nil)
        #expect(UTCDateTime.decimal(Array("12a4".utf8)) == nil)
        #expect(UTCDateTime.decimal(Array("٢٠٢٤".utf8)) == nil)  // Arabic-Indic digits
        #expect(UTCDateTime.decimal(Array("２０２４".utf8)) == nil)  // fullwidth digits
        #expect(UTCDateTime.decimal(Array("+12".utf8)) == nil && UTCDateTime.decimal(Array(" 12".utf8)) == nil)
        #expect(CivilDate(iso8601: "2024-02-29") != nil && CivilDate(iso8601: "2023-02-29") == nil)
        #expect(CivilDate(iso8601: "२०२४-01-01") == nil)  // Devanagari digits
    }

    @Test func theAdjustableClockMovesOnlyWhenMoved() async throws {
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        let clock = AdjustableWallClock(start)
        #expect(clock.now == start && clock.timeZone == .gmt)
        clock.advance(90)
        #expect(clock.now == start + 90)
        clock.set(start)
        #expect(clock.now == start)
        // Moved from many tasks at once, it loses no step.
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<100 { group.addTask { clock.advance(1) } }
        }
        #expect(clock.now == start + 100)
        #expect(FixedWallClock(try #require(CivilDate(year: 2024, month: 2, day: 29))).now == UTCDateTime(year: 2024, month: 2, day: 29, hour: 12).date)
        #expect(abs(AdjustableWallClock().now.timeIntervalSince(SystemWallClock().now)) < 60)
    }
}
