import Foundation
import SwiftASN1
import X509

/// A card's proof that it generated a key (YubiKey-style PIV attestation, docs/card.md "Key attestation"): the
/// certificate the card's attestation key (slot `F9`) issued for the key in a slot, and that attestation key's
/// own certificate (PIV object `5FFF01`), issued by the card model's manufacturer root.
///
/// What it proves is checked by `verify(roots:at:)`; a caller decides which roots stand for which model. The model
/// and serial come from the attestation certificate, which only the card's attestation key can sign: a caller's
/// free-text claim is never part of it.
public struct KeyAttestation: Sendable, Hashable {
    /// The certificate ATTEST answered, for the attested key.
    public let certificate: Certificate
    /// The certificate of the card's attestation key, which issued `certificate`.
    public let deviceCertificate: Certificate
    /// The card model named in `certificate` (`ASN1ObjectIdentifier.Attestation.cardModel`).
    public let model: String
    /// The card serial named in `certificate`.
    public let serial: String
    /// The PIV slot of the attested key (`9A`, `9C`).
    public let slot: UInt8

    /// PIV's authentication slot (`9A`, SP 800-73-4): the PIN once per session.
    public static let authenticationSlot: UInt8 = 0x9A
    /// PIV's digital signature slot (`9C`, SP 800-73-4): the PIN before each use.
    public static let signatureSlot: UInt8 = 0x9C

    /// The attested public key.
    public var publicKey: Certificate.PublicKey { certificate.publicKey }

    /// Reads the Licna extensions of `certificate`; throws `malformed` when the model, serial or slot is missing.
    public init(certificate: Certificate, deviceCertificate: Certificate) throws {
        func extensionValue(_ oid: ASN1ObjectIdentifier) throws -> ArraySlice<UInt8> {
            guard let value = certificate.extensions[oid: oid]?.value else {
                throw PKIError(.malformed, "the attestation certificate lacks the extension \(oid)")
            }
            return value
        }
        do {
            model = String(try ASN1UTF8String(derEncoded: try extensionValue(.Attestation.cardModel)))
            serial = String(try ASN1UTF8String(derEncoded: try extensionValue(.Attestation.cardSerial)))
            let slot = try ASN1OctetString(derEncoded: try extensionValue(.Attestation.keySlot)).bytes
            guard slot.count == 1, let first = slot.first else { throw PKIError(.malformed, "the attested slot is not one byte") }
            self.slot = first
        } catch let error as PKIError {
            throw error
        } catch {
            throw PKIError(.malformed, "the attestation certificate's Licna extensions do not parse: \(error)")
        }
        self.certificate = certificate
        self.deviceCertificate = deviceCertificate
    }

    /// The card serial a manufacturer wrote into a card's attestation-key certificate (or an attestation).
    public static func serial(inDeviceCertificate certificate: Certificate) throws -> String {
        guard let value = certificate.extensions[oid: .Attestation.cardSerial]?.value else {
            throw PKIError(.malformed, "the certificate names no card serial")
        }
        do { return String(try ASN1UTF8String(derEncoded: value)) } catch {
            throw PKIError(.malformed, "the card serial is not a UTF8String")
        }
    }

    /// Reads the two certificates from PEM: the attestation certificate first, then the attestation key's
    /// certificate (the form `licna ca issue --attestation` and `POST /api/pki/certificates` take).
    public init(pemEncoded text: String) throws {
        let documents: [PEMDocument]
        do { documents = try PEMDocument.parseMultiple(pemString: text) } catch {
            throw PKIError(.malformed, "the attestation is not PEM")
        }
        guard documents.count == 2 else {
            throw PKIError(.malformed, "an attestation is two certificates (the attestation, then the card's attestation key's); got \(documents.count)")
        }
        do {
            try self.init(certificate: try Certificate(pemDocument: documents[0]), deviceCertificate: try Certificate(pemDocument: documents[1]))
        } catch let error as PKIError {
            throw error
        } catch {
            throw PKIError(.malformed, "the attestation's certificates do not parse")
        }
    }

    /// The two certificates as PEM, attestation first.
    public func pemEncoded() throws -> String {
        try [certificate, deviceCertificate].map { try $0.serializeAsPEM().pemString }.joined(separator: "\n") + "\n"
    }

    /// True when `certificate` was issued by `deviceCertificate`'s key and `deviceCertificate` chains (RFC 5280
    /// path validation at `time`) to one of `roots`. The model and key are the caller's to compare.
    public func verify(roots: [Certificate], at time: Date) async -> Bool {
        guard !roots.isEmpty, deviceCertificate.publicKey.isValidSignature(certificate.signature, for: certificate) else { return false }
        var verifier = Verifier(rootCertificates: CertificateStore(roots)) {
            RFC5280Policy(validationTime: time)
        }
        switch await verifier.validate(leaf: certificate, intermediates: CertificateStore([deviceCertificate])) {
        case .validCertificate(let chain): return chain.count >= 2 && chain[1] == deviceCertificate
        case .couldNotValidate: return false
        }
    }
}
