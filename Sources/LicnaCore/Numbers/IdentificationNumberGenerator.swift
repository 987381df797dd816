/// Draws identification numbers at random: eight random digits (the first 2–9), the Verhoeff check digit,
/// then the MOSIP filters on all nine; a draw that fails a filter is thrown away and drawn again.
///
/// The generator does not know which numbers were issued: uniqueness is the pool's job (a unique index on
/// every number ever drawn). Within one call of `generate(count:)` the numbers are distinct.
public struct IdentificationNumberGenerator<Random: RandomNumberGenerator> {
    public var random: Random

    public init(random: Random) { self.random = random }

    /// One number that passes every filter.
    public mutating func next() -> IdentificationNumber {
        IdentificationNumber(validatedValue: nextValue())
    }

    /// The number as an integer; no allocation.
    public mutating func nextValue() -> Int {
        var digits = (0, 0, 0, 0, 0, 0, 0, 0, 0)
        return withUnsafeMutableBytes(of: &digits) { raw in
            let d = raw.bindMemory(to: Int.self)
            while true {
                // 2xxxxxxx … 9xxxxxxx: 8 × 10^7 values.
                var draw = Int(random.next(upperBound: UInt32(80_000_000))) + 20_000_000
                for index in stride(from: 7, through: 0, by: -1) {
                    d[index] = draw % 10
                    draw /= 10
                }
                d[8] = Verhoeff.checkDigit(for: UnsafeBufferPointer(rebasing: d[0..<8]))
                if IdentificationNumberFilters.accepts(UnsafeBufferPointer(d)) {
                    var value = 0
                    for index in 0..<9 { value = value * 10 + d[index] }
                    return value
                }
            }
        }
    }

    /// `count` distinct numbers.
    public mutating func generate(count: Int) -> [IdentificationNumber] {
        var seen = Set<Int>(minimumCapacity: count)
        var result: [IdentificationNumber] = []
        result.reserveCapacity(count)
        while result.count < count {
            let value = nextValue()
            if seen.insert(value).inserted { result.append(IdentificationNumber(validatedValue: value)) }
        }
        return result
    }
}

extension IdentificationNumberGenerator where Random == BufferedSystemRandom {
    /// A generator drawing from the operating system's cryptographic random source.
    public init() { self.init(random: BufferedSystemRandom()) }
}
