import Fluent
import Foundation
import LicnaBasics
import LicnaCore

/// A person in the civil registry, as stored. The JMBG is held only sealed (`jmbgSealed`, AES-GCM with the row's
/// id as associated data) and as a blind index (`jmbgIndex`, HMAC) for lookups; never in clear.
final class PersonModel: Model, @unchecked Sendable {
    static let schema = PersonsTable.table.name

    @ID(key: .id) var id: UUID?
    @Field(key: PersonsTable.identificationNumber.key) var identificationNumber: String
    @Field(key: PersonsTable.jmbgSealed.key) var jmbgSealed: Data
    @Field(key: PersonsTable.jmbgKeyVersion.key) var jmbgKeyVersion: Int
    @Field(key: PersonsTable.jmbgIndex.key) var jmbgIndex: Data
    @Field(key: PersonsTable.givenName.key) var givenName: String
    @Field(key: PersonsTable.surname.key) var surname: String
    @OptionalField(key: PersonsTable.givenNameCyrillic.key) var givenNameCyrillic: String?
    @OptionalField(key: PersonsTable.surnameCyrillic.key) var surnameCyrillic: String?
    /// Folded names (NameFolding) of both scripts, for search.
    @Field(key: PersonsTable.nameFolded.key) var nameFolded: String
    /// ISO 8601, so that string order is date order.
    @Field(key: PersonsTable.birthDate.key) var birthDate: String
    @Field(key: PersonsTable.birthPlace.key) var birthPlace: String
    @Field(key: PersonsTable.sex.key) var sex: String
    @Field(key: PersonsTable.citizenship.key) var citizenship: String
    @Field(key: PersonsTable.address.key) var address: String
    @Field(key: PersonsTable.municipality.key) var municipality: String
    @Field(key: PersonsTable.status.key) var status: String
    @OptionalField(key: PersonsTable.deathDate.key) var deathDate: String?
    /// The import that created the row, if any (so an interrupted import can be undone).
    @OptionalField(key: PersonsTable.importID.key) var importID: UUID?
    /// Set by the code, not by Fluent, so that a restored backup keeps the original times.
    @OptionalField(key: PersonsTable.createdAt.key) var createdAt: Date?
    @OptionalField(key: PersonsTable.updatedAt.key) var updatedAt: Date?

    init() {}
}

/// The fields of a person row in column order, for bulk inserts that bypass the model.
enum PersonColumns {
    static let names = [
        "id", "identification_number", "jmbg_sealed", "jmbg_key_version", "jmbg_index", "given_name", "surname",
        "given_name_cyrillic", "surname_cyrillic", "name_folded", "birth_date", "birth_place", "sex", "citizenship",
        "address", "municipality", "status", "death_date", "import_id", "created_at", "updated_at",
    ]
}

extension PersonModel {
    /// Fills the model from a registry record, sealing the JMBG for this row, created at `createdAt` (the
    /// installation's clock).
    convenience init(id: UUID, record: PersonRecord, identificationNumber: IdentificationNumber,
                     protector: PersonalNumberProtector, importID: UUID? = nil, createdAt: Date) {
        self.init()
        self.id = id
        self.identificationNumber = identificationNumber.digits
        let sealed = protector.seal(record.jmbg, owner: id.uuidString)
        self.jmbgSealed = sealed.combined
        self.jmbgKeyVersion = sealed.keyVersion
        self.jmbgIndex = protector.blindIndex(record.jmbg)
        self.givenName = record.givenName
        self.surname = record.surname
        self.givenNameCyrillic = record.givenNameCyrillic
        self.surnameCyrillic = record.surnameCyrillic
        self.nameFolded = Self.foldedNames(record)
        self.birthDate = record.birthDate.iso8601
        self.birthPlace = record.birthPlace
        self.sex = record.sex.rawValue
        self.citizenship = record.citizenship
        self.address = record.address
        self.municipality = record.municipality
        self.status = record.status.rawValue
        self.deathDate = record.deathDate?.iso8601
        self.importID = importID
        self.createdAt = createdAt
        self.updatedAt = self.createdAt
    }

    /// Given name and surname, as the portal's pages name a person.
    var fullName: String { "\(givenName) \(surname)" }

    static func foldedNames(_ record: PersonRecord) -> String {
        var parts = [NameFolding.fold("\(record.givenName) \(record.surname)")]
        if let given = record.givenNameCyrillic, let surname = record.surnameCyrillic {
            parts.append(NameFolding.fold("\(given) \(surname)"))
        }
        return "|" + parts.joined(separator: "|") + "|"
    }

    /// The registry record, with the JMBG opened.
    func record(protector: PersonalNumberProtector) throws -> PersonRecord {
        let jmbg = try protector.open(SealedValue(keyVersion: jmbgKeyVersion, combined: jmbgSealed), owner: requireID().uuidString)
        return PersonRecord(
            jmbg: jmbg, identificationNumber: try? IdentificationNumber(identificationNumber), givenName: givenName,
            surname: surname, givenNameCyrillic: givenNameCyrillic, surnameCyrillic: surnameCyrillic,
            birthDate: CivilDate(iso8601: birthDate) ?? jmbg.birthDate, birthPlace: birthPlace,
            sex: Sex(rawValue: sex) ?? jmbg.sex, citizenship: citizenship, address: address,
            municipality: municipality, status: PersonStatus(rawValue: status) ?? .living,
            deathDate: deathDate.flatMap { CivilDate(iso8601: $0) })
    }
}
