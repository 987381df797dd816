import Fluent
import Foundation
import LicnaBasics
import LicnaCore
import Vapor

/// The demo data of `licna serve --demo`: a dozen citizens from several municipalities, among them one aged 76
/// (whose card follows the age policy) and one minor. Seeding is idempotent: each demo citizen has a fixed JMBG
/// (the first serial for their date, region and sex) and is skipped when already registered.
public enum DemoCitizens {
    struct Citizen {
        let given: String, surname: String, givenCyrillic: String?, surnameCyrillic: String?
        let birth: (Int, Int, Int), sex: Sex, region: Int, place: String, municipality: String, address: String
    }

    static let citizens: [Citizen] = [
        Citizen(given: "Milica", surname: "Vuković", givenCyrillic: "Милица", surnameCyrillic: "Вуковић", birth: (1988, 4, 12), sex: .female, region: 21, place: "Podgorica", municipality: "Podgorica", address: "Bulevar Svetog Petra Cetinjskog 12"),
        Citizen(given: "Marko", surname: "Petrović", givenCyrillic: "Марко", surnameCyrillic: "Петровић", birth: (1979, 9, 3), sex: .male, region: 21, place: "Podgorica", municipality: "Podgorica", address: "Njegoševa 5"),
        Citizen(given: "Jovana", surname: "Đukanović", givenCyrillic: "Јована", surnameCyrillic: "Ђукановић", birth: (1995, 1, 27), sex: .female, region: 26, place: "Nikšić", municipality: "Nikšić", address: "Njegoševa 44"),
        Citizen(given: "Nikola", surname: "Šćepanović", givenCyrillic: "Никола", surnameCyrillic: "Шћепановић", birth: (2001, 6, 15), sex: .male, region: 25, place: "Cetinje", municipality: "Cetinje", address: "Baja Pivljanina 8"),
        Citizen(given: "Arben", surname: "Gjoka", givenCyrillic: nil, surnameCyrillic: nil, birth: (1984, 11, 2), sex: .male, region: 22, place: "Ulcinj", municipality: "Ulcinj", address: "Rruga Gjergj Kastrioti 3"),
        Citizen(given: "Dritë", surname: "Çeliku", givenCyrillic: nil, surnameCyrillic: nil, birth: (1991, 3, 19), sex: .female, region: 21, place: "Tuzi", municipality: "Tuzi", address: "Rruga e Ulqinit 17"),
        Citizen(given: "Vesna", surname: "Radulović", givenCyrillic: "Весна", surnameCyrillic: "Радуловић", birth: (1950, 5, 8), sex: .female, region: 23, place: "Kotor", municipality: "Kotor", address: "Stari grad 301"),
        Citizen(given: "Luka", surname: "Bošković", givenCyrillic: "Лука", surnameCyrillic: "Бошковић", birth: (2014, 8, 21), sex: .male, region: 24, place: "Herceg Novi", municipality: "Herceg Novi", address: "Njegoševa 9"),
        Citizen(given: "Emina", surname: "Hadžić", givenCyrillic: nil, surnameCyrillic: nil, birth: (1986, 12, 5), sex: .female, region: 27, place: "Rožaje", municipality: "Rožaje", address: "Maršala Tita 22"),
        Citizen(given: "Dragan", surname: "Bulatović", givenCyrillic: "Драган", surnameCyrillic: "Булатовић", birth: (1967, 2, 14), sex: .male, region: 28, place: "Bijelo Polje", municipality: "Bijelo Polje", address: "Tomaša Žižića 6"),
        Citizen(given: "Ana", surname: "Lekić", givenCyrillic: "Ана", surnameCyrillic: "Лекић", birth: (1999, 10, 30), sex: .female, region: 29, place: "Pljevlja", municipality: "Pljevlja", address: "Kralja Petra I 15"),
        Citizen(given: "Stefan", surname: "Marković", givenCyrillic: "Стефан", surnameCyrillic: "Марковић", birth: (1973, 7, 7), sex: .male, region: 23, place: "Budva", municipality: "Budva", address: "Mediteranska 4"),
    ]

    /// Registers the demo citizens that are not registered yet; returns how many were added.
    @discardableResult
    static func seed(_ registry: RegistryService) async throws -> Int {
        let context = AuditContext(actor: "system", purpose: .demoData)
        var records: [PersonRecord] = []
        for citizen in citizens {
            let date = CivilDate(year: citizen.birth.0, month: citizen.birth.1, day: citizen.birth.2)!
            let jmbg = try JMBGAllocator().candidates(birthDate: date, regionCode: citizen.region, sex: citizen.sex)[0]
            records.append(PersonRecord(jmbg: jmbg, givenName: citizen.given, surname: citizen.surname,
                                        givenNameCyrillic: citizen.givenCyrillic, surnameCyrillic: citizen.surnameCyrillic,
                                        birthDate: date, birthPlace: citizen.place, sex: citizen.sex, address: citizen.address,
                                        municipality: citizen.municipality))
        }
        return try await registry.add(records, context: context)
    }
}

extension DemoCitizens {
    /// The identification numbers of the registered demo citizens, by "Given Surname" (found by their fixed JMBGs'
    /// blind index), for the demo's cards.
    public static func identificationNumbers(_ app: Application) async throws -> [String: String] {
        var numbers: [String: String] = [:]
        for citizen in citizens {
            let date = CivilDate(year: citizen.birth.0, month: citizen.birth.1, day: citizen.birth.2)!
            let jmbg = try JMBGAllocator().candidates(birthDate: date, regionCode: citizen.region, sex: citizen.sex)[0]
            let index = app.licna.protector.blindIndex(jmbg)
            if let person = try await PersonModel.query(on: app.db).filter(\.$jmbgIndex == index).first() {
                numbers["\(citizen.given) \(citizen.surname)"] = person.identificationNumber
            }
        }
        return numbers
    }
}
