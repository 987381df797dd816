import Foundation

/// Every message a person sees, in Montenegrin (`cnr`, Latin), Albanian (`sq`), Macedonian (`mk`, Cyrillic),
/// Serbian (`sr`, Cyrillic) and English (`en`), loaded from `Resources/Translations/<code>.json`. A module of its
/// own, Foundation only, so that the server and the citizen's `licna-card` (built without Vapor) share one set.
/// Placeholders are written `{name}`. A key missing in one language falls back to English, then to the key.
public struct Translations: Sendable {
    public static let languages = ["cnr", "sq", "mk", "sr", "en"]
    public static let defaultLanguage = "cnr"

    public let tables: [String: [String: String]]

    /// Loads the bundled translation files: from `LICNA_TRANSLATIONS` (a folder of `<code>.json`) when set, else
    /// from the resource bundle beside the executable (`Licna_LicnaTranslations.resources`, which an installation
    /// copies with `licna-card`), else from `/usr/share/licna/translations`. SwiftPM's `Bundle.module` is not used:
    /// it stops the process when the bundle is missing, and a citizen's tool must still run (with the keys shown).
    public static let bundled: Translations = {
        let bundleName = "Licna_LicnaTranslations.resources"
        var roots: [URL] = []
        if let override = ProcessInfo.processInfo.environment["LICNA_TRANSLATIONS"], !override.isEmpty {
            roots.append(URL(fileURLWithPath: override))
        }
        let executable = URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath().deletingLastPathComponent()
        for base in [Bundle.main.bundleURL, executable] + Bundle.allBundles.map(\.bundleURL) {
            let bundle = base.appendingPathComponent(bundleName)
            roots += [bundle.appendingPathComponent("Translations"), bundle.appendingPathComponent("Resources").appendingPathComponent("Translations")]
        }
        roots.append(URL(fileURLWithPath: "/usr/share/licna/translations"))
        let folder = (roots.first { FileManager.default.fileExists(atPath: $0.appendingPathComponent("en.json").path) } ?? roots[0]).path + "/"
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
