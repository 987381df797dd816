import Crypto
import Foundation
import SwiftASN1
import X509

/// A card manufacturer's attestation root: it certifies each card's attestation key (PIV slot `F9`) at
/// manufacture, naming the card model and serial, so that the card's attestations (`KeyAttestation`) chain to it.
///
/// Licna's virtual card is made by a development manufacturer (`development(now:)`): one root per development
/// installation, which only an installation run with `--dev` accepts. A virtual card's keys sit in a file, so its
/// attestation proves where the key was generated, never that the card is a qualified device.
public struct CardManufacturer: Sendable {
    /// The model name the virtual card's attestations carry.
    public static let virtualCardModel = "licna-virtual"

    public let root: SigningAuthority

    public init(root: SigningAuthority) {
        self.root = root
    }

    private static let year: TimeInterval = 365.25 * 86_400

    /// A new development root for virtual cards ("not for real use" in its name), valid 20 years from `now` (the
    /// caller's clock).
    public static func development(now: Date) throws -> CardManufacturer {
        let key = Certificate.PrivateKey(P256.Signing.PrivateKey())
        let name = try DistinguishedName {
            OrganizationName("Licna development (not for real use)")
            CommonName("Licna Virtual Card Attestation Root")
        }
        let certificate = try Certificate(
            version: .v3, serialNumber: CertificateSerialNumberGenerator().next(), publicKey: key.publicKey,
            notValidBefore: now - 3_600, notValidAfter: now + 20 * year, issuer: name, subject: name,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 1))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
                SubjectKeyIdentifier(hash: key.publicKey)
            },
            issuerPrivateKey: key)
        return CardManufacturer(root: SigningAuthority(certificate: certificate, privateKey: key))
    }

    /// The certificate of a card's attestation key: a CA certificate (path length 0) under the root, valid as long
    /// as the root, naming the model and serial in Licna's attestation extensions as the card's attestations do.
    public func certifyAttestationKey(_ publicKey: Certificate.PublicKey, model: String, serial: String,
                                      now: Date) throws -> Certificate {
        let subject = try DistinguishedName {
            OrganizationName("Licna card attestation")
            CommonName("Licna PIV Attestation \(serial)")
        }
        return try Certificate(
            version: .v3, serialNumber: CertificateSerialNumberGenerator().next(), publicKey: publicKey,
            notValidBefore: now - 3_600, notValidAfter: root.certificate.notValidAfter, issuer: root.certificate.subject,
            subject: subject, signatureAlgorithm: root.signatureAlgorithm,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                Critical(KeyUsage(keyCertSign: true))
                SubjectKeyIdentifier(hash: publicKey)
                AuthorityKeyIdentifier(keyIdentifier: root.subjectKeyIdentifier)
                Certificate.Extension(oid: .Attestation.cardModel, critical: false,
                                      value: try DEREncoding.encode(ASN1UTF8String(model))[...])
                Certificate.Extension(oid: .Attestation.cardSerial, critical: false,
                                      value: try DEREncoding.encode(ASN1UTF8String(serial))[...])
            },
            issuerPrivateKey: root.privateKey)
    }
}
