import SwiftASN1
import X509

/// RFC 5652 §5.3:
///
/// ```
/// SignerIdentifier ::= CHOICE {
///     issuerAndSerialNumber IssuerAndSerialNumber,
///     subjectKeyIdentifier [0] SubjectKeyIdentifier }
/// ```
public enum CMSSignerIdentifier: DERParseable, DERSerializable, Hashable, Sendable {
    /// Used with SignerInfo version 1.
    case issuerAndSerialNumber(CMSIssuerAndSerialNumber)
    /// Used with SignerInfo version 3 (RFC 5280 §4.2.1.2 key identifier bytes).
    case subjectKeyIdentifier([UInt8])

    static let subjectKeyIdentifierTag = ASN1Identifier.cmsContext(0)

    public init(derEncoded rootNode: ASN1Node) throws {
        switch rootNode.identifier {
        case .sequence:
            self = .issuerAndSerialNumber(try CMSIssuerAndSerialNumber(derEncoded: rootNode))
        case Self.subjectKeyIdentifierTag:
            let octets = try ASN1OctetString(derEncoded: rootNode, withIdentifier: Self.subjectKeyIdentifierTag)
            self = .subjectKeyIdentifier(Array(octets.bytes))
        default:
            throw ASN1Error.unexpectedFieldType(rootNode.identifier)
        }
    }

    public func serialize(into coder: inout DER.Serializer) throws {
        switch self {
        case .issuerAndSerialNumber(let value):
            try coder.serialize(value)
        case .subjectKeyIdentifier(let keyIdentifier):
            try ASN1OctetString(contentBytes: keyIdentifier[...])
                .serialize(into: &coder, withIdentifier: Self.subjectKeyIdentifierTag)
        }
    }

    /// The identifier for `certificate`: issuer and serial number, or its subject key identifier
    /// extension (throws `.profileViolation` when the certificate has none).
    public init(certificate: Certificate, useSubjectKeyIdentifier: Bool) throws {
        guard useSubjectKeyIdentifier else {
            self = .issuerAndSerialNumber(CMSIssuerAndSerialNumber(certificate: certificate))
            return
        }
        guard let ski = try? certificate.extensions.subjectKeyIdentifier else {
            throw PKIError(.profileViolation, "signer certificate has no subject key identifier")
        }
        self = .subjectKeyIdentifier(Array(ski.keyIdentifier))
    }

    /// The SignerInfo version this choice requires (RFC 5652 §5.3): 1 or 3.
    public var signerInfoVersion: Int {
        switch self {
        case .issuerAndSerialNumber: 1
        case .subjectKeyIdentifier: 3
        }
    }

    /// True when `certificate` is the one this identifier names.
    public func matches(_ certificate: Certificate) -> Bool {
        switch self {
        case .issuerAndSerialNumber(let value):
            return value.matches(certificate)
        case .subjectKeyIdentifier(let keyIdentifier):
            guard let ski = try? certificate.extensions.subjectKeyIdentifier else { return false }
            return Array(ski.keyIdentifier) == keyIdentifier
        }
    }
}
