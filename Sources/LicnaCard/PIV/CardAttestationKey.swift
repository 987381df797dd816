import LicnaCore

/// The card's attestation key (PIV slot `F9`, as YubiKey's), given at manufacture with a certificate from the card
/// model's manufacturer root (PIV object `5FFF01`). With it the card certifies keys it generated itself
/// (ATTEST, `00 F9`): the certificate names the slot, the card model, the card's serial and the slot's PIN policy.
public struct CardAttestationKey: Codable, Sendable, Equatable {
    /// The private key; it signs attestation certificates and nothing else.
    public var key: CardKey
    /// The DER `Name` of the attestation key's certificate subject: the issuer of every attestation certificate.
    public var issuer: [UInt8]
    /// The card model, as the manufacturer certified it (e.g. `licna-virtual`).
    public var model: String
    /// The card's serial number, unique per manufacturer.
    public var serial: CardSerial

    public init(key: CardKey, issuer: [UInt8], model: String, serial: CardSerial) {
        self.key = key
        self.issuer = issuer
        self.model = model
        self.serial = serial
    }
}

/// The PIV data object of the attestation key's certificate (Yubico's `5FFF01`), in the card image's key form.
extension PIVApplication {
    static let attestationCertificateTag: UInt32 = 0x5F_FF01
}
