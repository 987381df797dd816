/// Transliteration between the Cyrillic and Latin alphabets of Serbian, Montenegrin and Macedonian. Both Serbian
/// alphabets (Vuk's Cyrillic and Gaj's Latin) map letter for letter, with the digraphs lj, nj and dž for љ, њ and
/// џ; Montenegrin adds ś and ź (с́, з́; its 2009 orthography). Macedonian uses the official romanization of its
/// government (gj, kj, dz for ѓ, ќ, ѕ).
public enum Transliteration {
    /// Serbian or Montenegrin Cyrillic to Latin.
    public static func serbianLatin(_ text: String) -> String {
        latin(text, table: serbianToLatin)
    }

    /// Macedonian Cyrillic to its official Latin romanization.
    public static func macedonianLatin(_ text: String) -> String {
        latin(text, table: macedonianToLatin)
    }

    /// Serbian or Montenegrin Latin to Cyrillic. The digraphs lj, nj and dž become one letter, which is right for
    /// all but a few compounds (nadživjeti, konjunkcija); a service file can give its Cyrillic text explicitly.
    public static func serbianCyrillic(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count * 2)
        var scalars = Array(text.unicodeScalars)[...]
        while let first = scalars.first {
            if scalars.count >= 2, let digraph = latinDigraphs[String(String.UnicodeScalarView(scalars.prefix(2))).lowercased()] {
                let upper = Character(first).isUppercase
                result += upper ? digraph.uppercased() : digraph
                scalars = scalars.dropFirst(2)
                continue
            }
            let character = Character(first)
            let lower = String(character).lowercased()
            if let letter = latinToSerbian[lower] {
                result += character.isUppercase ? letter.uppercased() : letter
            } else {
                result.unicodeScalars.append(first)
            }
            scalars = scalars.dropFirst()
        }
        return result
    }

    /// Running Latin text to Cyrillic, word by word, leaving what is not a Serbian or Montenegrin word in Latin:
    /// acronyms and mixed-case names (PIN, eID, macOS), commands and code in backticks, addresses, paths,
    /// anything with a digit, and message placeholders (`{count}`).
    public static func serbianCyrillicText(_ text: String) -> String {
        var result = ""
        var inCode = false
        var word = ""
        func flush() {
            guard !word.isEmpty else { return }
            result += inCode || isForeign(word) ? word : serbianCyrillic(word)
            word = ""
        }
        for character in text {
            if character == "`" {
                flush()
                inCode.toggle()
                result.append(character)
            } else if character.isWhitespace {
                flush()
                result.append(character)
            } else {
                word.append(character)
            }
        }
        flush()
        return result
    }

    private static func isForeign(_ word: String) -> Bool {
        if word.contains(where: { "{}/@_\\<>=#".contains($0) || $0.isNumber }) { return true }
        if word.contains("://") || word.hasPrefix("www.") { return true }
        let letters = word.filter(\.isLetter)
        guard letters.count >= 2 else { return false }
        // PIN, PUK, QES; eID, macOS, iPhone: a capital after the first letter.
        return letters.dropFirst().contains(where: \.isUppercase)
    }

    private static func latin(_ text: String, table: [Character: String]) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        let characters = Array(text)
        for (index, character) in characters.enumerated() {
            let lower = Character(character.lowercased())
            guard let letter = table[lower] else {
                result.append(character)
                continue
            }
            guard character.isUppercase, let head = letter.first else {
                result += letter
                continue
            }
            // Љ → "Lj" before a lowercase letter, "LJ" in a word written in capitals.
            let nextIsUpper = index + 1 < characters.count && characters[index + 1].isUppercase
            result += nextIsUpper ? letter.uppercased() : head.uppercased() + letter.dropFirst()
        }
        return result
    }

    private static let common: [Character: String] = [
        "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ж": "ž", "з": "z", "и": "i", "ј": "j", "к": "k",
        "л": "l", "љ": "lj", "м": "m", "н": "n", "њ": "nj", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u",
        "ф": "f", "х": "h", "ц": "c", "ч": "č", "џ": "dž", "ш": "š",
    ]

    private static let serbianToLatin: [Character: String] = common.merging([
        "ђ": "đ", "ћ": "ć", "с\u{301}": "ś", "з\u{301}": "ź",
    ]) { $1 }

    private static let macedonianToLatin: [Character: String] = common.merging([
        "ѓ": "gj", "ќ": "kj", "ѕ": "dz", "ѐ": "e", "ѝ": "i",
    ]) { $1 }

    private static let latinDigraphs: [String: String] = ["lj": "љ", "nj": "њ", "dž": "џ"]

    private static let latinToSerbian: [String: String] = {
        var map: [String: String] = [:]
        for (cyrillic, latin) in serbianToLatin where latin.count == 1 {
            map[latin] = String(cyrillic)
        }
        map["ǆ"] = "џ"
        map["ǉ"] = "љ"
        map["ǌ"] = "њ"
        return map
    }()
}
