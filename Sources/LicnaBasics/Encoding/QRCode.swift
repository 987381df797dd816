/// A QR Code symbol (ISO/IEC 18004:2015), Model 2, byte mode: what an authenticator app scans from the account page
/// (an `otpauth://` URI) and what a printed document's verification address will be drawn from.
///
/// The smallest version (1 to 40) that holds the bytes at the chosen error-correction level is used; the mask is the
/// one of the eight with the lowest penalty (§7.8.3). The symbol is a square of `size` × `size` modules, to be drawn
/// with a quiet zone of at least four modules (§6.3.8), as `svg` does.
public struct QRCode: Sendable, Equatable {
    /// How much of the symbol may be damaged and still read (§6.5.1): about 7, 15, 25 and 30 %.
    public enum ErrorCorrection: Int, Sendable, CaseIterable {
        case low, medium, quartile, high

        /// The two bits the format information carries (§7.9.1, Table 12).
        var formatBits: Int {
            switch self {
            case .low: 1
            case .medium: 0
            case .quartile: 3
            case .high: 2
            }
        }
    }

    public let version: Int
    public let errorCorrection: ErrorCorrection
    public let mask: Int
    /// Modules per side: 4 × version + 17.
    public var size: Int { version * 4 + 17 }
    /// Row-major, `true` for a dark module.
    private var modules: [Bool]

    /// Whether the module in column `x` and row `y` (from the top left) is dark.
    public func isDark(x: Int, y: Int) -> Bool {
        modules[y * size + x]
    }

    /// The symbol of `bytes` in byte mode, or nil when they do not fit in version 40 at this level.
    public init?(bytes: [UInt8], errorCorrection: ErrorCorrection = .medium) {
        guard let version = (1...40).first(where: { Self.fits(bytes.count, version: $0, errorCorrection) }) else { return nil }
        let codewords = Self.interleaved(Self.dataCodewords(bytes, version: version, errorCorrection), version: version, errorCorrection)
        var best: QRCode?
        var bestPenalty = Int.max
        for mask in 0..<8 {
            var symbol = QRCodeMatrix(version: version)
            symbol.drawFunctionPatterns()
            symbol.drawCodewords(codewords)
            symbol.applyMask(mask)
            symbol.drawFormatBits(errorCorrection.formatBits << 3 | mask)
            let penalty = symbol.penalty()
            if penalty < bestPenalty {
                bestPenalty = penalty
                best = QRCode(version: version, errorCorrection: errorCorrection, mask: mask, modules: symbol.dark)
            }
        }
        guard let best else { return nil }
        self = best
    }

    /// The symbol of `text`'s UTF-8 bytes.
    public init?(text: String, errorCorrection: ErrorCorrection = .medium) {
        self.init(bytes: Array(text.utf8), errorCorrection: errorCorrection)
    }

    private init(version: Int, errorCorrection: ErrorCorrection, mask: Int, modules: [Bool]) {
        self.version = version
        self.errorCorrection = errorCorrection
        self.mask = mask
        self.modules = modules
    }

    /// The symbol as an SVG image: one path of unit squares on a white square with `quietZone` modules of margin,
    /// `moduleSize` pixels per module, and `title` as its accessible name.
    public func svg(moduleSize: Int = 4, quietZone: Int = 4, title: String) -> String {
        let side = size + 2 * quietZone
        var path = ""
        for y in 0..<size {
            for x in 0..<size where isDark(x: x, y: y) {
                path += "M\(x + quietZone) \(y + quietZone)h1v1h-1z"
            }
        }
        let escaped = title.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
        return """
            <svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="\(escaped)" width="\(side * moduleSize)" height="\(side * moduleSize)" \
            viewBox="0 0 \(side) \(side)" shape-rendering="crispEdges"><title>\(escaped)</title>\
            <rect width="\(side)" height="\(side)" fill="#fff"/><path fill="#000" d="\(path)"/></svg>
            """
    }

    // MARK: Capacity and codewords (§7.4, §7.5)

    /// Error-correction codewords per block, by level and version (§7.5.1, Table 9).
    private static let eccPerBlock: [[Int]] = [
        [0, 7, 10, 15, 20, 26, 18, 20, 24, 30, 18, 20, 24, 26, 30, 22, 24, 28, 30, 28, 28, 28, 28, 30, 30, 26, 28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30],
        [0, 10, 16, 26, 18, 24, 16, 18, 22, 22, 26, 30, 22, 22, 24, 24, 28, 28, 26, 26, 26, 26, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28],
        [0, 13, 22, 18, 26, 18, 24, 18, 22, 20, 24, 28, 26, 24, 20, 30, 24, 28, 28, 26, 30, 28, 30, 30, 30, 30, 28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30],
        [0, 17, 28, 22, 16, 22, 28, 26, 26, 24, 28, 24, 28, 22, 24, 24, 30, 28, 28, 26, 28, 30, 24, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30],
    ]

    /// Error-correction blocks, by level and version (§7.5.1, Table 9).
    private static let blocks: [[Int]] = [
        [0, 1, 1, 1, 1, 1, 2, 2, 2, 2, 4, 4, 4, 4, 4, 6, 6, 6, 6, 7, 8, 8, 9, 9, 10, 12, 12, 12, 13, 14, 15, 16, 17, 18, 19, 19, 20, 21, 22, 24, 25],
        [0, 1, 1, 1, 2, 2, 4, 4, 4, 5, 5, 5, 8, 9, 9, 10, 10, 11, 13, 14, 16, 17, 17, 18, 20, 21, 23, 25, 26, 28, 29, 31, 33, 35, 37, 38, 40, 43, 45, 47, 49],
        [0, 1, 1, 2, 2, 4, 4, 6, 6, 8, 8, 8, 10, 12, 16, 12, 17, 16, 18, 21, 20, 23, 23, 25, 27, 29, 34, 34, 35, 38, 40, 43, 45, 48, 51, 53, 56, 59, 62, 65, 68],
        [0, 1, 1, 2, 4, 4, 4, 5, 6, 8, 8, 11, 11, 16, 16, 18, 16, 19, 21, 25, 25, 25, 34, 30, 32, 35, 37, 40, 42, 45, 48, 51, 54, 57, 60, 63, 66, 70, 74, 77, 81],
    ]

    /// Modules left for codewords once the function patterns and the format and version information are drawn
    /// (§7.1, Table 1).
    static func rawDataModules(_ version: Int) -> Int {
        var modules = (16 * version + 128) * version + 64
        if version >= 2 {
            let alignment = version / 7 + 2
            modules -= (25 * alignment - 10) * alignment - 55
            if version >= 7 { modules -= 36 }
        }
        return modules
    }

    static func dataCapacity(_ version: Int, _ level: ErrorCorrection) -> Int {
        rawDataModules(version) / 8 - eccPerBlock[level.rawValue][version] * blocks[level.rawValue][version]
    }

    /// Byte mode: a 4-bit mode, an 8-bit count up to version 9 and a 16-bit one after (§7.4.1, Table 3).
    private static func fits(_ count: Int, version: Int, _ level: ErrorCorrection) -> Bool {
        let countBits = version <= 9 ? 8 : 16
        return count < 1 << countBits && 4 + countBits + 8 * count <= dataCapacity(version, level) * 8
    }

    /// The data codewords: mode, count, bytes, terminator, padding to the byte, then 0xEC 0x11 alternately (§7.4.10).
    private static func dataCodewords(_ bytes: [UInt8], version: Int, _ level: ErrorCorrection) -> [UInt8] {
        var bits = BitBuffer()
        bits.append(0b0100, count: 4)
        bits.append(bytes.count, count: version <= 9 ? 8 : 16)
        for byte in bytes { bits.append(Int(byte), count: 8) }
        let capacity = dataCapacity(version, level) * 8
        bits.append(0, count: min(4, capacity - bits.count))
        bits.append(0, count: (8 - bits.count % 8) % 8)
        var codewords = bits.bytes
        var pad: UInt8 = 0xEC
        while codewords.count < capacity / 8 {
            codewords.append(pad)
            pad = pad == 0xEC ? 0x11 : 0xEC
        }
        return codewords
    }

    /// Splits the data into blocks, adds each block's Reed–Solomon codewords and interleaves them (§7.6): the data
    /// codewords column by column across the blocks (the shorter blocks first), then the error-correction ones.
    private static func interleaved(_ data: [UInt8], version: Int, _ level: ErrorCorrection) -> [UInt8] {
        let count = blocks[level.rawValue][version]
        let eccLength = eccPerBlock[level.rawValue][version]
        let raw = rawDataModules(version) / 8
        let shortBlocks = count - raw % count
        let shortLength = raw / count - eccLength
        let generator = ReedSolomon.generator(degree: eccLength)
        var dataBlocks: [[UInt8]] = []
        var eccBlocks: [[UInt8]] = []
        var start = 0
        for index in 0..<count {
            let length = shortLength + (index < shortBlocks ? 0 : 1)
            let block = Array(data[start..<start + length])
            start += length
            dataBlocks.append(block)
            eccBlocks.append(ReedSolomon.remainder(block, generator))
        }
        var result: [UInt8] = []
        result.reserveCapacity(raw)
        for column in 0...shortLength {
            for block in dataBlocks where column < block.count { result.append(block[column]) }
        }
        for column in 0..<eccLength {
            for block in eccBlocks { result.append(block[column]) }
        }
        return result
    }
}

/// Bits appended most significant first.
private struct BitBuffer {
    private(set) var bytes: [UInt8] = []
    private(set) var count = 0

    mutating func append(_ value: Int, count bits: Int) {
        for shift in stride(from: bits - 1, through: 0, by: -1) {
            if count % 8 == 0 { bytes.append(0) }
            if (value >> shift) & 1 == 1 { bytes[bytes.count - 1] |= 0x80 >> UInt8(count % 8) }
            count += 1
        }
    }
}

/// Reed–Solomon error correction over GF(2⁸) with the field's polynomial x⁸ + x⁴ + x³ + x² + 1 (0x11D) and
/// generator roots α⁰ … α^(n−1) (§7.5.2).
enum ReedSolomon {
    static func multiply(_ a: UInt8, _ b: UInt8) -> UInt8 {
        var product = 0
        var a = Int(a)
        var b = Int(b)
        while b > 0 {
            if b & 1 == 1 { product ^= a }
            a <<= 1
            if a & 0x100 != 0 { a ^= 0x11D }
            b >>= 1
        }
        return UInt8(product)
    }

    /// The generator polynomial's coefficients after the leading 1, highest degree first.
    static func generator(degree: Int) -> [UInt8] {
        var coefficients = [UInt8](repeating: 0, count: degree)
        coefficients[degree - 1] = 1
        var root: UInt8 = 1
        for _ in 0..<degree {
            for index in 0..<degree {
                coefficients[index] = multiply(coefficients[index], root)
                if index + 1 < degree { coefficients[index] ^= coefficients[index + 1] }
            }
            root = multiply(root, 2)
        }
        return coefficients
    }

    /// The remainder of the data (times x^degree) divided by the generator: the error-correction codewords.
    static func remainder(_ data: [UInt8], _ generator: [UInt8]) -> [UInt8] {
        var remainder = [UInt8](repeating: 0, count: generator.count)
        for byte in data {
            let factor = byte ^ remainder[0]
            remainder.removeFirst()
            remainder.append(0)
            for index in generator.indices { remainder[index] ^= multiply(generator[index], factor) }
        }
        return remainder
    }
}
