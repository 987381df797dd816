/// The secrets of a new card's envelope, drawn from the system's cryptographic generator: a 6-digit PIN, an 8-digit
/// PUK, a 6-digit CAN (ICAO 9303-11 §4.3: printed on the card, for PACE-style access) and the suspension code for a
/// lost card. They exist only in the envelope and on the card; the server keeps a keyed hash of the suspension code
/// and nothing of the others.
public struct CardSecrets: Sendable {
    public let pin: String
    public let puk: String
    public let can: String
    public let suspensionCode: SuspensionCode

    public init(pin: String, puk: String, can: String, suspensionCode: SuspensionCode) {
        self.pin = pin
        self.puk = puk
        self.can = can
        self.suspensionCode = suspensionCode
    }

    /// Fresh secrets.
    public static func random() -> CardSecrets {
        var generator = SystemRandomNumberGenerator()
        return random(using: &generator)
    }

    public static func random(using generator: inout some RandomNumberGenerator) -> CardSecrets {
        func digits(_ count: Int) -> String {
            String((0..<count).map { _ in Character(String(Int.random(in: 0...9, using: &generator))) })
        }
        return CardSecrets(pin: digits(6), puk: digits(8), can: digits(6), suspensionCode: .random(using: &generator))
    }
}

/// The code that suspends a lost card, printed in the envelope: 10 characters of Crockford's base32 alphabet (50 bits,
/// above the 40 the policy requires), shown as `XXXXX-XXXXX`. Typed input is forgiving the way Crockford's
/// alphabet intends: case, spaces and dashes do not matter, `O` reads as 0 and `I`, `L` as 1; anything else
/// outside the alphabet (including non-ASCII digits) is refused.
public struct SuspensionCode: Sendable, Hashable, CustomStringConvertible {
    public static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ")
    public static let length = 10

    /// The 10 canonical characters, without the dash.
    public let canonical: String

    public init?(_ text: String) {
        var characters: [Character] = []
        for character in text.uppercased() {
            switch character {
            case " ", "-": continue
            case "O": characters.append("0")
            case "I", "L": characters.append("1")
            default:
                guard character.isASCII, Self.alphabet.contains(character) else { return nil }
                characters.append(character)
            }
            if characters.count > Self.length { return nil }
        }
        guard characters.count == Self.length else { return nil }
        canonical = String(characters)
    }

    public static func random(using generator: inout some RandomNumberGenerator) -> SuspensionCode {
        let text = String((0..<length).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] })
        return SuspensionCode(text)!
    }

    /// `XXXXX-XXXXX`, as printed.
    public var description: String {
        String(canonical.prefix(5)) + "-" + String(canonical.suffix(5))
    }
}
