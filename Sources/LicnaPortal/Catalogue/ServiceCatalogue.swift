import Foundation
import LicnaBasics
import LicnaIdentityProvider

/// The service catalogue: every service and institution, read from a folder with one JSON file per service
/// (`<id>.json`) and `institutions.json` (docs/services.md describes the format). The folder is reviewed like
/// code, so the loader refuses a file with an unknown member, a missing language or a text in the wrong script
/// rather than showing half a service; the whole folder loads or nothing does.
public struct ServiceCatalogue: Sendable {
    /// The services, sorted by id.
    public let services: [Service]
    /// Institution id → its name in each page language.
    public let institutions: [String: [String: String]]
    private let byID: [String: Int]

    /// The largest service file read (a service's texts in eight locales fit easily).
    public static let maximumFileSize = 256 * 1024
    /// The most services a folder may hold.
    public static let maximumServices = 10_000

    public init(services: [Service], institutions: [String: [String: String]]) {
        self.services = services.sorted { $0.id < $1.id }
        self.institutions = institutions
        self.byID = Dictionary(uniqueKeysWithValues: self.services.enumerated().map { ($1.id, $0) })
    }

    /// The service with `id`.
    public func service(_ id: String) -> Service? { byID[id].map { services[$0] } }

    /// An institution's name in `language` (its id when unnamed).
    public func institutionName(_ id: String, language: String) -> String {
        institutions[id]?[language] ?? institutions[id]?["en"] ?? id
    }

    /// Reads a catalogue folder.
    public static func load(folder: URL) throws -> ServiceCatalogue {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".json") }.sorted()
        } catch {
            throw CatalogueError(.catalogueInvalidFile, "\(folder.path): the folder cannot be read (\(error.localizedDescription))")
        }
        guard names.contains("institutions.json") else {
            throw CatalogueError(.catalogueInvalidFile, "\(folder.path): institutions.json is missing")
        }
        let serviceNames = names.filter { $0 != "institutions.json" }
        guard serviceNames.count <= maximumServices else {
            throw CatalogueError(.catalogueInvalidFile, "\(folder.path): more than \(maximumServices) service files")
        }
        let institutions = try parseInstitutions(read(folder.appendingPathComponent("institutions.json")), file: "institutions.json")
        var services: [Service] = []
        for name in serviceNames {
            let service = try parseService(read(folder.appendingPathComponent(name)), file: name, institutions: institutions)
            services.append(service)
        }
        return ServiceCatalogue(services: services, institutions: institutions)
    }

    private static func read(_ file: URL) throws -> Data {
        let size = (try? FileManager.default.attributesOfItem(atPath: file.path)[.size] as? Int) ?? 0
        guard size <= maximumFileSize else {
            throw CatalogueError(.catalogueInvalidFile, "\(file.lastPathComponent): larger than \(maximumFileSize) bytes")
        }
        do {
            return try Data(contentsOf: file)
        } catch {
            throw CatalogueError(.catalogueInvalidFile, "\(file.lastPathComponent): cannot be read (\(error.localizedDescription))")
        }
    }

    static func parseInstitutions(_ data: Data, file: String) throws -> [String: [String: String]] {
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw CatalogueError(.catalogueInvalidFile, "\(file): not a JSON object")
        }
        var institutions: [String: [String: String]] = [:]
        for (id, value) in object {
            guard validID(id) else { throw CatalogueError(.catalogueInvalidFile, "\(file): \"\(id)\" is not an id (lowercase letters, digits, hyphens)") }
            guard let names = value as? [String: String], Set(names.keys) == Set(ServiceLocale.languages),
                  names.values.allSatisfy({ !$0.trimmingCharacters(in: .whitespaces).isEmpty }) else {
                throw CatalogueError(.catalogueInvalidFile, "\(file): \(id) needs a name in each of \(ServiceLocale.languages.joined(separator: ", "))")
            }
            institutions[id] = names
        }
        return institutions
    }

    /// The members a service file has, no more and no fewer.
    private static let members: Set<String> = ["id", "institution", "lifeEvents", "level", "fee", "channel", "onlineForm", "text"]
    private static let textMembers: Set<String> = ["name", "description", "keywords", "bring"]

    static func parseService(_ data: Data, file: String, institutions: [String: [String: String]]) throws -> Service {
        func invalid(_ what: String) -> CatalogueError { CatalogueError(.catalogueInvalidFile, "\(file): \(what)") }
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { throw invalid("not a JSON object") }
        let keys = Set(object.keys)
        if let unknown = keys.subtracting(members).sorted().first { throw invalid("unknown member \"\(unknown)\"") }
        if let missing = members.subtracting(keys).sorted().first { throw invalid("member \"\(missing)\" is missing (null where it does not apply)") }
        guard let id = object["id"] as? String, validID(id) else { throw invalid("id must be lowercase letters, digits and hyphens") }
        guard file == id + ".json" else { throw invalid("the file must be named \(id).json after its id") }
        guard let institution = object["institution"] as? String, institutions[institution] != nil else {
            throw invalid("institution must be one of institutions.json's ids")
        }
        guard let eventNames = object["lifeEvents"] as? [String] else { throw invalid("lifeEvents must be a list") }
        let events = try eventNames.map { name in
            guard let event = LifeEvent(rawValue: name) else {
                throw invalid("life event \"\(name)\" is not one of \(LifeEvent.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return event
        }
        guard let levelName = object["level"] as? String, let level = LevelOfAssurance(acr: levelName) else {
            throw invalid("level must be low, substantial or high")
        }
        var fee: Service.Fee?
        if let feeObject = object["fee"] as? [String: Any] {
            guard Set(feeObject.keys) == ["amount", "currency"], let amount = feeObject["amount"] as? String,
                  let currency = feeObject["currency"] as? String, amount.wholeMatch(of: /[0-9]{1,6}(\.[0-9]{2})?/) != nil,
                  currency.wholeMatch(of: /[A-Z]{3}/) != nil else {
                throw invalid("fee must be null or {\"amount\": \"5.00\", \"currency\": \"EUR\"}")
            }
            fee = Service.Fee(amount: amount, currency: currency)
        } else if !(object["fee"] is NSNull) {
            throw invalid("fee must be null or an object")
        }
        guard let channelName = object["channel"] as? String, let channel = Service.Channel(rawValue: channelName) else {
            throw invalid("channel must be online, office or both")
        }
        var onlineForm: String?
        if let form = object["onlineForm"] as? String {
            guard form.hasPrefix("/"), !form.hasPrefix("//"), form.wholeMatch(of: /[A-Za-z0-9\/._~?=&-]+/) != nil else {
                throw invalid("onlineForm must be a path of this portal, such as /documents/request/\(id)")
            }
            onlineForm = form
        } else if !(object["onlineForm"] is NSNull) {
            throw invalid("onlineForm must be null or a path")
        }
        guard let textObject = object["text"] as? [String: Any] else { throw invalid("text must be an object") }
        var texts: [ServiceLocale: ServiceText] = [:]
        for (tag, value) in textObject {
            guard let locale = locale(tag) else {
                throw invalid("text \"\(tag)\" is not one of \(ServiceLocale.languages.joined(separator: ", ")) (or sr-Latn, cnr-Cyrl, mk-Latn)")
            }
            let text = try parseText(value, tag: tag, invalid: invalid)
            guard scriptMatches(text, locale.script) else {
                throw invalid("text \"\(tag)\" must be written in \(locale.script == .cyrillic ? "Cyrillic" : "Latin") script")
            }
            texts[locale] = text
        }
        for language in ServiceLocale.languages where texts[ServiceLocale.page(language)] == nil {
            throw invalid("text \"\(language)\" is missing (\(ServiceLocale.page(language)))")
        }
        // The other script is derived where the file does not give it.
        for language in ["sr", "cnr", "mk"] {
            let given = ServiceLocale.page(language)
            let other = ServiceLocale(language: language, script: given.script == .latin ? .cyrillic : .latin)
            guard texts[other] == nil, let source = texts[given] else { continue }
            switch (language, other.script) {
            case ("mk", .latin): texts[other] = source.mapped(Transliteration.macedonianLatin)
            case (_, .latin): texts[other] = source.mapped(Transliteration.serbianLatin)
            case ("mk", .cyrillic): throw invalid("Macedonian is given in Cyrillic (\"mk\")")
            default: texts[other] = source.mapped(Transliteration.serbianCyrillicText)
            }
        }
        return Service(id: id, institution: institution, lifeEvents: events, level: level, fee: fee, channel: channel,
                       onlineForm: onlineForm, texts: texts)
    }

    /// `sr`, `cnr` and `mk` name the language's default script; `sr-Latn`, `cnr-Cyrl`, `mk-Latn` the other.
    private static func locale(_ tag: String) -> ServiceLocale? {
        if ServiceLocale.languages.contains(tag) { return ServiceLocale.page(tag) }
        return ServiceLocale.all.first { $0.description == tag && $0 != ServiceLocale.page($0.language) }
    }

    private static func parseText(_ value: Any, tag: String, invalid: (String) -> CatalogueError) throws -> ServiceText {
        guard let object = value as? [String: Any], Set(object.keys) == textMembers,
              let name = object["name"] as? String, let description = object["description"] as? String,
              let keywords = object["keywords"] as? [String], let bring = object["bring"] as? [String] else {
            throw invalid("text \"\(tag)\" needs exactly name, description, keywords (a list) and bring (a list)")
        }
        let strings = [name, description] + keywords + bring
        guard !name.trimmingCharacters(in: .whitespaces).isEmpty, !description.trimmingCharacters(in: .whitespaces).isEmpty,
              name.count <= 200, description.count <= 2_000, keywords.count <= 200, bring.count <= 50,
              strings.allSatisfy({ $0.count <= 2_000 && !$0.unicodeScalars.contains { $0.properties.generalCategory == .control } }) else {
            throw invalid("text \"\(tag)\": name and description must not be empty; name ≤ 200, description ≤ 2000 characters, ≤ 200 keywords, no control characters")
        }
        return ServiceText(name: name, description: description, keywords: keywords, bring: bring)
    }

    /// Whether the letters of a text's name and description are mostly in `script` (a few foreign words, such as
    /// "PIN" or "eID", are allowed).
    private static func scriptMatches(_ text: ServiceText, _ script: ServiceLocale.Script) -> Bool {
        var latin = 0, cyrillic = 0
        for scalar in (text.name + " " + text.description).unicodeScalars where scalar.properties.isAlphabetic {
            if (0x400...0x52F).contains(scalar.value) { cyrillic += 1 } else if scalar.value < 0x250 { latin += 1 }
        }
        return script == .cyrillic ? cyrillic > latin * 3 : cyrillic == 0
    }

    private static func validID(_ id: String) -> Bool {
        id.count <= 64 && id.wholeMatch(of: /[a-z0-9]+(-[a-z0-9]+)*/) != nil
    }
}
