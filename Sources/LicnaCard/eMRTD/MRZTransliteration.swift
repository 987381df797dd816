/// ICAO Doc 9303 part 3 §6 (Annex: transliteration of multinational characters and of Cyrillic) for the names
/// in the machine-readable zone: only A–Z, 0–9 and the filler `<` may appear.
public enum MRZTransliteration {
    /// Latin letters with diacritics used in the region, as ICAO transliterates them (Đ→D, Ć→C, Č→C, Š→S, Ž→Z,
    /// Ë→E, Ç→C, …). Letters without an entry are folded by removing their diacritics.
    static let latin: [Character: String] = [
        "Đ": "D", "Ć": "C", "Č": "C", "Š": "S", "Ž": "Z", "Ë": "E", "Ç": "C", "Ä": "AE", "Ö": "OE", "Ü": "UE",
        "Å": "AA", "Æ": "AE", "Ø": "OE", "ß": "SS", "Ñ": "N", "Þ": "TH", "Ð": "D", "Ł": "L", "Œ": "OE",
    ]

    /// ICAO Doc 9303 part 3, the Cyrillic table (Serbian and Macedonian letters included).
    static let cyrillic: [Character: String] = [
        "А": "A", "Б": "B", "В": "V", "Г": "G", "Ґ": "G", "Ѓ": "G", "Д": "D", "Ђ": "D", "Е": "E", "Ё": "E", "Є": "IE",
        "Ж": "ZH", "З": "Z", "Ѕ": "DZ", "И": "I", "І": "I", "Ї": "I", "Й": "I", "Ј": "J", "К": "K", "Ќ": "K",
        "Л": "L", "Љ": "LJ", "М": "M", "Н": "N", "Њ": "NJ", "О": "O", "П": "P", "Р": "R", "С": "S", "Т": "T",
        "Ћ": "C", "У": "U", "Ў": "U", "Ф": "F", "Х": "KH", "Ц": "TS", "Ч": "CH", "Џ": "DZ", "Ш": "SH",
        "Щ": "SHCH", "Ъ": "IE", "Ы": "Y", "Ь": "", "Э": "E", "Ю": "IU", "Я": "IA",
    ]

    /// A name as it goes into the MRZ: upper case, transliterated, spaces and hyphens as `<`, other marks
    /// (apostrophes, dots) dropped.
    public static func mrzName(_ name: String) -> String {
        var out = ""
        for character in name.uppercased() {
            if character.isASCII {
                if character.isLetter || character.isNumber { out.append(character) }
                else if character == " " || character == "-" { out.append("<") }
                continue
            }
            if let mapped = latin[character] ?? cyrillic[character] {
                out += mapped
                continue
            }
            // Other Latin letters: drop combining marks (É→E, Ñ handled above).
            let folded = String(character).unicodeScalars.filter { $0.isASCII && ($0.properties.isAlphabetic) }
            out += String(String.UnicodeScalarView(folded)).uppercased()
        }
        return out
    }
}
