import Foundation
import LicnaBasics
import SwiftASN1

/// Conversions between `Date` and the ASN.1 time types used by RFC 5652 §11.3 (signing time) and
/// RFC 3161 §2.4.2 (genTime), in UTC, through LicnaBasics' one calendar routine (`UTCDateTime`).
enum CMSTime {
    /// Splits `date` into UTC fields plus `fractionalDigits` (0–6) decimal digits of the second, truncated, without
    /// trailing zeros.
    static func fields(of date: Date, fractionalDigits: Int) -> (time: UTCDateTime, fraction: [UInt8]) {
        let digits = max(0, min(6, fractionalDigits))
        let time = UTCDateTime(date)
        var fraction = Array(String(time.microsecond + 1_000_000).utf8.dropFirst().prefix(digits))
        while fraction.last == UInt8(ascii: "0") { fraction.removeLast() }
        return (time, fraction)
    }

    /// RFC 3161 §2.4.2 genTime: GeneralizedTime in UTC with up to `fractionalDigits` digits, no trailing zeros.
    static func generalizedTime(_ date: Date, fractionalDigits: Int = 0) throws -> GeneralizedTime {
        let (t, fraction) = fields(of: date, fractionalDigits: fractionalDigits)
        return try GeneralizedTime(
            year: t.year, month: t.month, day: t.day, hours: t.hour, minutes: t.minute, seconds: t.second,
            rawFractionalSeconds: fraction[...]
        )
    }

    /// RFC 5652 §11.3: UTCTime for 1950–2049, GeneralizedTime (whole seconds) otherwise.
    static func signingTime(_ date: Date) throws -> ASN1Any {
        let t = UTCDateTime(date)
        if (1950...2049).contains(t.year) {
            let time = try UTCTime(year: t.year, month: t.month, day: t.day, hours: t.hour, minutes: t.minute, seconds: t.second)
            return try ASN1Any(erasing: time)
        }
        return try ASN1Any(erasing: generalizedTime(date))
    }

    /// The instant a GeneralizedTime names (UTC).
    static func date(_ time: GeneralizedTime) -> Date {
        let whole = UTCDateTime(year: time.year, month: time.month, day: time.day, hour: time.hours, minute: time.minutes,
                                second: time.seconds).date
        return Date(timeIntervalSince1970: whole.timeIntervalSince1970 + time.fractionalSeconds)
    }

    /// The instant a UTCTime names (UTC).
    static func date(_ time: UTCTime) -> Date {
        UTCDateTime(year: time.year, month: time.month, day: time.day, hour: time.hours, minute: time.minutes, second: time.seconds).date
    }

    /// Decodes a signing-time value (UTCTime or GeneralizedTime).
    static func date(signingTime value: ASN1Any) throws -> Date {
        if let utc = try? UTCTime(asn1Any: value) { return date(utc) }
        return date(try GeneralizedTime(asn1Any: value))
    }
}
