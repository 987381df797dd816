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
        // Fast path: plain ASCII needs only lowercasing.
        if text.utf8.allSatisfy({ $0 < 0x80 }) {
            return String(decoding: text.utf8.map { (0x41...0x5A).contains($0) ? $0 + 32 : $0 }, as: UTF8.self)
        }
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            let value = scalar.value
            if value < 0x80 {
                result.unicodeScalars.append((0x41...0x5A).contains(value) ? Unicode.Scalar(value + 32)! : scalar)
            } else if value >= scalarTableStart, value < scalarTableStart + UInt32(scalarTable.count) {
                result += scalarTable[Int(value - scalarTableStart)]
            } else {
                result += foldSlowly(String(scalar))
            }
        }
        return result
    }

    /// Folds for every scalar of Latin-1, Latin Extended-A/B, combining marks, Greek and Cyrillic, made once.
    private static let scalarTableStart: UInt32 = 0x80
    private static let scalarTable: [String] = (0x80..<0x530).map { value in
        guard let scalar = Unicode.Scalar(UInt32(value)) else { return "" }
        // Combining marks (U+0300–U+036F) fold to nothing: "e" + U+0308 folds like "ë".
        if (0x300...0x36F).contains(value) { return "" }
        return foldSlowly(String(scalar))
    }

    private static func foldSlowly(_ text: String) -> String {
        var result = ""
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
