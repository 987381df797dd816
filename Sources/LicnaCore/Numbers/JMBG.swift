import LicnaBasics
/// The unique master citizen number (JMBG; EMBG in North Macedonia, EMŠO in Slovenia): 13 digits `DDMMYYYRRBBBK`.
///
/// It reveals birth date, region and sex, so Licna treats it as a secret: encrypted at rest, found through a
/// keyed hash, never logged, never in a certificate and never sent to a relying party. The rules (STANDARDS.md):
/// - `YYY` is the year without its thousands digit: 800–999 → 1800–1999, 000–799 → 2000–2799;
/// - `RR` is the region; 60–69 are unassigned and invalid, every other code is accepted;
/// - `BBB` 000–499 male, 500–999 female;
/// - `K = 11 − (7(a+g) + 6(b+h) + 5(c+i) + 4(d+j) + 3(e+k) + 2(f+l)) mod 11`, with `K = 0` when that is 10 or 11.
public struct JMBG: Hashable, Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The 13 digits.
    public let digits: String

    /// Validates `text` as of `today` (a birth date after today is invalid).
    public init(_ text: some StringProtocol, today: CivilDate) throws(JMBGInvalidity) {
        var bytes = Array(text.utf8)
        if let reason = bytes.withUnsafeMutableBufferPointer({ JMBG.invalidity(of: UnsafeBufferPointer($0), today: today.ordinal) }) {
            throw reason
        }
        self.digits = String(decoding: bytes, as: UTF8.self)
    }

    /// The birth date encoded in `DDMMYYY`.
    public var birthDate: CivilDate {
        let d = digitValues
        let yyy = d[4] * 100 + d[5] * 10 + d[6]
        // Validated at construction.
        return CivilDate(year: JMBG.year(fromThreeDigits: yyy), month: d[2] * 10 + d[3], day: d[0] * 10 + d[1])!
    }

    /// The two-digit region code `RR`.
    public var regionCode: Int { digitValues[7] * 10 + digitValues[8] }

    /// The region, with its name where known.
    public var region: JMBGRegion { JMBGRegion(code: regionCode) }

    /// The serial `BBB` within date, region and sex.
    public var serial: Int { let d = digitValues; return d[9] * 100 + d[10] * 10 + d[11] }

    /// The sex encoded by the serial.
    public var sex: Sex { serial < 500 ? .male : .female }

    private var digitValues: [Int] { digits.utf8.map { Int($0) - 48 } }

    /// Never prints the number itself: a JMBG must not reach a log by accident.
    public var description: String { "JMBG(redacted)" }
    public var debugDescription: String { description }

    // MARK: - The checks, on bytes

    private static let weights: [Int] = [7, 6, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2]

    /// Maps the three year digits to the full year (800–999 → 1800–1999, 000–799 → 2000–2799).
    @inlinable
    public static func year(fromThreeDigits yyy: Int) -> Int { yyy >= 800 ? 1000 + yyy : 2000 + yyy }

    /// The check digit for the first twelve digits, and whether the number may be assigned (`m` is not 10).
    public static func checkDigit(forFirstTwelve d: [Int]) -> (digit: Int, assignable: Bool) {
        var sum = 0
        for index in 0..<12 { sum += weights[index] * d[index] }
        let m = 11 - sum % 11
        return (m >= 10 ? 0 : m, m != 10)
    }

    /// Validates thirteen bytes without allocating; `today` is `YYYYMMDD`. Returns `nil` when valid.
    /// This is the hot path of `licna numbers validate`.
    public static func invalidity(of bytes: UnsafeBufferPointer<UInt8>, today: Int) -> JMBGInvalidity? {
        guard bytes.count == 13 else { return .length }
        var d = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        let ok: Bool = withUnsafeMutableBytes(of: &d) { raw in
            let values = raw.bindMemory(to: Int.self)
            for index in 0..<13 {
                let value = Int(bytes[index]) &- 48
                guard value >= 0, value <= 9 else { return false }
                values[index] = value
            }
            return true
        }
        guard ok else { return .nonDigit }
        let day = d.0 * 10 + d.1
        let month = d.2 * 10 + d.3
        let year = Self.year(fromThreeDigits: d.4 * 100 + d.5 * 10 + d.6)
        guard month >= 1, month <= 12, day >= 1, day <= CivilDate.daysIn(month: month, year: year) else { return .date }
        guard year * 10_000 + month * 100 + day <= today else { return .futureDate }
        guard d.7 != 6 else { return .region }
        let sum = 7 * (d.0 + d.6) + 6 * (d.1 + d.7) + 5 * (d.2 + d.8) + 4 * (d.3 + d.9) + 3 * (d.4 + d.10) + 2 * (d.5 + d.11)
        let m = 11 - sum % 11
        guard (m >= 10 ? 0 : m) == d.12 else { return .checkDigit }
        return nil
    }
}

extension JMBG: Codable {
    /// Encodes as the 13 digits. Only types that are entitled to the number (the registry's storage, an
    /// explicitly audited reveal) ever encode a `JMBG`.
    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(digits)
    }

    /// Decoding checks the form (length, digits, date, region, check digit) but not the future-date rule,
    /// which needs a clock.
    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do {
            self = try JMBG(text, today: CivilDate(year: 9999, month: 12, day: 31)!)
        } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "invalid JMBG: \(error.rawValue)")
        }
    }
}
