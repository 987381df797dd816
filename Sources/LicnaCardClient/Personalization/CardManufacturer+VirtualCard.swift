import Crypto
import Foundation
import LicnaCard
import LicnaCore
import LicnaPKI
import SwiftASN1
import X509

extension CardManufacturer {
    /// A card's attestation key (slot `F9`, P-256), made as a chip makes it at the factory, with this manufacturer's
    /// certificate for it naming `model` and `serial` (`CardSerial.random()` by default), valid from `now` (the caller's clock).
    public func makeAttestationKey(model: String = Self.virtualCardModel, serial: CardSerial? = nil,
                                   now: Date) throws -> (key: CardAttestationKey, certificate: Certificate) {
        guard let key = CardKey.generate(.p256) else { throw PKIError(.unsupportedAlgorithm, "the card cannot make a P-256 key") }
        let serial = serial ?? CardSerial.random()
        let publicKey = Certificate.PublicKey(try P256.Signing.PublicKey(x963Representation: key.publicPoint))
        let certificate = try certifyAttestationKey(publicKey, model: model, serial: serial.rawValue, now: now)
        return (CardAttestationKey(key: key, issuer: try DEREncoding.encode(certificate.subject), model: model, serial: serial), certificate)
    }

    /// Manufactures a card image: installs a new attestation key and its certificate (PIV object `5FFF01`).
    public func manufacture(_ image: inout CardImage, model: String = Self.virtualCardModel, serial: CardSerial? = nil,
                            now: Date) throws {
        let made = try makeAttestationKey(model: model, serial: serial, now: now)
        image.installAttestation(made.key, certificate: try DEREncoding.encode(made.certificate))
    }
}
