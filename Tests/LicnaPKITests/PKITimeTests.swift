import Foundation
import LicnaBasics
@testable import LicnaPKI
import SwiftASN1
import Testing

/// Issue 11, item 4: certificates, CRLs, OCSP, signing times and timestamps convert dates through the one calendar
/// routine; the UTCTime/GeneralizedTime boundaries hold and only ASCII digits are read.
@Suite struct PKITimeTests {
    func instant(_ year: Int, _ month: Int, _ day: Int, _ hour: Int = 0, _ minute: Int = 0, _ second: Int = 0) -> Date {
        UTCDateTime(year: year, month: month, day: day, hour: hour, minute: minute, second: second).date
    }

    func certificateTime(_ date: Date) throws -> [UInt8] {
        var serializer = DER.Serializer()
        try PKITime.serializeCertificateTime(date, into: &serializer)
        return serializer.serializedBytes
    }

    @Test(arguments: [
        (UTCDateTime(year: 2049, month: 12, day: 31, hour: 23, minute: 59, second: 59), "491231235959Z"),
        (UTCDateTime(year: 2050, month: 1, day: 1), "20500101000000Z"),
        (UTCDateTime(year: 2024, month: 2, day: 29, hour: 12), "240229120000Z"),
        (UTCDateTime(year: 2000, month: 2, day: 29), "000229000000Z"),
        (UTCDateTime(year: 1950, month: 1, day: 1), "500101000000Z"),
        (UTCDateTime(year: 9999, month: 12, day: 31, hour: 23, minute: 59, second: 59), "99991231235959Z"),
    ])
    func certificateTimesChooseTheirTypeByYearAndRoundTrip(time: UTCDateTime, text: String) throws {
        let tag: UInt8 = text.utf8.count == 13 ? 0x17 : 0x18  // UTCTime YYMMDDHHMMSSZ, GeneralizedTime YYYYMMDDHHMMSSZ
        let bytes = try certificateTime(time.date)
        #expect(bytes == [tag, UInt8(text.utf8.count)] + Array(text.utf8))
        #expect(try PKITime.parseTime(try DER.parse(bytes)) == time.date)
    }

    @Test func signingTimesUseUTCTimeFrom1950Through2049() throws {
        func tag(_ date: Date) throws -> UInt8? {
            var serializer = DER.Serializer()
            try serializer.serialize(try CMSTime.signingTime(date))
            return serializer.serializedBytes.first
        }
        #expect(try tag(instant(1949, 12, 31, 23, 59, 59)) == 0x18)
        #expect(try tag(instant(1950, 1, 1)) == 0x17)
        #expect(try tag(instant(2049, 12, 31, 23, 59, 59)) == 0x17)
        #expect(try tag(instant(2050, 1, 1)) == 0x18)
        for date in [instant(1949, 12, 31, 23, 59, 59), instant(2049, 12, 31, 23, 59, 59), instant(2050, 1, 1), instant(2400, 2, 29, 6)] {
            #expect(try CMSTime.date(signingTime: try CMSTime.signingTime(date)) == date)
        }
    }

    @Test func genTimesKeepTheirFractionWithoutTrailingZeros() throws {
        let date = instant(2048, 2, 29, 8, 30) + 0.25
        let time = try CMSTime.generalizedTime(date, fractionalDigits: 3)
        #expect(Array(time.rawFractionalSeconds) == Array("25".utf8))
        #expect(CMSTime.date(time) == date)
        #expect(try CMSTime.generalizedTime(date, fractionalDigits: 0).rawFractionalSeconds.isEmpty)
    }

    @Test func timesWithOtherThanASCIIDigitsAreRefused() throws {
        for text in ["٤٩1231235959Z", "４９1231235959Z", "49123123595 Z"] {
            let content = Array(text.utf8)
            #expect(throws: (any Error).self) { try PKITime.parseTime(try DER.parse([0x17, UInt8(content.count)] + content)) }
        }
        let generalized = Array("２０50010100000Z".utf8)
        #expect(throws: (any Error).self) { try PKITime.parseTime(try DER.parse([0x18, UInt8(generalized.count)] + generalized)) }
    }
}
