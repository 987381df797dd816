/// An elementary file of the eMRTD application (ICAO 9303-10 §3.6, §4.6, Table 35): its file identifier and,
/// for data groups, the number and the tag of its outer TLV.
public struct EMRTDFile: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The short file identifier used by SELECT `00 A4 02 0C 02 <FID>`.
    public let fid: UInt16

    public init(fid: UInt16) {
        self.fid = fid
    }

    /// EF.COM, `011E` (tag `60`): LDS version and the list of data groups present.
    public static let com = EMRTDFile(fid: 0x011E)
    /// EF.SOD, `011D` (tag `77`): the document security object.
    public static let sod = EMRTDFile(fid: 0x011D)
    /// DG1 (TD1 MRZ), `0101`.
    public static let dg1 = dataGroup(1)
    /// DG2 (encoded face), `0102`.
    public static let dg2 = dataGroup(2)
    /// DG3 (fingerprints, EAC-protected), `0103`.
    public static let dg3 = dataGroup(3)

    /// Data group `number` (1–16): FID `01 0n`.
    public static func dataGroup(_ number: Int) -> EMRTDFile {
        EMRTDFile(fid: 0x0100 + UInt16(truncatingIfNeeded: number))
    }

    /// The data group number, or nil for EF.COM and EF.SOD.
    public var dataGroupNumber: Int? {
        (0x0101...0x0110).contains(fid) ? Int(fid - 0x0100) : nil
    }

    /// Data group tags in EF.COM's tag list `5C` (ICAO 9303-10 Table 34), index = number − 1.
    static let dataGroupTags: [UInt8] = [
        0x61, 0x75, 0x63, 0x76, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6A, 0x6B, 0x6C, 0x6D, 0x6E, 0x6F, 0x70,
    ]

    /// The data group number a tag of EF.COM's list names.
    public static func dataGroupNumber(forTag tag: UInt8) -> Int? {
        dataGroupTags.firstIndex(of: tag).map { $0 + 1 }
    }

    public var description: String {
        switch self {
        case .com: "EF.COM"
        case .sod: "EF.SOD"
        default: dataGroupNumber.map { "DG\($0)" } ?? "EF " + String(fid, radix: 16, uppercase: true)
        }
    }

    public static func < (lhs: EMRTDFile, rhs: EMRTDFile) -> Bool { lhs.fid < rhs.fid }
}
