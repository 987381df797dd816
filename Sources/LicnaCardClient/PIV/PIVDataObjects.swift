import Foundation
import LicnaCard

/// Builders for the PIV data objects a personalizer writes, as the content of the `53` template that
/// `PIVClient.putData(tag:value:)` wraps (NIST SP 800-73-4 Part 1 §3.1, Appendix A).
public enum PIVDataObjects {
    /// The FASC-N that SP 800-73-4 Part 1 §3.1.2 and TIG SCEPACS prescribe for issuers outside the US federal
    /// government: agency code 9999, system code 9999, credential number 999999 (BCD with odd parity, 25 bytes).
    public static let nonFederalFASCN: [UInt8] = [
        0xD4, 0xE7, 0x39, 0xDA, 0x73, 0x9C, 0xED, 0x39, 0xCE, 0x73, 0x9D, 0x83, 0x68,
        0x58, 0x21, 0x08, 0x42, 0x10, 0x84, 0x21, 0xC8, 0x42, 0x10, 0xC3, 0xEB,
    ]

    /// Card Holder Unique Identifier (SP 800-73-4 Part 1 Table 9): FASC-N `30` (25 bytes), GUID `34` (16 bytes),
    /// expiration date `35` (`YYYYMMDD`, UTC), issuer signature `3E` (empty: the Licna card's CHUID is unsigned,
    /// as Yubico's), error detection code `FE 00`.
    public static func chuid(fascN: [UInt8] = nonFederalFASCN, guid: [UInt8], expiry: Date) throws -> [UInt8] {
        guard fascN.count == 25 else { throw PIVError(.pivInvalidArgument, "a FASC-N is 25 bytes; got \(fascN.count)") }
        guard guid.count == 16 else { throw PIVError(.pivInvalidArgument, "a CHUID GUID is 16 bytes; got \(guid.count)") }
        return BERTLV(tag: 0x30, value: fascN).bytes
            + BERTLV(tag: 0x34, value: guid).bytes
            + BERTLV(tag: 0x35, value: Array(yyyymmdd(expiry).utf8)).bytes
            + [0x3E, 0x00, 0xFE, 0x00]
    }

    /// A minimal Card Capability Container (SP 800-73-4 Part 1 Table 8): card identifier `F0` (GSC-RID
    /// `A0 00 00 01 16`, manufacturer `FF`, card type `02`, 14 bytes of card ID), container and grammar version
    /// `21`, PKCS#15 `00`, data model `10`, the other mandatory tags empty, `FE 00`.
    public static func ccc(cardID: [UInt8]) throws -> [UInt8] {
        guard cardID.count == 14 else { throw PIVError(.pivInvalidArgument, "a CCC card ID is 14 bytes; got \(cardID.count)") }
        let identifier: [UInt8] = [0xA0, 0x00, 0x00, 0x01, 0x16, 0xFF, 0x02] + cardID
        return BERTLV(tag: 0xF0, value: identifier).bytes
            + [0xF1, 0x01, 0x21, 0xF2, 0x01, 0x21, 0xF3, 0x00, 0xF4, 0x01, 0x00, 0xF5, 0x01, 0x10]
            + [0xF6, 0x00, 0xF7, 0x00, 0xFA, 0x00, 0xFB, 0x00, 0xFC, 0x00, 0xFD, 0x00, 0xFE, 0x00]
    }

    /// An X.509 certificate object (SP 800-73-4 Part 1 Table 15): `70 <DER>`, CertInfo `71 01 00` (not
    /// compressed), error detection code `FE 00`.
    public static func certificateObject(_ der: [UInt8]) -> [UInt8] {
        BERTLV(tag: 0x70, value: der).bytes + [0x71, 0x01, 0x00, 0xFE, 0x00]
    }

    /// The DER certificate inside a certificate object (the content of `53`).
    public static func certificate(fromObject object: [UInt8]) throws -> [UInt8] {
        guard let objects = try? BERTLV.parseAll(object), let certificate = objects.first(where: { $0.tag == 0x70 }) else {
            throw PIVError(.pivMalformedResponse, "the certificate object lacks the 70 certificate tag")
        }
        if let info = objects.first(where: { $0.tag == 0x71 }), info.value.first.map({ $0 & 0x01 != 0 }) == true {
            throw PIVError(.pivMalformedResponse, "the certificate is gzip-compressed (CertInfo 01), which this client does not read")
        }
        guard !certificate.value.isEmpty else { throw PIVError(.pivNotFound, "the certificate object is empty") }
        return certificate.value
    }

    /// Key History object (SP 800-73-4 Part 1 Table 19): `C1 01 <keys with on-card certificates>`,
    /// `C2 01 00` (no off-card certificates), `FE 00`.
    public static func keyHistory(onCardCertificates: Int) throws -> [UInt8] {
        guard (0...20).contains(onCardCertificates) else {
            throw PIVError(.pivInvalidArgument, "key history counts 0 to 20 retired keys; got \(onCardCertificates)")
        }
        return [0xC1, 0x01, UInt8(onCardCertificates), 0xC2, 0x01, 0x00, 0xFE, 0x00]
    }

    static func yyyymmdd(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        let year = parts.year ?? 0, month = parts.month ?? 0, day = parts.day ?? 0
        return String(format: "%04d%02d%02d", year, month, day)
    }
}
