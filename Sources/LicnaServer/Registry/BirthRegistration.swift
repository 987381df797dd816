import Foundation
import LicnaBasics
import LicnaCore
import Vapor

/// What a registrar enters for a new birth; the registry allocates the JMBG and the identification number.
public struct BirthRegistration: Content, Sendable, Hashable {
    public var givenName: String
    public var surname: String
    public var givenNameCyrillic: String?
    public var surnameCyrillic: String?
    public var birthDate: CivilDate
    public var birthPlace: String
    public var sex: Sex
    /// The JMBG region code of the registration area (21 Podgorica …).
    public var regionCode: Int
    public var citizenship: String
    public var address: String
    public var municipality: String
    /// The identification numbers of the child's parents who are in the registry (zero, one or two): the parent
    /// links that let a parent act for a minor child on the portal.
    public var parents: [String]?

    public init(givenName: String, surname: String, givenNameCyrillic: String? = nil, surnameCyrillic: String? = nil,
                birthDate: CivilDate, birthPlace: String, sex: Sex, regionCode: Int, citizenship: String = "ME",
                address: String, municipality: String, parents: [String]? = nil) {
        self.givenName = givenName
        self.surname = surname
        self.givenNameCyrillic = givenNameCyrillic
        self.surnameCyrillic = surnameCyrillic
        self.birthDate = birthDate
        self.birthPlace = birthPlace
        self.sex = sex
        self.regionCode = regionCode
        self.citizenship = citizenship
        self.address = address
        self.municipality = municipality
        self.parents = parents
    }
}
