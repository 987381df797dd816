/// The three 30-character lines of a TD1 (ID-1 card) machine-readable zone, ICAO Doc 9303 part 5 §4.2.
/// The JMBG never appears in it: the optional data fields stay empty (filler).
public struct TD1MachineReadableZone: Hashable, Sendable {
    public let lines: [String]

    /// The fields, already in MRZ form where they are codes.
    public struct Fields: Sendable {
        /// `I` plus a second letter or filler: `ID` for Montenegro's identity card.
        public var documentCode: String
        /// ISO 3166-1 alpha-3 (`MNE`).
        public var issuingState: String
        /// At most 9 characters (A–Z, 0–9).
        public var documentNumber: String
        /// YYMMDD.
        public var birthDate: String
        /// `M`, `F` or `<`.
        public var sex: Character
        /// YYMMDD.
        public var expiryDate: String
        public var nationality: String
        public var surname: String
        public var givenNames: String

        public init(documentCode: String = "ID", issuingState: String, documentNumber: String, birthDate: String, sex: Character,
                    expiryDate: String, nationality: String, surname: String, givenNames: String) {
            self.documentCode = documentCode
            self.issuingState = issuingState
            self.documentNumber = documentNumber
            self.birthDate = birthDate
            self.sex = sex
            self.expiryDate = expiryDate
            self.nationality = nationality
            self.surname = surname
            self.givenNames = givenNames
        }
    }

    public enum Invalidity: Error, Hashable, Sendable {
        case field(String)
    }

    public init(_ fields: Fields) throws(Invalidity) {
        func code(_ text: String, _ length: Int, _ name: String) throws(Invalidity) -> String {
            guard text.count <= length, text.allSatisfy({ ($0.isASCII && ($0.isUppercase || $0.isNumber)) || $0 == "<" }) else {
                throw .field(name)
            }
            return Self.filled(text, to: length)
        }
        func date(_ text: String, _ name: String) throws(Invalidity) -> String {
            guard text.count == 6, text.allSatisfy({ $0.isASCII && $0.isNumber }) else { throw .field(name) }
            return text
        }
        let documentCode = try code(fields.documentCode, 2, "documentCode")
        guard documentCode.first == "I" else { throw .field("documentCode") }
        let state = try code(fields.issuingState, 3, "issuingState")
        let number = try code(fields.documentNumber, 9, "documentNumber")
        let optional1 = String(repeating: "<", count: 15)
        let line1 = documentCode + state + number + String(Self.checkDigit(number)) + optional1
        let birth = try date(fields.birthDate, "birthDate")
        let expiry = try date(fields.expiryDate, "expiryDate")
        guard "MF<".contains(fields.sex) else { throw .field("sex") }
        let nationality = try code(fields.nationality, 3, "nationality")
        let optional2 = String(repeating: "<", count: 11)
        let birthPart = birth + String(Self.checkDigit(birth))
        let expiryPart = expiry + String(Self.checkDigit(expiry))
        // §4.2.2: the composite digit covers line 1 positions 6–30 and line 2 positions 1–7, 9–15 and 19–29.
        let composite = Self.checkDigit(String(line1.dropFirst(5)) + birthPart + expiryPart + optional2)
        let line2 = birthPart + String(fields.sex) + expiryPart + nationality + optional2 + String(composite)
        let surname = MRZTransliteration.mrzName(fields.surname)
        let given = MRZTransliteration.mrzName(fields.givenNames)
        let name = given.isEmpty ? surname : surname + "<<" + given
        let line3 = Self.filled(String(name.prefix(30)), to: 30)
        lines = [line1, line2, line3]
    }

    /// `text` followed by fillers up to `length`.
    static func filled(_ text: String, to length: Int) -> String {
        text + String(repeating: "<", count: max(0, length - text.count))
    }

    /// ICAO 9303 part 3 §4.9: weights 7, 3, 1 repeating; digits as themselves, A–Z as 10–35, `<` as 0.
    public static func checkDigit(_ text: String) -> Int {
        let weights = [7, 3, 1]
        var sum = 0
        for (index, character) in text.unicodeScalars.enumerated() {
            let value: Int
            switch character.value {
            case 48...57: value = Int(character.value) - 48
            case 65...90: value = Int(character.value) - 55
            default: value = 0
            }
            sum += value * weights[index % 3]
        }
        return sum % 10
    }
}
