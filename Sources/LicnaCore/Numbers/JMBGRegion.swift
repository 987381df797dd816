/// The region part (`RR`) of a JMBG, with the name of the registration area where known (STANDARDS.md).
public struct JMBGRegion: Hashable, Sendable {
    /// The two-digit code.
    public let code: Int

    public init(code: Int) { self.code = code }

    /// `false` for the unassigned codes 60–69.
    public var isAssigned: Bool { !(60...69).contains(code) }

    /// The country or area of the code's decade (English name; for display, translate by `areaKey`).
    public var area: String? {
        switch code {
        case 0...9: return "Foreigners and naturalised citizens"
        case 10...19: return "Bosnia and Herzegovina"
        case 20...29: return "Montenegro"
        case 30...39: return "Croatia"
        case 40...49: return "North Macedonia"
        case 50...59: return "Slovenia"
        case 70...79: return "Central Serbia"
        case 80...89: return "Vojvodina"
        case 90...99: return "Kosovo"
        default: return nil
        }
    }

    /// The registration area within Montenegro, where the code names one.
    public var place: String? {
        switch code {
        case 21: return "Podgorica"
        case 22: return "Bar, Ulcinj"
        case 23: return "Budva, Kotor, Tivat"
        case 24: return "Herceg Novi"
        case 25: return "Cetinje"
        case 26: return "Nikšić"
        case 27: return "Berane, Rožaje, Plav, Andrijevica"
        case 28: return "Bijelo Polje, Mojkovac"
        case 29: return "Pljevlja, Žabljak"
        default: return nil
        }
    }

    /// The most precise name known: the place, else the area.
    public var name: String? { place ?? area }
}
