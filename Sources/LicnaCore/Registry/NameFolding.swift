import Foundation

/// Folds a name for search: lowercase, Latin diacritics removed (č→c, đ→dj, ë→e, ç→c) and Cyrillic transliterated
/// to Latin, so that "Đukanović", "Djukanovic" and "Ђукановић" find the same person.
public enum NameFolding {
    private static let table: [Character: String] = {
        var map: [Character: String] = [
            "č": "c", "ć": "c", "š": "s", "ž": "z", "đ": "dj", "ë": "e", "ç": "c", "ś": "s", "ź": "z",
            "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "ђ": "dj", "е": "e", "ж": "z", "з": "z", "ѕ": "dz",
            "и": "i", "ј": "j", "к": "k", "л": "l", "љ": "lj", "м": "m", "н": "n", "њ": "nj", "о": "o", "п": "p",
            "р": "r", "с": "s", "т": "t", "ћ": "c", "ќ": "kj", "ѓ": "gj", "у": "u", "ф": "f", "х": "h", "ц": "c",
            "ч": "c", "џ": "dz", "ш": "s",
        ]
        return map
    }()

    /// The folded form of `text`.
    public static func fold(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for character in text.lowercased() {
            if let replacement = table[character] {
                result += replacement
            } else if character.isASCII {
                result.append(character)
            } else {
                // Other accented Latin letters: keep the base letter.
                let decomposed = String(character).decomposedStringWithCanonicalMapping
                result += decomposed.unicodeScalars.filter { $0.isASCII }.map(String.init).joined()
            }
        }
        return result
    }
}
