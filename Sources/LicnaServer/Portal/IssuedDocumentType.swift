/// The documents a citizen can ask the portal for (issue 14, item 3): each is a catalogue service of the same id,
/// produced from the registry and sealed with the institution's e-seal.
enum IssuedDocumentType: String, CaseIterable, Sendable {
    /// An extract from the register of births.
    case birthCertificate = "birth-certificate"
    /// A certificate of residence (the registered address).
    case residenceCertificate = "residence-certificate"
    /// A certificate of citizenship.
    case citizenshipCertificate = "citizenship-certificate"

    /// How long a certificate is accepted after it is issued: six months, as offices commonly ask.
    var validityDays: Int { 183 }
}
