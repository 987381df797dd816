import Foundation
import LicnaCard

/// The person and the card being personalized: what goes into the certificates (names, identification number),
/// the eMRTD files (transliterated names, birth date, sex, card number, expiry), and the identity application.
public struct CardHolder: Sendable {
    /// Surname and given names in the national script (Latin or Cyrillic), as printed on the card.
    public var surname: String
    public var givenNames: String
    /// The 9-digit identification number (certificates carry it as `PNO<country>-<number>`).
    public var identificationNumber: String
    /// The 13-digit JMBG: only in the identity application, behind the PIN; never in the MRZ or certificates.
    public var jmbg: String
    /// Birth date `YYMMDD` and sex (`M`, `F`) for the MRZ.
    public var birthDate: String
    public var sex: Character
    /// ISO 3166 alpha-2 for certificates, ICAO alpha-3 for the MRZ.
    public var country: String
    public var icaoState: String
    public var cardNumber: String
    public var cardExpiry: Date
    public var issuingAuthority: String
    public var portrait: (jpeg: [UInt8], width: Int, height: Int)

    public init(surname: String, givenNames: String, identificationNumber: String, jmbg: String, birthDate: String,
                sex: Character, country: String = "ME", icaoState: String = "MNE", cardNumber: String, cardExpiry: Date,
                issuingAuthority: String, portrait: (jpeg: [UInt8], width: Int, height: Int) = LDSFile.testPortrait) {
        self.surname = surname
        self.givenNames = givenNames
        self.identificationNumber = identificationNumber
        self.jmbg = jmbg
        self.birthDate = birthDate
        self.sex = sex
        self.country = country
        self.icaoState = icaoState
        self.cardNumber = cardNumber
        self.cardExpiry = cardExpiry
        self.issuingAuthority = issuingAuthority
        self.portrait = portrait
    }

    /// "Given SURNAME", the certificate's common name.
    public var commonName: String { "\(givenNames) \(surname)" }

    /// The TD1 MRZ (ICAO 9303-5), names transliterated per ICAO 9303-3 §6; no personal number in it.
    public func machineReadableZone() throws -> TD1MachineReadableZone {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyMMdd"
        return try TD1MachineReadableZone(.init(
            issuingState: icaoState, documentNumber: cardNumber, birthDate: birthDate, sex: sex,
            expiryDate: formatter.string(from: cardExpiry), nationality: icaoState,
            surname: MRZTransliteration.mrzName(surname), givenNames: MRZTransliteration.mrzName(givenNames)))
    }
}
