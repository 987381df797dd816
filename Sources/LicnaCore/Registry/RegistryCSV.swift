import Foundation
import LicnaBasics

/// The registry's CSV exchange format (README, "Registry CSV"): one person per record, UTF-8, this header:
///
/// `jmbg,identification_number,given_name,surname,given_name_cyrillic,surname_cyrillic,birth_date,birth_place,sex,citizenship,address,municipality,status,death_date`
///
/// `identification_number` may be empty on import (one is allocated); `birth_date` and `sex` must agree with
/// the JMBG; `status` is `living` or `deceased`; `death_date` is required exactly when deceased.
public enum RegistryCSV {
    public static let header = [
        "jmbg", "identification_number", "given_name", "surname", "given_name_cyrillic", "surname_cyrillic",
        "birth_date", "birth_place", "sex", "citizenship", "address", "municipality", "status", "death_date",
    ]

    /// A row that cannot be imported, with a stable reason code (`jmbg-check-digit`, `birth-date-mismatch`…) that
    /// import reports print, and a message `error.import.<code>`.
    public struct RowError: LicnaError, Hashable {
        public let line: Int
        public let code: ErrorCode
        public init(line: Int, code: ErrorCode) { self.line = line; self.code = code }
        /// The stable reason code.
        public var reason: String { code.rawValue }
        public var category: ErrorCategory { .invalidInput }
        public var messageKey: String { "error.import." + code.rawValue }
        public var arguments: [String: String] { ["line": String(line)] }
        public var description: String { "line \(line): \(reason)" }

        /// Every code a `RowError` carries.
        public static let allCodes: [ErrorCode] = [
            .importColumnCount, .importGivenNameMissing, .importSurnameMissing, .importBirthDateFormat,
            .importBirthDateMismatch, .importSexFormat, .importSexMismatch, .importCitizenshipFormat,
            .importMunicipalityMissing, .importStatusFormat, .importDeathDateFormat, .deathDateRange,
            .importDeathDateStatus, .importDuplicateInFile, .importIdentificationNumberTaken,
            .importIdentificationNumberDuplicateInFile,
        ] + JMBGInvalidity.all.map(ErrorCode.jmbg) + IdentificationNumber.Invalidity.all.map(ErrorCode.identificationNumber)
    }

    /// Checks the header line: the same columns in the same order.
    public static func checkHeader(_ fields: [String]) -> String? {
        let cleaned = fields.map { $0.trimmingBOM() }
        return cleaned == header ? nil : "header: expected \(header.joined(separator: ","))"
    }

    /// Parses one record as of `today`.
    public static func person(from fields: [String], line: Int, today: CivilDate) throws(RowError) -> PersonRecord {
        guard fields.count == header.count else { throw RowError(line: line, code: .importColumnCount) }
        func text(_ index: Int) -> String { fields[index].trimmingSpaces() }
        func optional(_ index: Int) -> String? { let t = text(index); return t.isEmpty ? nil : t }
        let jmbg: JMBG
        do { jmbg = try JMBG(text(0), today: today) } catch { throw RowError(line: line, code: .jmbg(error)) }
        var identificationNumber: IdentificationNumber?
        if let raw = optional(1) {
            do { identificationNumber = try IdentificationNumber(raw) } catch {
                throw RowError(line: line, code: .identificationNumber(error))
            }
        }
        guard let givenName = optional(2) else { throw RowError(line: line, code: .importGivenNameMissing) }
        guard let surname = optional(3) else { throw RowError(line: line, code: .importSurnameMissing) }
        guard let birthDate = CivilDate(iso8601: text(6)) else { throw RowError(line: line, code: .importBirthDateFormat) }
        guard birthDate == jmbg.birthDate else { throw RowError(line: line, code: .importBirthDateMismatch) }
        guard let sex = Sex(rawValue: text(8)) else { throw RowError(line: line, code: .importSexFormat) }
        guard sex == jmbg.sex else { throw RowError(line: line, code: .importSexMismatch) }
        let citizenship = text(9).uppercased()
        guard citizenship.utf8.count == 2, citizenship.utf8.allSatisfy({ (65...90).contains($0) }) else {
            throw RowError(line: line, code: .importCitizenshipFormat)
        }
        guard let municipality = optional(11) else { throw RowError(line: line, code: .importMunicipalityMissing) }
        guard let status = PersonStatus(rawValue: text(12).isEmpty ? "living" : text(12)) else {
            throw RowError(line: line, code: .importStatusFormat)
        }
        var deathDate: CivilDate?
        if let raw = optional(13) {
            guard let date = CivilDate(iso8601: raw) else { throw RowError(line: line, code: .importDeathDateFormat) }
            guard date >= birthDate, date <= today else { throw RowError(line: line, code: .deathDateRange) }
            deathDate = date
        }
        guard (status == .deceased) == (deathDate != nil) else { throw RowError(line: line, code: .importDeathDateStatus) }
        return PersonRecord(jmbg: jmbg, identificationNumber: identificationNumber, givenName: givenName,
                            surname: surname, givenNameCyrillic: optional(4), surnameCyrillic: optional(5),
                            birthDate: birthDate, birthPlace: text(7), sex: sex, citizenship: citizenship,
                            address: text(10), municipality: municipality, status: status, deathDate: deathDate)
    }

    /// The record's fields in header order.
    public static func fields(of person: PersonRecord) -> [String] {
        [person.jmbg.digits, person.identificationNumber?.digits ?? "", person.givenName, person.surname,
         person.givenNameCyrillic ?? "", person.surnameCyrillic ?? "", person.birthDate.iso8601, person.birthPlace,
         person.sex.rawValue, person.citizenship, person.address, person.municipality, person.status.rawValue,
         person.deathDate?.iso8601 ?? ""]
    }
}

extension String {
    func trimmingSpaces() -> String {
        var slice = Substring(self)
        while let first = slice.first, first == " " || first == "\t" { slice.removeFirst() }
        while let last = slice.last, last == " " || last == "\t" { slice.removeLast() }
        return String(slice)
    }

    func trimmingBOM() -> String { hasPrefix("\u{FEFF}") ? String(dropFirst()) : self }
}

extension ErrorCode {
    /// The record does not have the header's 14 fields.
    public static let importColumnCount = ErrorCode("column-count")
    /// `given_name` is empty.
    public static let importGivenNameMissing = ErrorCode("given-name-missing")
    /// `surname` is empty.
    public static let importSurnameMissing = ErrorCode("surname-missing")
    /// `birth_date` is not `YYYY-MM-DD`.
    public static let importBirthDateFormat = ErrorCode("birth-date-format")
    /// `birth_date` is not the date the JMBG holds.
    public static let importBirthDateMismatch = ErrorCode("birth-date-mismatch")
    /// `sex` is not `M` or `F`.
    public static let importSexFormat = ErrorCode("sex-format")
    /// `sex` is not the one the JMBG holds.
    public static let importSexMismatch = ErrorCode("sex-mismatch")
    /// `citizenship` is not two capital letters (ISO 3166).
    public static let importCitizenshipFormat = ErrorCode("citizenship-format")
    /// `municipality` is empty.
    public static let importMunicipalityMissing = ErrorCode("municipality-missing")
    /// `status` is not `living` or `deceased`.
    public static let importStatusFormat = ErrorCode("status-format")
    /// `death_date` is not `YYYY-MM-DD`.
    public static let importDeathDateFormat = ErrorCode("death-date-format")
    /// A date of death before the birth or after today (the registry's own `RegistryError` too).
    public static let deathDateRange = ErrorCode("death-date-range")
    /// A death date without `deceased`, or `deceased` without a death date.
    public static let importDeathDateStatus = ErrorCode("death-date-status")
    /// The same JMBG twice in one file.
    public static let importDuplicateInFile = ErrorCode("duplicate-in-file")
    /// The identification number belongs to someone else already.
    public static let importIdentificationNumberTaken = ErrorCode("identification-number-taken")
    /// The same identification number twice in one file.
    public static let importIdentificationNumberDuplicateInFile = ErrorCode("identification-number-duplicate-in-file")

    /// `jmbg-<reason>`: a JMBG that is not valid, with the stable reason code of `JMBGInvalidity`.
    public static func jmbg(_ invalidity: JMBGInvalidity) -> ErrorCode { ErrorCode("jmbg-" + invalidity.rawValue) }
    /// `identification-number-<reason>`: an identification number that is not valid.
    public static func identificationNumber(_ invalidity: IdentificationNumber.Invalidity) -> ErrorCode {
        ErrorCode("identification-number-" + invalidity.reason)
    }
}
