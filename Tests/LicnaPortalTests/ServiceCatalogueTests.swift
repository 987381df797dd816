import Foundation
import LicnaBasics
import Testing
@testable import LicnaPortal

/// The shipped catalogue and the loader's refusals: a folder reviewed like code loads whole or not at all.
@Suite struct ServiceCatalogueTests {
    static let shippedFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Sources/LicnaServer/Resources/Services")

    static let requiredIDs = [
        "birth-certificate", "marriage-certificate", "death-certificate", "citizenship-certificate", "residence-certificate",
        "id-card", "id-card-lost", "passport", "driving-licence", "vehicle-registration", "criminal-record-certificate",
        "tax-clearance", "company-registration", "sole-trader-registration", "child-allowance", "maternity-leave",
        "pension-application", "unemployment-registration", "health-insurance-card", "school-enrolment",
        "university-diploma-recognition", "building-permit", "property-extract", "voter-registration", "change-of-address",
        "name-change", "e-signature-certificate", "card-activation", "eid-pin-unblock", "data-access-log",
    ]

    @Test func theShippedCatalogueHasEveryServiceInEveryLocale() throws {
        let catalogue = try ServiceCatalogue.load(folder: Self.shippedFolder)
        let ids = catalogue.services.map(\.id)
        #expect(Set(Self.requiredIDs).subtracting(ids).isEmpty)
        for service in catalogue.services {
            #expect(Set(service.texts.keys) == Set(ServiceLocale.all), "\(service.id)")
            #expect(catalogue.institutions[service.institution] != nil)
        }
        let birth = try #require(catalogue.service("birth-certificate"))
        #expect(birth.onlineForm == "/documents/request/birth-certificate")
        // Serbian is given in Cyrillic and its Latin text is derived; Montenegrin the other way round.
        let serbianLatin = birth.text(ServiceLocale(language: "sr", script: .latin)).name
        #expect(serbianLatin == Transliteration.serbianLatin(birth.text(ServiceLocale.page("sr")).name))
        #expect(serbianLatin.unicodeScalars.allSatisfy { $0.value < 0x400 })
        #expect(birth.text(ServiceLocale(language: "cnr", script: .cyrillic)).name.unicodeScalars.contains { (0x400...0x4FF).contains($0.value) })
    }

    static func validService(_ id: String = "birth-certificate") -> [String: Any] {
        func text(_ name: String) -> [String: Any] { ["name": name, "description": name + ".", "keywords": [name], "bring": []] }
        return [
            "id": id, "institution": "civil-registry", "lifeEvents": ["birth"], "level": "substantial",
            "fee": ["amount": "5.00", "currency": "EUR"], "channel": "both", "onlineForm": NSNull(),
            "text": ["en": text("Birth certificate"), "sq": text("Certifikatë lindjeje"), "mk": text("Извод од матична книга"),
                     "sr": text("Извод из матичне књиге"), "cnr": text("Izvod iz matične knjige")],
        ]
    }

    static let institutions = #"{"civil-registry": {"en": "Civil registry", "sq": "Gjendja civile", "mk": "Матична евиденција", "sr": "Матична служба", "cnr": "Matična služba"}}"#

    /// Writes a folder with `institutions.json` and the services, and loads it.
    static func load(_ services: [String: Any]) throws -> ServiceCatalogue {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("catalogue-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data(institutions.utf8).write(to: folder.appendingPathComponent("institutions.json"))
        for (name, object) in services {
            let data = try object as? Data ?? JSONSerialization.data(withJSONObject: object)
            try data.write(to: folder.appendingPathComponent(name))
        }
        return try ServiceCatalogue.load(folder: folder)
    }

    @Test func aValidFolderLoads() throws {
        let catalogue = try Self.load(["birth-certificate.json": Self.validService()])
        #expect(catalogue.services.map(\.id) == ["birth-certificate"])
        #expect(catalogue.services[0].texts.count == ServiceLocale.all.count)
    }

    /// The ways a file can be wrong, and what the refusal must say.
    static let spoilings: [(label: String, reason: String)] = [
        ("unknown member", "unknown member \"price\""), ("missing member", "\"fee\" is missing"),
        ("unknown institution", "institution"), ("life event", "holiday"), ("level", "level"), ("fee", "fee"),
        ("other host", "onlineForm"), ("script url", "onlineForm"), ("missing language", "\"sq\" is missing"),
        ("wrong script", "Cyrillic"), ("Cyrillic in Montenegrin Latin", "Latin"), ("empty name", "must not be empty"),
        ("control character", "control"), ("unknown locale", "\"de\""),
    ]

    static func spoil(_ label: String, _ service: inout [String: Any]) {
        var text = service["text"] as! [String: Any]
        switch label {
        case "unknown member": service["price"] = 5
        case "missing member": service["fee"] = nil
        case "unknown institution": service["institution"] = "nowhere"
        case "life event": service["lifeEvents"] = ["holiday"]
        case "level": service["level"] = "medium"
        case "fee": service["fee"] = ["amount": "5,00", "currency": "EUR"]
        case "other host": service["onlineForm"] = "//evil.example/form"
        case "script url": service["onlineForm"] = "javascript:alert(1)"
        case "missing language": text["sq"] = nil
        case "wrong script": text["sr"] = ["name": "Izvod iz matične knjige", "description": "Latinica.", "keywords": [], "bring": []]
        case "Cyrillic in Montenegrin Latin": text["cnr"] = ["name": "Извод", "description": "Ћирилица.", "keywords": [], "bring": []]
        case "empty name": text["en"] = ["name": " ", "description": "x", "keywords": [], "bring": []]
        case "control character": text["en"] = ["name": "Birth\u{0}", "description": "x", "keywords": [], "bring": []]
        case "unknown locale": text["de"] = text["en"]
        default: Issue.record("unknown spoiling \(label)")
        }
        service["text"] = text
    }

    /// Each forged or careless file is refused with a message that names the file and what is wrong, and the whole
    /// folder is refused with it (no half catalogue).
    @Test(arguments: spoilings.map(\.label)) func aBadFileIsRefusedWithItsReason(label: String) throws {
        var service = Self.validService()
        Self.spoil(label, &service)
        let reason = Self.spoilings.first { $0.label == label }!.reason
        let error = try #require(throws: CatalogueError.self) {
            try Self.load(["birth-certificate.json": service, "death-certificate.json": Self.validService("death-certificate")])
        }
        #expect(error.code == .catalogueInvalidFile)
        #expect(error.detail.hasPrefix("birth-certificate.json: "), "\(label): \(error.detail)")
        #expect(error.detail.contains(reason), "\(label): \(error.detail)")
    }

    @Test func hostileBytesAreRefusedNotTrapped() throws {
        for bytes in [Data(), Data("[]".utf8), Data("{".utf8), Data(repeating: 0xFF, count: 64), Data("null".utf8),
                      Data(String(repeating: "[", count: 100_000).utf8)] {
            let error = try #require(throws: CatalogueError.self) { try Self.load(["birth-certificate.json": bytes]) }
            #expect(error.code == .catalogueInvalidFile)
        }
        // Larger than the limit: refused before it is read.
        let huge = Data(repeating: 0x20, count: ServiceCatalogue.maximumFileSize + 1)
        let error = try #require(throws: CatalogueError.self) { try Self.load(["birth-certificate.json": huge]) }
        #expect(error.detail.contains("larger than"))
        // A file named after another id.
        let misnamed = try #require(throws: CatalogueError.self) { try Self.load(["death-certificate.json": Self.validService()]) }
        #expect(misnamed.detail.contains("named birth-certificate.json"))
    }
}
