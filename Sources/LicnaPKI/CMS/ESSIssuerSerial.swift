import SwiftASN1
import X509

/// RFC 5035 §4 (and RFC 2634 §5.4.1):
///
/// ```
/// IssuerSerial ::= SEQUENCE {
///     issuer GeneralNames,
///     serialNumber CertificateSerialNumber }
/// ```
public struct ESSIssuerSerial: DERImplicitlyTaggable, Hashable, Sendable {
    public static var defaultIdentifier: ASN1Identifier { .sequence }

    /// `issuer`; Licna writes a single `directoryName`.
    public var issuer: [GeneralName]
    /// `serialNumber` as big-endian magnitude bytes.
    public var serialNumber: [UInt8]

    /// An IssuerSerial with the given names and serial number.
    public init(issuer: [GeneralName], serialNumber: [UInt8]) {
        self.issuer = issuer
        self.serialNumber = serialNumber
    }

    /// The IssuerSerial of `certificate`: `{ [directoryName issuer], serialNumber }`.
    public init(certificate: Certificate) {
        self.init(issuer: [.directoryName(certificate.issuer)], serialNumber: Array(certificate.serialNumber.bytes))
    }

    public init(derEncoded rootNode: ASN1Node, withIdentifier identifier: ASN1Identifier) throws {
        self = try DER.sequence(rootNode, identifier: identifier) { nodes in
            let issuer = try DER.sequence(of: GeneralName.self, identifier: .sequence, nodes: &nodes)
            let serial = try ArraySlice<UInt8>(derEncoded: &nodes)
            return ESSIssuerSerial(issuer: issuer, serialNumber: Array(serial))
        }
    }

    public func serialize(into coder: inout DER.Serializer, withIdentifier identifier: ASN1Identifier) throws {
        try coder.appendConstructedNode(identifier: identifier) { coder in
            try coder.serializeSequenceOf(issuer)
            try coder.serialize(serialNumber[...])
        }
    }

    /// True when the serial number is the certificate's and one of the names is its issuer.
    public func matches(_ certificate: Certificate) -> Bool {
        guard Array(certificate.serialNumber.bytes) == serialNumber else { return false }
        return issuer.contains(.directoryName(certificate.issuer))
    }
}
