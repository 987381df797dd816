import Foundation
import LicnaCore
import Vapor

/// A person as shown to an officer or printed by `licna registry find --json`. The JMBG is present only when it
/// was explicitly revealed (and that reveal audited).
public struct PersonView: Content, Sendable, Hashable {
    public var id: PersonID
    public var identificationNumber: String
    public var givenName: String
    public var surname: String
    public var givenNameCyrillic: String?
    public var surnameCyrillic: String?
    public var birthDate: String
    public var birthPlace: String
    public var sex: String
    public var citizenship: String
    public var address: String
    public var municipality: String
    public var status: String
    public var deathDate: String?
    public var jmbg: String?

    init(_ model: PersonModel, jmbg: JMBG? = nil) throws {
        self.id = PersonID(try model.requireID())
        self.identificationNumber = model.identificationNumber
        self.givenName = model.givenName
        self.surname = model.surname
        self.givenNameCyrillic = model.givenNameCyrillic
        self.surnameCyrillic = model.surnameCyrillic
        self.birthDate = model.birthDate
        self.birthPlace = model.birthPlace
        self.sex = model.sex
        self.citizenship = model.citizenship
        self.address = model.address
        self.municipality = model.municipality
        self.status = model.status
        self.deathDate = model.deathDate
        self.jmbg = jmbg?.digits
    }
}
