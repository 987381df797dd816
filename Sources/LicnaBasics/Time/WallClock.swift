import Foundation

/// Tells the time. Injected wherever expiry, "today" or ordering depends on it, so that tests can fix it
/// (the shape of swift-certificates' `verifyNotExpired(currentDate:)`).
public protocol WallClock: Sendable {
    /// The current instant.
    var now: Date { get }
    /// The time zone in which calendar dates ("today") are read.
    var timeZone: TimeZone { get }
}

extension WallClock {
    /// Today's calendar date in the clock's time zone.
    public var today: CivilDate { CivilDate(now, in: timeZone) }
}

/// The system clock, reading calendar dates in the registry's time zone (Europe/Podgorica by default).
public struct SystemWallClock: WallClock {
    public let timeZone: TimeZone
    public init(timeZone: TimeZone = TimeZone(identifier: "Europe/Podgorica") ?? .gmt) {
        self.timeZone = timeZone
    }
    public var now: Date { Date() }
}

/// A clock that always says the same time; for tests.
public struct FixedWallClock: WallClock {
    public let now: Date
    public let timeZone: TimeZone
    public init(_ now: Date, timeZone: TimeZone = .gmt) {
        self.now = now
        self.timeZone = timeZone
    }
    /// A clock standing at noon UTC of a calendar date.
    public init(_ date: CivilDate) {
        self.init(UTCDateTime(year: date.year, month: date.month, day: date.day, hour: 12).date)
    }
}

extension WallClock {
    /// The calendar month (`YYYY-MM`) of `date` in the clock's time zone: the buckets of monthly statistics.
    public func month(of date: Date) -> String {
        let day = CivilDate(date, in: timeZone)
        return String(format: "%04d-%02d", day.year, day.month)
    }
}
