import LicnaBasics
import Testing
@testable import LicnaCore

@Suite struct JMBGTests {
    let today = CivilDate(year: 2026, month: 11, day: 29)!

    func reason(_ text: String) -> String? {
        do { _ = try JMBG(text, today: today); return nil } catch { return error.rawValue }
    }

    @Test func publishedVectors() throws {
        #expect(reason("0101006500006") == nil)
        #expect(reason("0101006500007") == "check-digit")
    }

    @Test(arguments: [
        ("010100650000", "length"), ("01010065000066", "length"), ("", "length"),
        ("01010065000a6", "non-digit"), ("0101006 00006", "non-digit"), ("０101006500006", "length"),
        ("3202990210007", "date"), ("0013990210007", "date"), ("0100990210007", "date"),
        ("2902001210006", "date"),
        ("0101027210004", "future-date"), ("3011026210003", "future-date"),
        ("0101990650003", "region"), ("0101990690007", "region"),
    ])
    func reasonCodes(number: String, expected: String) {
        #expect(reason(number) == expected, "\(number)")
    }

    @Test func checkDigitOfGoodNumbersThenBroken() throws {
        // A number built by the allocator is valid; every other final digit is a check-digit failure.
        let date = CivilDate(year: 1990, month: 1, day: 1)!
        let jmbg = try JMBGAllocator().candidates(birthDate: date, regionCode: 21, sex: .male).first!
        #expect(reason(jmbg.digits) == nil)
        let last = Int(String(jmbg.digits.last!))!
        for digit in 0...9 where digit != last {
            #expect(reason(String(jmbg.digits.dropLast()) + String(digit)) == "check-digit")
        }
    }

    @Test func leapDays() throws {
        // 29 February exists in 2000 and 1996 but not in 1900 or 2001.
        let cases: [(String, Bool)] = [("2902000", true), ("2902996", true), ("2902900", false), ("2902001", false)]
        for (prefix, exists) in cases {
            let date = CivilDate(year: JMBG.year(fromThreeDigits: Int(prefix.suffix(3))!), month: 2, day: 29)
            #expect((date != nil) == exists, "\(prefix)")
            if let date {
                let jmbg = try JMBGAllocator().candidates(birthDate: date, regionCode: 26, sex: .female).first!
                #expect(jmbg.birthDate == date)
                #expect(reason(jmbg.digits) == nil)
            } else {
                #expect(reason(prefix + "260005") == "date")
            }
        }
    }

    @Test func yearsOfTwoCenturies() throws {
        let old = try JMBG("0101899500009", today: today)
        #expect(old.birthDate == CivilDate(year: 1899, month: 1, day: 1))
        let new = try JMBG("0101006500006", today: today)
        #expect(new.birthDate == CivilDate(year: 2006, month: 1, day: 1))
        #expect(JMBG.year(fromThreeDigits: 800) == 1800)
        #expect(JMBG.year(fromThreeDigits: 999) == 1999)
        #expect(JMBG.year(fromThreeDigits: 0) == 2000)
        #expect(JMBG.year(fromThreeDigits: 799) == 2799)
    }

    @Test func decodes() throws {
        let jmbg = try JMBG("0101006500006", today: today)
        #expect(jmbg.regionCode == 50)
        #expect(jmbg.region.area == "Slovenia")
        #expect(jmbg.sex == .male)
        #expect(jmbg.serial == 0)
        let podgorica = try JMBGAllocator().candidates(birthDate: CivilDate(year: 1985, month: 6, day: 15)!, regionCode: 21, sex: .female).first!
        #expect(podgorica.region.place == "Podgorica")
        #expect(podgorica.sex == .female)
        #expect(podgorica.serial == 500)
        #expect("\(podgorica)" == "JMBG(redacted)")
    }

    @Test func allocatorSkipsUnassignableAndIsOrdered() throws {
        let candidates = try JMBGAllocator().candidates(birthDate: CivilDate(year: 2024, month: 3, day: 7)!, regionCode: 21, sex: .male)
        #expect(candidates.count < 500 && candidates.count > 400)
        let serials = candidates.map(\.serial)
        #expect(serials == serials.sorted())
        for candidate in candidates {
            let digits = candidate.digits.utf8.map { Int($0) - 48 }
            #expect(JMBG.checkDigit(forFirstTwelve: digits).assignable)
        }
        #expect(throws: JMBGAllocator.Failure.region) {
            try JMBGAllocator().candidates(birthDate: CivilDate(year: 2024, month: 3, day: 7)!, regionCode: 63, sex: .male)
        }
    }

    /// Generative: the byte validator and a straightforward re-implementation agree on random input.
    @Test func agreesWithReferenceImplementation() {
        var random = SeededRandom(seed: 42)
        for _ in 0..<50_000 {
            let length = random.next() % 20 == 0 ? Int(random.next() % 15) : 13
            let text = String((0..<length).map { _ in
                random.next() % 50 == 0 ? "x" : Character(String(random.next() % 10))
            })
            #expect(reason(text) == reference(text), "\(text)")
        }
    }

    func reference(_ text: String) -> String? {
        guard text.count == 13 else { return "length" }
        let d = text.compactMap { $0.wholeNumberValue }
        guard d.count == 13, text.allSatisfy({ $0.isASCII && $0.isNumber }) else { return "non-digit" }
        let yyy = d[4] * 100 + d[5] * 10 + d[6]
        guard let date = CivilDate(year: yyy >= 800 ? 1000 + yyy : 2000 + yyy, month: d[2] * 10 + d[3], day: d[0] * 10 + d[1]) else { return "date" }
        guard date <= today else { return "future-date" }
        guard d[7] != 6 else { return "region" }
        let weights = [7, 6, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2]
        let sum = zip(weights, d).map(*).reduce(0, +)
        let check = (11 - sum % 11) % 11 % 10
        return check == d[12] ? nil : "check-digit"
    }
}

/// SplitMix64: a seeded generator so that generative tests are reproducible.
struct SeededRandom: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
