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
        return Verhoeff.flatD.withUnsafeBufferPointer { d in
            Verhoeff.flatP.withUnsafeBufferPointer { p in
                Verhoeff.inverse.withUnsafeBufferPointer { inverse in
                    withUnsafeMutableBytes(of: &digits) { raw in
                        let digits = raw.bindMemory(to: Int.self)
                        while true {
                            // 2xxxxxxx … 9xxxxxxx: 8 × 10^7 values.
                            var draw = Int(random.next(upperBound: UInt32(80_000_000))) + 20_000_000
                            for index in stride(from: 7, through: 0, by: -1) {
                                digits[index] = draw % 10
                                draw /= 10
                            }
                            let prefix = UnsafeBufferPointer(rebasing: digits[0..<8])
                            // Most draws fail the neighbour rules already in their first eight digits: drop them
                            // before computing the check digit.
                            guard IdentificationNumberFilters.neighboursAccepted(prefix) else { continue }
                            digits[8] = Verhoeff.checkDigit(of: prefix, d: d, p: p, inverse: inverse)
                            if IdentificationNumberFilters.accepts(UnsafeBufferPointer(digits)) {
                                var value = 0
                                for index in 0..<9 { value = value * 10 + digits[index] }
                                return value
                            }
                        }
                    }
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
