import LicnaBasics

/// DER (X.690 §8.1, §10.1) built by concatenating parts that are already encoded, each element's length known
/// before it is written: for hot paths whose shape is fixed, such as the OCSP responder's answer, where
/// SwiftASN1's serializer would write every nested element's contents once more to fix up its length.
enum DERConcatenation {
    /// Tag octets of the universal and context-specific elements written here (X.690 §8.1.2).
    enum Tag {
        static let boolean: UInt8 = 0x01
        static let integer: UInt8 = 0x02
        static let bitString: UInt8 = 0x03
        static let octetString: UInt8 = 0x04
        static let objectIdentifier: UInt8 = 0x06
        static let enumerated: UInt8 = 0x0A
        static let generalizedTime: UInt8 = 0x18
        static let sequence: UInt8 = 0x30

        /// `[number]` of the context-specific class, primitive (an IMPLICIT primitive type).
        static func contextPrimitive(_ number: UInt8) -> UInt8 { 0x80 | number }
        /// `[number]` of the context-specific class, constructed (an EXPLICIT tag or an IMPLICIT constructed type).
        static func contextConstructed(_ number: UInt8) -> UInt8 { 0xA0 | number }
    }

    /// One element with a single-octet tag whose contents are `parts`, one after another.
    static func element(_ tag: UInt8, _ parts: [UInt8]...) -> [UInt8] { element(tag, parts) }

    /// One element with a single-octet tag whose contents are `parts`, one after another.
    static func element(_ tag: UInt8, _ parts: [[UInt8]]) -> [UInt8] {
        let length = parts.reduce(0) { $0 + $1.count }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(length + 6)
        bytes.append(tag)
        appendLength(length, to: &bytes)
        for part in parts { bytes.append(contentsOf: part) }
        return bytes
    }

    /// X.690 §8.1.3: the short form below 128, else the long form in as few octets as the length needs.
    static func appendLength(_ length: Int, to bytes: inout [UInt8]) {
        precondition(length >= 0)
        guard length >= 0x80 else { return bytes.append(UInt8(length)) }
        let octets = (Int.bitWidth - length.leadingZeroBitCount + 7) / 8
        bytes.append(0x80 | UInt8(octets))
        for shift in stride(from: (octets - 1) * 8, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: length >> shift)) }
    }

    /// `GeneralizedTime` in the RFC 5280 §4.1.2.5.2 form `YYYYMMDDHHMMSSZ` (seconds, no fraction; what is below a
    /// second is dropped); nil outside the years 0000–9999.
    static func generalizedTime(_ time: UTCDateTime) -> [UInt8]? {
        guard (0...9999).contains(time.year) else { return nil }
        var bytes: [UInt8] = [Tag.generalizedTime, 15]
        bytes.reserveCapacity(17)
        func digits(_ value: Int, _ count: Int) {
            var divisor = 1
            for _ in 1..<count { divisor *= 10 }
            while divisor > 0 {
                bytes.append(UInt8(ascii: "0") + UInt8(value / divisor % 10))
                divisor /= 10
            }
        }
        digits(time.year, 4)
        for field in [time.month, time.day, time.hour, time.minute, time.second] { digits(field, 2) }
        bytes.append(UInt8(ascii: "Z"))
        return bytes
    }
}
