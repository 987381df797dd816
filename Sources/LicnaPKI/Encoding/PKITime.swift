import Foundation
import LicnaBasics
import SwiftASN1

/// Dates as the PKIX standards write them. The arithmetic (UTC, no `Calendar`) is LicnaBasics' `UTCDateTime`, so that
/// certificates, CRLs, OCSP and timestamps convert dates one way.
public enum PKITime {
    /// RFC 5280 §4.1.2.5 and §5.1.2.4: UTCTime through 2049, GeneralizedTime from 2050; whole seconds, UTC.
    public static func serializeCertificateTime(_ date: Date, into coder: inout DER.Serializer) throws {
        let t = UTCDateTime(date)
        if t.year < 2050 {
            try coder.serialize(try UTCTime(year: t.year, month: t.month, day: t.day, hours: t.hour, minutes: t.minute, seconds: t.second))
        } else {
            try coder.serialize(try generalizedTime(date))
        }
    }

    /// A GeneralizedTime in UTC without fractional seconds (RFC 5280 §4.1.2.5.2, RFC 5019 §2.2.4).
    public static func generalizedTime(_ date: Date) throws -> GeneralizedTime {
        try CMSTime.generalizedTime(date, fractionalDigits: 0)
    }

    /// The instant a GeneralizedTime names.
    public static func date(_ time: GeneralizedTime) -> Date { CMSTime.date(time) }

    /// The instant a UTCTime names.
    public static func date(_ time: UTCTime) -> Date { CMSTime.date(time) }

    /// Reads a `Time ::= CHOICE { utcTime, generalTime }`.
    public static func parseTime(_ node: ASN1Node) throws -> Date {
        switch node.identifier {
        case UTCTime.defaultIdentifier: return date(try UTCTime(derEncoded: node))
        case GeneralizedTime.defaultIdentifier: return date(try GeneralizedTime(derEncoded: node))
        default: throw PKIError(.malformed, "expected a UTCTime or GeneralizedTime")
        }
    }
}
