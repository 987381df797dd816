/// The table directory at the start of a TrueType file (TrueType reference, "The font directory"; ISO/IEC 14496-22
/// §5.1.2 "Table directory"): the sfnt version, then one 16-byte record per table with its tag, checksum, offset and
/// length.
struct FontTableDirectory: Sendable {
    /// Where a table lies in the file.
    struct Record: Sendable, Hashable {
        let tag: String
        let checksum: UInt32
        let offset: Int
        let length: Int
    }

    let records: [String: Record]

    /// Reads the directory; throws when the file is not a TrueType-outline font or a record points outside it.
    init(_ font: FontBytes) throws {
        let version = try font.uint32(0)
        switch version {
        case 0x0001_0000, 0x7472_7565:  // 1.0, or Apple's 'true'
            break
        case 0x4F54_544F:  // 'OTTO'
            throw FontError(.unsupported, "the font has CFF (PostScript) outlines; a TrueType (glyf) font is needed")
        case 0x7474_6366:  // 'ttcf'
            throw FontError(.unsupported, "the file is a font collection (.ttc); give a single .ttf font")
        default:
            throw FontError(.malformed, "not a TrueType font (sfnt version 0x\(String(version, radix: 16)))")
        }
        let tableCount = Int(try font.uint16(4))
        var records: [String: Record] = [:]
        for index in 0..<tableCount {
            let base = 12 + index * 16
            let tagBytes = try font.slice(base, 4)
            let tag = String(decoding: tagBytes, as: UTF8.self)
            let record = Record(
                tag: tag,
                checksum: try font.uint32(base + 4),
                offset: Int(try font.uint32(base + 8)),
                length: Int(try font.uint32(base + 12))
            )
            try font.check(record.offset, record.length, "table '\(tag)'")
            records[tag] = record
        }
        self.records = records
    }

    /// The record of a table the font must have.
    func required(_ tag: String) throws -> Record {
        guard let record = records[tag] else {
            throw FontError(.missingTable, "the font has no '\(tag)' table")
        }
        return record
    }
}
