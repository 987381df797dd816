/// The module grid of a QR Code symbol while it is built (ISO/IEC 18004:2015 §7.7–7.10): function patterns, the
/// codewords in their zigzag, a data mask, and the format and version information.
struct QRCodeMatrix {
    let version: Int
    let size: Int
    /// Row-major, `true` for dark.
    private(set) var dark: [Bool]
    /// Modules that belong to function patterns (never masked, never data).
    private var function: [Bool]

    init(version: Int) {
        self.version = version
        size = version * 4 + 17
        dark = Array(repeating: false, count: size * size)
        function = Array(repeating: false, count: size * size)
    }

    private mutating func set(_ x: Int, _ y: Int, _ isDark: Bool) {
        dark[y * size + x] = isDark
        function[y * size + x] = true
    }

    private func at(_ x: Int, _ y: Int) -> Bool { dark[y * size + x] }

    // MARK: Function patterns (§6.3)

    mutating func drawFunctionPatterns() {
        // Timing patterns (§6.3.5): row and column 6, dark on even positions.
        for index in 0..<size {
            set(6, index, index % 2 == 0)
            set(index, 6, index % 2 == 0)
        }
        // Finder patterns with their light separators (§6.3.3, §6.3.4), centred 3 modules in from three corners.
        for (x, y) in [(3, 3), (size - 4, 3), (3, size - 4)] { drawFinder(x, y) }
        // Alignment patterns (§6.3.6, Annex E) on the grid of `alignmentPositions`, except where a finder is.
        let positions = alignmentPositions
        for (row, y) in positions.enumerated() {
            for (column, x) in positions.enumerated() {
                let last = positions.count - 1
                if (row == 0 && column == 0) || (row == 0 && column == last) || (row == last && column == 0) { continue }
                for dy in -2...2 {
                    for dx in -2...2 { set(x + dx, y + dy, max(abs(dx), abs(dy)) != 1) }
                }
            }
        }
        // Reserve the format information's modules (drawn again with the chosen mask) and draw the version's.
        drawFormatBits(0)
        drawVersion()
    }

    private mutating func drawFinder(_ centreX: Int, _ centreY: Int) {
        for dy in -4...4 {
            for dx in -4...4 {
                let x = centreX + dx, y = centreY + dy
                guard (0..<size).contains(x), (0..<size).contains(y) else { continue }
                let distance = max(abs(dx), abs(dy))
                set(x, y, distance != 2 && distance != 4)
            }
        }
    }

    /// The centres' coordinates (Annex E, Table E.1): 6, then evenly spaced up to size − 7 (version 32's step is
    /// the one exception to the even rounding).
    var alignmentPositions: [Int] {
        guard version > 1 else { return [] }
        let count = version / 7 + 2
        let step = version == 32 ? 26 : (version * 4 + 4 + count * 2 - 3) / (count * 2 - 2) * 2
        var positions = [6]
        for index in 0..<(count - 1) { positions.insert(size - 7 - index * step, at: 1) }
        return positions
    }

    /// Version information (§7.10): the version in 6 bits and a BCH(18,6) remainder, from version 7 on, in two
    /// 6 × 3 blocks beside the top-right and bottom-left finders.
    private mutating func drawVersion() {
        guard version >= 7 else { return }
        var remainder = version
        for _ in 0..<12 { remainder = (remainder << 1) ^ ((remainder >> 11) * 0x1F25) }
        let bits = version << 12 | remainder
        for index in 0..<18 {
            let bit = (bits >> index) & 1 == 1
            let a = size - 11 + index % 3, b = index / 3
            set(a, b, bit)
            set(b, a, bit)
        }
    }

    /// Format information (§7.9): the level's two bits and the mask's three, a BCH(15,5) remainder, XORed with
    /// 101010000010010; one copy around the top-left finder, the other split between the two other finders; and the
    /// dark module beside the bottom-left finder.
    mutating func drawFormatBits(_ data: Int) {
        var remainder = data
        for _ in 0..<10 { remainder = (remainder << 1) ^ ((remainder >> 9) * 0x537) }
        let bits = (data << 10 | remainder) ^ 0x5412
        func bit(_ index: Int) -> Bool { (bits >> index) & 1 == 1 }
        for index in 0...5 { set(8, index, bit(index)) }
        set(8, 7, bit(6))
        set(8, 8, bit(7))
        set(7, 8, bit(8))
        for index in 9..<15 { set(14 - index, 8, bit(index)) }
        for index in 0..<8 { set(size - 1 - index, 8, bit(index)) }
        for index in 8..<15 { set(8, size - 15 + index, bit(index)) }
        set(8, size - 8, true)
    }

    // MARK: Codewords and masks (§7.7.3, §7.8)

    /// Places the codewords' bits, most significant first, in two-module columns from the bottom right, upwards
    /// then downwards, skipping the vertical timing pattern; modules left over stay light.
    mutating func drawCodewords(_ codewords: [UInt8]) {
        var bitIndex = 0
        var right = size - 1
        while right >= 1 {
            if right == 6 { right = 5 }
            let upward = (right + 1) & 2 == 0
            for step in 0..<size {
                let y = upward ? size - 1 - step : step
                for x in [right, right - 1] where !function[y * size + x] && bitIndex < codewords.count * 8 {
                    dark[y * size + x] = (codewords[bitIndex >> 3] >> (7 - UInt8(bitIndex & 7))) & 1 == 1
                    bitIndex += 1
                }
            }
            right -= 2
        }
    }

    /// Inverts the data modules where mask `mask`'s condition holds (§7.8.2, Table 10; `x` is the column, `y` the row).
    mutating func applyMask(_ mask: Int) {
        for y in 0..<size {
            for x in 0..<size where !function[y * size + x] {
                let invert = switch mask {
                case 0: (x + y) % 2 == 0
                case 1: y % 2 == 0
                case 2: x % 3 == 0
                case 3: (x + y) % 3 == 0
                case 4: (x / 3 + y / 2) % 2 == 0
                case 5: x * y % 2 + x * y % 3 == 0
                case 6: (x * y % 2 + x * y % 3) % 2 == 0
                default: ((x + y) % 2 + x * y % 3) % 2 == 0
                }
                if invert { dark[y * size + x].toggle() }
            }
        }
    }

    /// The penalty of §7.8.3 (Table 11): runs of five or more alike (N1 = 3, plus one per module beyond five), 2 × 2
    /// blocks alike (N2 = 3), finder-like 1:1:3:1:1 patterns with four light modules on one side (N3 = 40), and the
    /// dark share's distance from half in steps of 5 % (N4 = 10).
    func penalty() -> Int {
        var penalty = 0
        let finderLike: [[Bool]] = [
            [true, false, true, true, true, false, true, false, false, false, false],
            [false, false, false, false, true, false, true, true, true, false, true],
        ]
        for horizontal in [true, false] {
            for line in 0..<size {
                let cells = (0..<size).map { horizontal ? at($0, line) : at(line, $0) }
                var run = 1
                for index in 1..<size {
                    if cells[index] == cells[index - 1] {
                        run += 1
                    } else {
                        if run >= 5 { penalty += run - 2 }
                        run = 1
                    }
                }
                if run >= 5 { penalty += run - 2 }
                if size >= 11 {
                    for start in 0...(size - 11) where finderLike.contains(where: { $0.elementsEqual(cells[start..<start + 11]) }) {
                        penalty += 40
                    }
                }
            }
        }
        for y in 0..<(size - 1) {
            for x in 0..<(size - 1) {
                let colour = at(x, y)
                if at(x + 1, y) == colour, at(x, y + 1) == colour, at(x + 1, y + 1) == colour { penalty += 3 }
            }
        }
        let darkCount = dark.filter { $0 }.count
        penalty += abs(darkCount * 100 / dark.count - 50) / 5 * 10
        return penalty
    }
}
