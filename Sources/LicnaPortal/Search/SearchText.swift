import LicnaCore

/// How the catalogue's texts and people's queries are reduced to comparable words: folded (case, diacritics and
/// script: "Rođenje", "rodjenje" and "Рођење" are all "rodjenje"; "çertifikatë" is "certifikate"), split at
/// anything that is not a letter or digit, and stemmed by cutting one common ending of the five languages, so
/// that "lična karta", "ličnu kartu" and "licne karte" meet.
enum SearchText {
    /// The folded words of `text`.
    static func words(_ text: String) -> [String] {
        let folded = NameFolding.fold(text)
        var words: [String] = []
        var current: [UInt8] = []
        for byte in folded.utf8 {
            if (0x61...0x7A).contains(byte) || (0x30...0x39).contains(byte) {
                current.append(byte)
            } else if !current.isEmpty {
                words.append(String(decoding: current, as: UTF8.self))
                current.removeAll(keepingCapacity: true)
            }
        }
        if !current.isEmpty { words.append(String(decoding: current, as: UTF8.self)) }
        return words
    }

    /// The shortest stem a word is cut to.
    static let minimumStem = 4

    /// Endings cut from folded words, longest first: Serbian, Montenegrin and Macedonian case endings and articles
    /// (-ima, -om, -og, -ot, -ta), Albanian definite endings (-it, -in, -es, -ve), English plurals.
    private static let endings: [[UInt8]] = [
        "ovima", "evima", "ijama", "ama", "ima", "ega", "emu", "omu", "oga", "ite", "ata", "ove", "ies",
        "ih", "im", "om", "em", "og", "oj", "ov", "ot", "ta", "to", "te", "ja", "ju", "je", "ve", "it", "in", "es",
        "a", "e", "i", "o", "u", "s", "y",
    ].map { Array($0.utf8) }

    /// `word` without its ending, or `word` when cutting would leave fewer than ``minimumStem`` letters.
    static func stem(_ word: String) -> String {
        let bytes = Array(word.utf8)
        for ending in endings where bytes.count - ending.count >= minimumStem && bytes.suffix(ending.count).elementsEqual(ending) {
            return String(decoding: bytes.dropLast(ending.count), as: UTF8.self)
        }
        return word
    }

    /// Words that carry no meaning for search in any of the five languages (folded): dropped from a query that has
    /// other words.
    static let stopWords: Set<String> = [
        // English
        "a", "an", "the", "of", "for", "to", "my", "i", "how", "do", "get", "in", "on", "me", "want", "need", "is", "where",
        "can", "and", "or", "with", "from", "by", "at", "new", "apply", "online",
        // Serbian, Montenegrin
        "u", "na", "za", "od", "do", "sa", "s", "se", "je", "sam", "si", "mi", "me", "moj", "moja", "moje", "moju", "kako",
        "da", "li", "gdje", "gde", "sta", "treba", "trebam", "hocu", "zelim", "ili", "iz", "po", "ja", "mog", "moga", "kod",
        // Albanian
        "e", "te", "per", "ne", "nje", "nga", "une", "dua", "ku", "si", "me", "im", "ime", "qe", "se", "dhe", "ose", "jam", "kam", "eshte", "duhet",
        // Macedonian
        "vo", "so", "kon", "mojot", "mojata", "sakam", "kade",
    ]
}
