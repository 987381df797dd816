import Foundation
import SwiftASN1

/// Dates as the PKIX standards write them.
public enum PKITime {
    /// RFC 5280 §4.1.2.5 and §5.1.2.4: UTCTime through 2049, GeneralizedTime from 2050; whole seconds, UTC.
    public static func serializeCertificateTime(_ date: Date, into coder: inout DER.Serializer) throws {
        let components = utcComponents(date)
        if components.year < 2050 {
            try coder.serialize(try UTCTime(year: components.year, month: components.month, day: components.day,
                                            hours: components.hour, minutes: components.minute, seconds: components.second))
        } else {
            try coder.serialize(try generalizedTime(date))
        }
    }

    /// A GeneralizedTime in UTC without fractional seconds (RFC 5280 §4.1.2.5.2, RFC 5019 §2.2.4).
    public static func generalizedTime(_ date: Date) throws -> GeneralizedTime {
        let c = utcComponents(date)
        return try GeneralizedTime(year: c.year, month: c.month, day: c.day, hours: c.hour, minutes: c.minute,
                                   seconds: c.second, fractionalSeconds: 0)
    }

    /// A GeneralizedTime with fractional seconds, as RFC 3161 §2.4.2 allows for `genTime`.
    public static func preciseGeneralizedTime(_ date: Date) throws -> GeneralizedTime {
        let c = utcComponents(date)
        let whole = floor(date.timeIntervalSince1970)
        let fraction = (date.timeIntervalSince1970 - whole) * 1_000
        return try GeneralizedTime(year: c.year, month: c.month, day: c.day, hours: c.hour, minutes: c.minute,
                                   seconds: c.second, fractionalSeconds: (fraction.rounded()) / 1_000)
    }

    /// The instant a GeneralizedTime names.
    public static func date(_ time: GeneralizedTime) -> Date {
        var c = DateComponents()
        c.year = time.year; c.month = time.month; c.day = time.day
        c.hour = time.hours; c.minute = time.minutes; c.second = time.seconds
        let whole = utcCalendar.date(from: c) ?? Date(timeIntervalSince1970: 0)
        return whole.addingTimeInterval(time.fractionalSeconds)
    }

    /// The instant a UTCTime names.
    public static func date(_ time: UTCTime) -> Date {
        var c = DateComponents()
        c.year = time.year; c.month = time.month; c.day = time.day
        c.hour = time.hours; c.minute = time.minutes; c.second = time.seconds
        return utcCalendar.date(from: c) ?? Date(timeIntervalSince1970: 0)
    }

    /// Reads a `Time ::= CHOICE { utcTime, generalTime }`.
    public static func parseTime(_ node: ASN1Node) throws -> Date {
        switch node.identifier {
        case UTCTime.defaultIdentifier: return date(try UTCTime(derEncoded: node))
        case GeneralizedTime.defaultIdentifier: return date(try GeneralizedTime(derEncoded: node))
        default: throw PKIError(.malformed, "expected a UTCTime or GeneralizedTime")
        }
    }

    static let utcCalendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()

    static func utcComponents(_ date: Date) -> (year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) {
        let c = utcCalendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return (c.year!, c.month!, c.day!, c.hour!, c.minute!, c.second!)
    }
}
