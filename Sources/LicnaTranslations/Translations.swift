import Foundation

/// Every message a person sees, in Montenegrin (`cnr`, Latin), Albanian (`sq`), Macedonian (`mk`, Cyrillic),
/// Serbian (`sr`, Cyrillic) and English (`en`), loaded from `Resources/Translations/<code>.json`. A module of its
/// own, Foundation only, so that the server and the citizen's `licna-card` (built without Vapor) share one set.
/// Placeholders are written `{name}`. A key missing in one language falls back to English, then to the key.
public struct Translations: Sendable {
    public static let languages = ["cnr", "sq", "mk", "sr", "en"]
    public static let defaultLanguage = "cnr"

    public let tables: [String: [String: String]]

    /// Loads the bundled translation files.
    public static let bundled: Translations = {
        // Foundation on Linux may already point `resourceURL` inside the bundle's `Resources`.
        let candidates = [Bundle.module.resourceURL, Bundle.module.bundleURL].compactMap { $0 }.flatMap {
            [$0.appendingPathComponent("Translations"), $0.appendingPathComponent("Resources").appendingPathComponent("Translations")]
        }
        let folder = (candidates.first { FileManager.default.fileExists(atPath: $0.path) } ?? candidates[0]).path + "/"
        var tables: [String: [String: String]] = [:]
        for language in languages {
            let path = folder + language + ".json"
            guard let data = FileManager.default.contents(atPath: path),
                  let table = try? JSONDecoder().decode([String: String].self, from: data) else { continue }
            tables[language] = table
        }
        return Translations(tables: tables)
    }()

    public init(tables: [String: [String: String]]) { self.tables = tables }

    /// The message for `key` in `language`, with `{placeholders}` filled in.
    public func text(_ key: String, _ language: String, _ arguments: [String: String] = [:]) -> String {
        var text = tables[language]?[key] ?? tables["en"]?[key] ?? key
        for (name, value) in arguments { text = text.replacingOccurrences(of: "{\(name)}", with: value) }
        return text
    }

    /// The whole table of a language with English filling its gaps, for templates.
    public func table(_ language: String) -> [String: String] {
        (tables["en"] ?? [:]).merging(tables[language] ?? [:]) { _, chosen in chosen }
    }

    /// The language for a locale string (`sr_RS.UTF-8`, `sq-AL`, `me`), if supported.
    public static func language(forLocale locale: String) -> String? {
        let code = locale.lowercased().split(whereSeparator: { $0 == "_" || $0 == "-" || $0 == "." }).first.map(String.init) ?? ""
        switch code {
        case "cnr", "me": return "cnr"
        case "sq", "mk", "sr", "en": return code
        case "sh", "bs", "hr": return "cnr"
        default: return nil
        }
    }

    /// The language for a command-line user: `LICNA_LANG`, else `LC_ALL`, `LC_MESSAGES`, `LANG`, else English.
    public static func commandLineLanguage(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        for name in ["LICNA_LANG", "LC_ALL", "LC_MESSAGES", "LANG"] {
            if let value = environment[name], let language = language(forLocale: value) { return language }
        }
        return "en"
    }
}
