import SwiftASN1
import X509

/// RFC 5652 §10.2.4:
///
/// ```
/// IssuerAndSerialNumber ::= SEQUENCE {
///     issuer Name,
///     serialNumber CertificateSerialNumber }
/// ```
public struct CMSIssuerAndSerialNumber: DERImplicitlyTaggable, Hashable, Sendable {
    public static var defaultIdentifier: ASN1Identifier { .sequence }

    /// `issuer`.
    public var issuer: DistinguishedName
    /// `serialNumber` as big-endian magnitude bytes, the way swift-certificates stores serial numbers.
    public var serialNumber: [UInt8]

    /// An identifier with the given issuer and serial number.
    public init(issuer: DistinguishedName, serialNumber: [UInt8]) {
        self.issuer = issuer
        self.serialNumber = serialNumber
    }

    /// The identifier of `certificate`.
    public init(certificate: Certificate) {
        self.init(issuer: certificate.issuer, serialNumber: Array(certificate.serialNumber.bytes))
    }

    public init(derEncoded rootNode: ASN1Node, withIdentifier identifier: ASN1Identifier) throws {
        self = try DER.sequence(rootNode, identifier: identifier) { nodes in
            guard let issuerNode = nodes.next() else {
                throw ASN1Error.invalidASN1Object(reason: "IssuerAndSerialNumber without issuer")
            }
            let issuer = try DistinguishedName(derEncoded: issuerNode)
            let serial = try ArraySlice<UInt8>(derEncoded: &nodes)
            return CMSIssuerAndSerialNumber(issuer: issuer, serialNumber: Array(serial))
        }
    }

    public func serialize(into coder: inout DER.Serializer, withIdentifier identifier: ASN1Identifier) throws {
        try coder.appendConstructedNode(identifier: identifier) { coder in
            try coder.serialize(issuer)
            try coder.serialize(serialNumber[...])
        }
    }

    /// True when `certificate` has this issuer and serial number.
    public func matches(_ certificate: Certificate) -> Bool {
        certificate.issuer == issuer && Array(certificate.serialNumber.bytes) == serialNumber
    }
}
