/// A language and the script its texts are written in. Serbian and Montenegrin are written in both Latin and
/// Cyrillic, and Macedonian is Cyrillic with an official Latin romanization; Albanian and English are Latin only.
public struct ServiceLocale: Sendable, Hashable, Comparable, CustomStringConvertible {
    public enum Script: String, Sendable, Hashable, CaseIterable {
        case latin = "Latn"
        case cyrillic = "Cyrl"
    }

    /// The page language's code: `en`, `sq`, `mk`, `sr` or `cnr`.
    public let language: String
    public let script: Script

    public init(language: String, script: Script) {
        self.language = language
        self.script = script
    }

    /// The languages of the catalogue, in the order of the language switch.
    public static let languages = ["cnr", "sq", "mk", "sr", "en"]

    /// Whether the language is written in both scripts (a Latin/Cyrillic switch beside the language switch).
    public static func hasTwoScripts(_ language: String) -> Bool { ["sr", "cnr", "mk"].contains(language) }

    /// The script a language's pages use unless the reader chooses the other: Serbian and Macedonian Cyrillic
    /// (as the Serbian constitution, art. 10, and Macedonian usage have it), Montenegrin Latin.
    public static func defaultScript(_ language: String) -> Script {
        language == "sr" || language == "mk" ? .cyrillic : .latin
    }

    /// The locale a page in `language` shows, in `script` when the language has two, else its only one.
    public static func page(_ language: String, script: Script? = nil) -> ServiceLocale {
        guard hasTwoScripts(language) else { return ServiceLocale(language: language, script: .latin) }
        return ServiceLocale(language: language, script: script ?? defaultScript(language))
    }

    /// Every locale the catalogue holds texts for.
    public static let all: [ServiceLocale] = languages.flatMap { language in
        hasTwoScripts(language) ? [ServiceLocale(language: language, script: .latin), ServiceLocale(language: language, script: .cyrillic)]
            : [ServiceLocale(language: language, script: .latin)]
    }

    /// BCP 47: `sr-Cyrl`, `cnr-Latn`, `en`.
    public var description: String { Self.hasTwoScripts(language) ? "\(language)-\(script.rawValue)" : language }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.description < rhs.description }
}

extension ServiceLocale {
    /// `text`, written in the language's default script, in this locale's script: Serbian and Macedonian Cyrillic
    /// to Latin, Montenegrin Latin to Cyrillic; unchanged when the scripts agree.
    public func transliterated(_ text: String) -> String {
        guard Self.hasTwoScripts(language), script != Self.defaultScript(language) else { return text }
        switch language {
        case "mk": return Transliteration.macedonianLatin(text)
        case "sr": return Transliteration.serbianLatin(text)
        default: return Transliteration.serbianCyrillicText(text)
        }
    }
}
