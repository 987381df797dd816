import Foundation
import LicnaBasics
import LicnaCore

/// One way of finding people in the registry. Personal numbers travel in this value, never in a URL.
public enum RegistryQuery: Sendable, Hashable {
    case jmbg(JMBG)
    case identificationNumber(IdentificationNumber)
    /// Part of a name, in either script, without regard to case or diacritics.
    case name(String)
    case bornBefore(CivilDate)
    case personID(PersonID)

    /// The kind of criterion, for the audit trail (never the value).
    var kind: String {
        switch self {
        case .jmbg: return "jmbg"
        case .identificationNumber: return "identification-number"
        case .name: return "name"
        case .bornBefore: return "born-before"
        case .personID: return "person-id"
        }
    }
}
