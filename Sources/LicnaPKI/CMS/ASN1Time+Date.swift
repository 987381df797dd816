import Foundation
import SwiftASN1

/// Conversions between `Date` and the ASN.1 time types used by RFC 5652 §11.3 (signing time) and
/// RFC 3161 §2.4.2 (genTime), in UTC, without `Calendar`.
enum CMSTime {
    /// Days since 1970-01-01 of a proleptic Gregorian date.
    static func days(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The proleptic Gregorian date `days` after 1970-01-01.
    static func civil(days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// Splits `date` into civil fields plus `fractionalDigits` (0–6) decimal digits of the second, truncated.
    static func fields(of date: Date, fractionalDigits: Int)
        -> (year: Int, month: Int, day: Int, hours: Int, minutes: Int, seconds: Int, fraction: [UInt8])
    {
        let digits = max(0, min(6, fractionalDigits))
        let micros = Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
        let seconds = micros >= 0 ? micros / 1_000_000 : (micros - 999_999) / 1_000_000
        let microOfSecond = Int(micros - seconds * 1_000_000)
        let dayNumber = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = Int(seconds - dayNumber * 86_400)
        let (year, month, day) = civil(days: Int(dayNumber))
        var fraction = Array(String(microOfSecond + 1_000_000).utf8.dropFirst().prefix(digits))
        while fraction.last == UInt8(ascii: "0") { fraction.removeLast() }
        return (year, month, day, secondOfDay / 3600, secondOfDay / 60 % 60, secondOfDay % 60, fraction)
    }

    /// RFC 3161 §2.4.2 genTime: GeneralizedTime in UTC with up to `fractionalDigits` digits, no trailing zeros.
    static func generalizedTime(_ date: Date, fractionalDigits: Int = 0) throws -> GeneralizedTime {
        let f = fields(of: date, fractionalDigits: fractionalDigits)
        return try GeneralizedTime(
            year: f.year, month: f.month, day: f.day, hours: f.hours, minutes: f.minutes, seconds: f.seconds,
            rawFractionalSeconds: f.fraction[...]
        )
    }

    /// RFC 5652 §11.3: UTCTime for 1950–2049, GeneralizedTime (whole seconds) otherwise.
    static func signingTime(_ date: Date) throws -> ASN1Any {
        let f = fields(of: date, fractionalDigits: 0)
        if (1950...2049).contains(f.year) {
            let time = try UTCTime(
                year: f.year, month: f.month, day: f.day, hours: f.hours, minutes: f.minutes, seconds: f.seconds
            )
            return try ASN1Any(erasing: time)
        }
        return try ASN1Any(erasing: generalizedTime(date))
    }

    /// The instant a GeneralizedTime names (UTC).
    static func date(_ time: GeneralizedTime) -> Date {
        let whole = days(year: time.year, month: time.month, day: time.day) * 86_400
            + time.hours * 3600 + time.minutes * 60 + time.seconds
        return Date(timeIntervalSince1970: Double(whole) + time.fractionalSeconds)
    }

    /// The instant a UTCTime names (UTC).
    static func date(_ time: UTCTime) -> Date {
        let whole = days(year: time.year, month: time.month, day: time.day) * 86_400
            + time.hours * 3600 + time.minutes * 60 + time.seconds
        return Date(timeIntervalSince1970: Double(whole))
    }

    /// Decodes a signing-time value (UTCTime or GeneralizedTime).
    static func date(signingTime value: ASN1Any) throws -> Date {
        if let utc = try? UTCTime(asn1Any: value) { return date(utc) }
        return date(try GeneralizedTime(asn1Any: value))
    }
}
