/// The Verhoeff check digit (J. Verhoeff, 1969): detects every single-digit error and every transposition of
/// adjacent digits, using the dihedral group D5.
public enum Verhoeff {
    /// Multiplication in D5.
    static let d: [[UInt8]] = [
        [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 2, 3, 4, 0, 6, 7, 8, 9, 5], [2, 3, 4, 0, 1, 7, 8, 9, 5, 6],
        [3, 4, 0, 1, 2, 8, 9, 5, 6, 7], [4, 0, 1, 2, 3, 9, 5, 6, 7, 8], [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
        [6, 5, 9, 8, 7, 1, 0, 4, 3, 2], [7, 6, 5, 9, 8, 2, 1, 0, 4, 3], [8, 7, 6, 5, 9, 3, 2, 1, 0, 4],
        [9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
    ]
    /// The position permutation σ = (0 1 5 8 9 4 2 7)(3 6), applied `i mod 8` times: row `i` is σ^i.
    static let p: [[UInt8]] = {
        let sigma: [UInt8] = [1, 5, 7, 6, 2, 8, 3, 0, 9, 4]
        var rows: [[UInt8]] = [Array(0...9)]
        for _ in 1..<8 { rows.append(rows.last!.map { sigma[Int($0)] }) }
        return rows
    }()
    /// `d` and `p` flattened (`d[10 * a + b]`, `p[10 * i + digit]`), for the generator's hot loop.
    static let flatD: [UInt8] = d.flatMap { $0 }
    static let flatP: [UInt8] = p.flatMap { $0 }

    /// The Verhoeff fold over `digits` (most significant first), the rightmost digit at position `firstPosition`:
    /// 1 to compute a check digit (room for it at position 0), 0 to check a number that carries one. The tables are
    /// passed in as pointers, so the generator's hot loop pays no allocation and no lazy-global check.
    @inlinable
    static func checksum(_ digits: UnsafeBufferPointer<Int>, firstPosition: Int, d: UnsafeBufferPointer<UInt8>,
                         p: UnsafeBufferPointer<UInt8>) -> Int {
        var c = 0
        var position = firstPosition
        var index = digits.count - 1
        while index >= 0 {
            c = Int(d[10 * c + Int(p[10 * (position & 7) + digits[index]])])
            position += 1
            index -= 1
        }
        return c
    }

    static func checksum(_ digits: some Collection<Int>, firstPosition: Int) -> Int {
        Array(digits).withUnsafeBufferPointer { digits in
            flatD.withUnsafeBufferPointer { d in
                flatP.withUnsafeBufferPointer { p in checksum(digits, firstPosition: firstPosition, d: d, p: p) }
            }
        }
    }

    /// Inverses in D5.
    static let inverse: [UInt8] = [0, 4, 3, 2, 1, 5, 6, 7, 8, 9]

    /// The check digit to append to `digits` (most significant first).
    public static func checkDigit<C: BidirectionalCollection>(for digits: C) -> Int where C.Element == Int {
        Int(inverse[checksum(digits, firstPosition: 1)])
    }

    /// `true` when the last digit of `digits` is the check digit of the others.
    public static func isValid<C: BidirectionalCollection>(_ digits: C) -> Bool where C.Element == Int {
        checksum(digits, firstPosition: 0) == 0
    }
}
