import Testing
@testable import LicnaCore

@Suite struct IdentificationNumberTests {
    @Test func verhoeffKnownVectors() {
        // Published example: 236 → check digit 3; 2363 is valid.
        #expect(Verhoeff.checkDigit(for: [2, 3, 6]) == 3)
        #expect(Verhoeff.isValid([2, 3, 6, 3]))
        #expect(!Verhoeff.isValid([2, 3, 6, 4]))
        #expect(Verhoeff.checkDigit(for: [1, 2, 3, 4, 5]) == 1)
        // Computed with python-stdnum's verhoeff module.
        #expect(Verhoeff.checkDigit(for: [8, 5, 3, 7, 1, 4, 6, 2]) == 3)
        #expect(Verhoeff.checkDigit(for: [7, 8, 3, 1, 7, 0, 1, 6]) == 8)
        #expect(Verhoeff.p[4] == [9, 4, 5, 3, 1, 2, 6, 8, 7, 0])
        #expect(Verhoeff.p[7] == [7, 0, 4, 6, 9, 1, 3, 2, 5, 8])
    }

    @Test func verhoeffCatchesSingleErrorsAndTranspositions() throws {
        var random = SeededRandom(seed: 7)
        var generator = IdentificationNumberGenerator(random: random)
        for _ in 0..<500 {
            let number = generator.next()
            let digits = number.digits.utf8.map { Int($0) - 48 }
            for position in 0..<9 {
                for replacement in 0...9 where replacement != digits[position] {
                    var changed = digits
                    changed[position] = replacement
                    #expect(!Verhoeff.isValid(changed))
                }
                if position < 8, digits[position] != digits[position + 1] {
                    var swapped = digits
                    swapped.swapAt(position, position + 1)
                    #expect(!Verhoeff.isValid(swapped))
                }
            }
        }
        _ = random.next()
    }

    @Test(arguments: ["123456789", "012345678", "223456789", "212121212", "248248248", "245798245", "314285706"])
    func filtersReject(number: String) {
        #expect(!IdentificationNumberFilters.accepts(number))
    }

    @Test func filterRules() {
        #expect(!IdentificationNumberFilters.accepts("198273645")) // starts with 1
        #expect(!IdentificationNumberFilters.accepts("285714293")) // a rotation of the cyclic number 142857
        #expect(!IdentificationNumberFilters.accepts("249304935")) // the block 49 twice
        #expect(!IdentificationNumberFilters.accepts("293457502")) // 345 ascending
        #expect(!IdentificationNumberFilters.accepts("298765302")) // 987 descending
        #expect(!IdentificationNumberFilters.accepts("293943025")) // 3 again two positions later
        #expect(!IdentificationNumberFilters.accepts("293829382")) // first five digits are the last five
        #expect(IdentificationNumberFilters.accepts("293847502"))
    }

    /// The acceptance property: 1,000,000 numbers, distinct, 9 digits, valid Verhoeff digit, every filter holds.
    @Test func millionNumbersHoldEveryProperty() throws {
        var generator = IdentificationNumberGenerator()
        let numbers = generator.generate(count: 1_000_000)
        #expect(numbers.count == 1_000_000)
        #expect(Set(numbers).count == 1_000_000)
        var failures = 0
        for number in numbers {
            let digits = number.digits.utf8.map { Int($0) - 48 }
            if digits.count != 9 || !Verhoeff.isValid(digits) || !independentFilters(digits) { failures += 1 }
        }
        #expect(failures == 0)
    }

    /// The filters restated independently of the production code, as they read in STANDARDS.md.
    func independentFilters(_ d: [Int]) -> Bool {
        let s = d.map(String.init).joined()
        if d[0] == 0 || d[0] == 1 { return false }
        for i in 0..<(d.count - 2) where (d[i + 1] - d[i] == 1 && d[i + 2] - d[i + 1] == 1) || (d[i] - d[i + 1] == 1 && d[i + 1] - d[i + 2] == 1) { return false }
        for i in 0..<(d.count - 1) { for j in (i + 1)...min(i + 2, d.count - 1) where d[i] == d[j] { return false } }
        var blocks = Set<String>()
        for i in 0..<(d.count - 1) {
            let block = String(s.dropFirst(i).prefix(2))
            if blocks.contains(block) { return false }
            if i >= 1 { blocks.insert(String(s.dropFirst(i - 1).prefix(2))) }
        }
        let first = String(s.prefix(5)), last = String(s.suffix(5))
        if first == last || first == String(last.reversed()) { return false }
        let rotations = (0..<6).map { k in String(("142857" + "142857").dropFirst(k).prefix(6)) }
        if rotations.contains(where: { s.contains($0) }) { return false }
        return true
    }

    @Test func parsing() throws {
        var generator = IdentificationNumberGenerator()
        let number = generator.next()
        #expect(try IdentificationNumber(number.digits) == number)
        #expect(throws: IdentificationNumber.Invalidity.length) { try IdentificationNumber("12345678") }
        #expect(throws: IdentificationNumber.Invalidity.nonDigit) { try IdentificationNumber("12345678x") }
        let wrong = String(number.digits.dropLast()) + String((Int(String(number.digits.last!))! + 1) % 10)
        #expect(throws: IdentificationNumber.Invalidity.checkDigit) { try IdentificationNumber(wrong) }
    }
}
