import LicnaBasics
/// Proposes JMBGs for a new birth: for a date, region and sex, the serials in increasing order, skipping every
/// number whose `m` is 10 (sources disagree whether such a number is valid, so Licna never assigns one).
///
/// The caller takes the first candidate that is not yet registered ("the next free serial"); a unique index on
/// the stored number settles races between two registrations.
public struct JMBGAllocator: Sendable {
    public init() {}

    /// An allocation that cannot be made.
    public struct Failure: LicnaError, Hashable {
        public let code: ErrorCode
        public let category: ErrorCategory
        public let messageKey: String
        /// Every serial for that date, region and sex is taken (or unassignable).
        public static let exhausted = Failure(code: ErrorCode("jmbg-range-exhausted"), category: .conflict,
                                              messageKey: "error.registry.jmbg-exhausted")
        /// The region code is unassigned (60–69) or not two digits.
        public static let region = Failure(code: ErrorCode("jmbg-allocation-region"), category: .invalidInput,
                                           messageKey: "error.registry.invalid-registration")
        /// The birth date lies outside the years a JMBG can encode (1800–2799).
        public static let date = Failure(code: ErrorCode("jmbg-allocation-date"), category: .invalidInput,
                                         messageKey: "error.registry.invalid-registration")
        /// Every failure.
        public static let all: [Failure] = [exhausted, region, date]
    }

    /// The candidate numbers, in the order they should be tried.
    public func candidates(birthDate: CivilDate, regionCode: Int, sex: Sex) throws(Failure) -> [JMBG] {
        guard (0...99).contains(regionCode), JMBGRegion(code: regionCode).isAssigned else { throw .region }
        guard (1800...2799).contains(birthDate.year) else { throw .date }
        let yyy = birthDate.year % 1000
        var prefix = [birthDate.day / 10, birthDate.day % 10, birthDate.month / 10, birthDate.month % 10,
                      yyy / 100, yyy / 10 % 10, yyy % 10, regionCode / 10, regionCode % 10]
        var result: [JMBG] = []
        result.reserveCapacity(sex.jmbgSerials.count)
        for serial in sex.jmbgSerials {
            prefix.removeSubrange(9...)
            prefix += [serial / 100, serial / 10 % 10, serial % 10]
            let check = JMBG.checkDigit(forFirstTwelve: prefix)
            guard check.assignable else { continue }
            let text = String(decoding: (prefix + [check.digit]).map { UInt8($0 + 48) }, as: UTF8.self)
            // The digits are built to be valid; the date was checked above, so only "future" could fail,
            // and allocation for a future date is allowed by passing the birth date as today.
            if let jmbg = try? JMBG(text, today: birthDate) { result.append(jmbg) }
        }
        if result.isEmpty { throw .exhausted }
        return result
    }
}
