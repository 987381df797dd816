import LicnaBasics
/// A person as the civil registry holds them, without storage concerns. The JMBG is present here because the
/// registry is entitled to it; every type that leaves the registry (`PersonSummary`) drops it.
public struct PersonRecord: Hashable, Sendable {
    public var jmbg: JMBG
    public var identificationNumber: IdentificationNumber?
    public var givenName: String
    public var surname: String
    /// Cyrillic spellings (Montenegrin and Serbian are written in both scripts; Macedonian in Cyrillic).
    public var givenNameCyrillic: String?
    public var surnameCyrillic: String?
    public var birthDate: CivilDate
    public var birthPlace: String
    public var sex: Sex
    /// ISO 3166-1 alpha-2 code of the citizenship (`ME`).
    public var citizenship: String
    public var address: String
    public var municipality: String
    public var status: PersonStatus
    public var deathDate: CivilDate?

    public init(jmbg: JMBG, identificationNumber: IdentificationNumber? = nil, givenName: String, surname: String,
                givenNameCyrillic: String? = nil, surnameCyrillic: String? = nil, birthDate: CivilDate,
                birthPlace: String, sex: Sex, citizenship: String = "ME", address: String, municipality: String,
                status: PersonStatus = .living, deathDate: CivilDate? = nil) {
        self.jmbg = jmbg
        self.identificationNumber = identificationNumber
        self.givenName = givenName
        self.surname = surname
        self.givenNameCyrillic = givenNameCyrillic
        self.surnameCyrillic = surnameCyrillic
        self.birthDate = birthDate
        self.birthPlace = birthPlace
        self.sex = sex
        self.citizenship = citizenship
        self.address = address
        self.municipality = municipality
        self.status = status
        self.deathDate = deathDate
    }
}
