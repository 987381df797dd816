/// The Unicode subtable of a font's `cmap` (TrueType reference, "'cmap' table"; ISO/IEC 14496-22 §5.2.1): format 12
/// (segmented coverage, any plane) when the font has one, else format 4 (segment mapping, the Basic Multilingual
/// Plane).
///
/// Lookups read the subtable in place, so a hostile font whose segments claim the whole of Unicode costs no memory.
struct FontCharacterMap: Sendable {
    private enum Subtable: Sendable {
        /// Format 4: `segmentCount` segments starting at `offset` (the subtable's start).
        case format4(offset: Int, segmentCount: Int)
        /// Format 12: sorted groups (start, end, first glyph).
        case format12(groups: [(start: UInt32, end: UInt32, glyph: UInt32)])
    }

    private let font: FontBytes
    private let subtable: Subtable
    private let glyphCount: Int

    init(_ font: FontBytes, table: FontTableDirectory.Record, glyphCount: Int) throws {
        self.font = font
        self.glyphCount = glyphCount
        let base = table.offset
        let count = Int(try font.uint16(base + 2))
        var format4: Int?
        var format12: Int?
        for index in 0..<count {
            let record = base + 4 + index * 8
            let platform = try font.uint16(record)
            let encoding = try font.uint16(record + 2)
            let offset = base + Int(try font.uint32(record + 4))
            try font.check(offset, 4, "cmap subtable")
            let format = try font.uint16(offset)
            // Platform 0 is Unicode; platform 3 (Windows) encoding 1 is the BMP, encoding 10 full Unicode.
            let unicode = platform == 0 || (platform == 3 && (encoding == 1 || encoding == 10))
            guard unicode else { continue }
            if format == 12, format12 == nil { format12 = offset }
            if format == 4, format4 == nil { format4 = offset }
        }
        if let offset = format12 {
            let groupCount = Int(try font.uint32(offset + 12))
            try font.check(offset + 16, groupCount * 12, "cmap format 12 groups")
            var groups: [(start: UInt32, end: UInt32, glyph: UInt32)] = []
            groups.reserveCapacity(groupCount)
            for index in 0..<groupCount {
                let group = offset + 16 + index * 12
                let start = try font.uint32(group)
                let end = try font.uint32(group + 4)
                guard start <= end, groups.last.map({ $0.end < start }) ?? true else {
                    throw FontError(.malformed, "cmap format 12 groups are not sorted and disjoint")
                }
                groups.append((start, end, try font.uint32(group + 8)))
            }
            subtable = .format12(groups: groups)
        } else if let offset = format4 {
            let segmentCount = Int(try font.uint16(offset + 6)) / 2
            // endCode, reservedPad, startCode, idDelta, idRangeOffset.
            try font.check(offset + 14, segmentCount * 8 + 2, "cmap format 4 segments")
            subtable = .format4(offset: offset, segmentCount: segmentCount)
        } else {
            throw FontError(.missingTable, "the font's cmap has no Unicode subtable of format 4 or 12")
        }
    }

    /// The glyph for `scalar`, or nil when the font has none (glyph 0, .notdef, counts as none).
    func glyph(for scalar: Unicode.Scalar) -> UInt16? {
        let code = scalar.value
        let glyph: UInt32?
        switch subtable {
        case .format12(let groups):
            glyph = Self.lookUp(code, in: groups)
        case .format4(let offset, let segmentCount):
            glyph = code > 0xFFFF ? nil : try? lookUpFormat4(UInt16(code), offset: offset, segmentCount: segmentCount)
        }
        guard let glyph, glyph != 0, glyph < UInt32(glyphCount) else { return nil }
        return UInt16(glyph)
    }

    private static func lookUp(_ code: UInt32, in groups: [(start: UInt32, end: UInt32, glyph: UInt32)]) -> UInt32? {
        var low = 0
        var high = groups.count - 1
        while low <= high {
            let middle = (low + high) / 2
            let group = groups[middle]
            if code < group.start {
                high = middle - 1
            } else if code > group.end {
                low = middle + 1
            } else {
                let (glyph, overflow) = group.glyph.addingReportingOverflow(code - group.start)
                return overflow ? nil : glyph
            }
        }
        return nil
    }

    /// Format 4 lookup: the first segment whose end is at least `code`; then either `code + idDelta` or, when
    /// idRangeOffset is set, the glyphIdArray entry it points at (plus idDelta), all modulo 65536.
    private func lookUpFormat4(_ code: UInt16, offset: Int, segmentCount: Int) throws -> UInt32? {
        let ends = offset + 14
        let starts = ends + segmentCount * 2 + 2
        let deltas = starts + segmentCount * 2
        let rangeOffsets = deltas + segmentCount * 2
        for segment in 0..<segmentCount {
            let end = try font.uint16(ends + segment * 2)
            guard end >= code else { continue }
            let start = try font.uint16(starts + segment * 2)
            guard start <= code else { return nil }
            let delta = try font.uint16(deltas + segment * 2)
            let rangeOffsetPosition = rangeOffsets + segment * 2
            let rangeOffset = try font.uint16(rangeOffsetPosition)
            if rangeOffset == 0 {
                return UInt32(code &+ delta)
            }
            let address = rangeOffsetPosition + Int(rangeOffset) + Int(code - start) * 2
            let glyph = try font.uint16(address)
            return glyph == 0 ? nil : UInt32(glyph &+ delta)
        }
        return nil
    }
}
