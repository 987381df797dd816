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

    /// A uniform draw below 8 × 10^7 from 32 random bits (Lemire's multiply-and-reject, no division in the
    /// common case).
    @inline(__always)
    mutating func drawBelow80Million() -> Int {
        let range: UInt64 = 80_000_000
        let threshold = UInt64((1 << 32) % range)
        while true {
            let product = (random.next() & 0xFFFF_FFFF) &* range
            if product & 0xFFFF_FFFF >= threshold { return Int(product >> 32) }
        }
    }

    /// The number as an integer; no allocation.
    @_specialize(exported: true, where Random == BufferedSystemRandom)
    public mutating func nextValue() -> Int {
        Verhoeff.flatD.withUnsafeBufferPointer { d in
            Verhoeff.flatP.withUnsafeBufferPointer { p in
                Verhoeff.inverse.withUnsafeBufferPointer { inverse in
                    withUnsafeTemporaryAllocation(of: Int.self, capacity: 9) { digits in
                        while true {
                            // 2xxxxxxx … 9xxxxxxx: 8 × 10^7 values.
                            var draw = drawBelow80Million() + 20_000_000
                            for index in stride(from: 7, through: 0, by: -1) {
                                digits[index] = draw % 10
                                draw /= 10
                            }
                            let prefix = UnsafeBufferPointer(rebasing: digits[0..<8])
                            // Most draws fail the neighbour rules already in their first eight digits: drop them
                            // before computing the check digit.
                            guard IdentificationNumberFilters.neighboursAccepted(prefix) else { continue }
                            digits[8] = Int(inverse[Verhoeff.checksum(prefix, firstPosition: 1, d: d, p: p)])
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
    @_specialize(exported: true, where Random == BufferedSystemRandom)
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
