import Foundation
import LicnaBasics
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
    /// The card's last day (CHUID, identity application).
    public var cardExpiry: Date
    /// The travel document's expiry (DG1, the printed MRZ, EF.SOD): never after the card's (the country's policy).
    public var travelDocumentExpiry: Date
    /// The latest `notAfter` the card's certificates may get: at most the policy's certificate period, never past
    /// the card's expiry.
    public var certificatesNotAfter: Date
    /// Whether the card gets a signature key and certificate (slot 9C): adults only, by the country's policy.
    public var signatureCertificate: Bool
    public var issuingAuthority: String
    public var portrait: (jpeg: [UInt8], width: Int, height: Int)

    public init(surname: String, givenNames: String, identificationNumber: String, jmbg: String, birthDate: String,
                sex: Character, country: String = "ME", icaoState: String = "MNE", cardNumber: String, cardExpiry: Date,
                travelDocumentExpiry: Date? = nil, certificatesNotAfter: Date? = nil, signatureCertificate: Bool = true,
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
        self.travelDocumentExpiry = min(travelDocumentExpiry ?? cardExpiry, cardExpiry)
        // Whole seconds: certificates carry no fractions, and a time rounded to the second must not pass this one.
        self.certificatesNotAfter = min(certificatesNotAfter ?? cardExpiry, cardExpiry).wholeSeconds
        self.signatureCertificate = signatureCertificate
        self.issuingAuthority = issuingAuthority
        self.portrait = portrait
    }

    /// "Given SURNAME", the certificate's common name.
    public var commonName: String { "\(givenNames) \(surname)" }

    /// The TD1 MRZ (ICAO 9303-5), names transliterated per ICAO 9303-3 §6, the travel document's expiry; no personal
    /// number in it.
    public func machineReadableZone() throws -> TD1MachineReadableZone {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyMMdd"
        return try TD1MachineReadableZone(.init(
            issuingState: icaoState, documentNumber: cardNumber, birthDate: birthDate, sex: sex,
            expiryDate: formatter.string(from: travelDocumentExpiry), nationality: icaoState,
            surname: MRZTransliteration.mrzName(surname), givenNames: MRZTransliteration.mrzName(givenNames)))
    }
}
