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

    /// A row that cannot be imported, with a stable reason code (`jmbg-check-digit`, `birth-date-mismatch`…).
    public struct RowError: Error, Hashable, Sendable, CustomStringConvertible {
        public let line: Int
        public let reason: String
        public init(line: Int, reason: String) { self.line = line; self.reason = reason }
        public var description: String { "line \(line): \(reason)" }
    }

    /// Checks the header line: the same columns in the same order.
    public static func checkHeader(_ fields: [String]) -> String? {
        let cleaned = fields.map { $0.trimmingBOM() }
        return cleaned == header ? nil : "header: expected \(header.joined(separator: ","))"
    }

    /// Parses one record as of `today`.
    public static func person(from fields: [String], line: Int, today: CivilDate) throws(RowError) -> PersonRecord {
        guard fields.count == header.count else { throw RowError(line: line, reason: "column-count") }
        func text(_ index: Int) -> String { fields[index].trimmingSpaces() }
        func optional(_ index: Int) -> String? { let t = text(index); return t.isEmpty ? nil : t }
        let jmbg: JMBG
        do { jmbg = try JMBG(text(0), today: today) } catch { throw RowError(line: line, reason: "jmbg-\(error.rawValue)") }
        var identificationNumber: IdentificationNumber?
        if let raw = optional(1) {
            do { identificationNumber = try IdentificationNumber(raw) } catch {
                throw RowError(line: line, reason: "identification-number-\(error.code)")
            }
        }
        guard let givenName = optional(2) else { throw RowError(line: line, reason: "given-name-missing") }
        guard let surname = optional(3) else { throw RowError(line: line, reason: "surname-missing") }
        guard let birthDate = CivilDate(iso8601: text(6)) else { throw RowError(line: line, reason: "birth-date-format") }
        guard birthDate == jmbg.birthDate else { throw RowError(line: line, reason: "birth-date-mismatch") }
        guard let sex = Sex(rawValue: text(8)) else { throw RowError(line: line, reason: "sex-format") }
        guard sex == jmbg.sex else { throw RowError(line: line, reason: "sex-mismatch") }
        let citizenship = text(9).uppercased()
        guard citizenship.utf8.count == 2, citizenship.utf8.allSatisfy({ (65...90).contains($0) }) else {
            throw RowError(line: line, reason: "citizenship-format")
        }
        guard let municipality = optional(11) else { throw RowError(line: line, reason: "municipality-missing") }
        guard let status = PersonStatus(rawValue: text(12).isEmpty ? "living" : text(12)) else {
            throw RowError(line: line, reason: "status-format")
        }
        var deathDate: CivilDate?
        if let raw = optional(13) {
            guard let date = CivilDate(iso8601: raw) else { throw RowError(line: line, reason: "death-date-format") }
            guard date >= birthDate, date <= today else { throw RowError(line: line, reason: "death-date-range") }
            deathDate = date
        }
        guard (status == .deceased) == (deathDate != nil) else { throw RowError(line: line, reason: "death-date-status") }
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
