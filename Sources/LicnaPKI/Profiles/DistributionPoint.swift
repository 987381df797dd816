import SwiftASN1
import X509

/// A CRL location, used by both the certificate's CRL distribution points (RFC 5280 §4.2.1.13) and the CRL's
/// issuing distribution point (§5.2.5), so that the two name the same partition byte for byte.
public struct DistributionPoint: Hashable, Sendable {
    public var url: String

    public init(url: String) {
        self.url = url
    }

    /// `DistributionPointName ::= CHOICE { fullName [0] GeneralNames, … }`, written as the `[0]` field of its parent.
    func serializeName(into coder: inout DER.Serializer) throws {
        coder.appendConstructedNode(identifier: ASN1Identifier(tagWithNumber: 0, tagClass: .contextSpecific)) { coder in
            coder.appendConstructedNode(identifier: ASN1Identifier(tagWithNumber: 0, tagClass: .contextSpecific)) { coder in
                DEREncoding.uriGeneralName(url, into: &coder)
            }
        }
    }

    /// `cRLDistributionPoints ::= SEQUENCE SIZE (1..MAX) OF DistributionPoint` with one point.
    public func makeCRLDistributionPointsExtension() throws -> Certificate.Extension {
        let value = try DEREncoding.encode { coder in
            try coder.appendConstructedNode(identifier: .sequence) { coder in
                try coder.appendConstructedNode(identifier: .sequence) { try serializeName(into: &$0) }
            }
        }
        return Certificate.Extension(oid: .PKIXExtensions.cRLDistributionPoints, critical: false, value: value[...])
    }

    /// RFC 5280 §5.2.5: the critical issuing distribution point of a partitioned CRL.
    public func makeIssuingDistributionPointExtension(onlyContainsUserCerts: Bool, onlyContainsCACerts: Bool) throws -> Certificate.Extension {
        let value = try DEREncoding.encode { coder in
            try coder.appendConstructedNode(identifier: .sequence) { coder in
                try serializeName(into: &coder)
                if onlyContainsUserCerts { coder.appendContextPrimitive(tag: 1, bytes: [0xFF]) }
                if onlyContainsCACerts { coder.appendContextPrimitive(tag: 2, bytes: [0xFF]) }
            }
        }
        return Certificate.Extension(oid: .PKIXExtensions.issuingDistributionPoint, critical: true, value: value[...])
    }
}
