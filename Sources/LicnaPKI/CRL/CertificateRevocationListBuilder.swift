import Foundation
import SwiftASN1
import X509

/// Writes and signs a version 2 CRL (RFC 5280 §5.1):
///
/// ```
/// CertificateList ::= SEQUENCE { tbsCertList TBSCertList, signatureAlgorithm AlgorithmIdentifier, signatureValue BIT STRING }
/// TBSCertList ::= SEQUENCE {
///     version INTEGER (v2), signature AlgorithmIdentifier, issuer Name, thisUpdate Time, nextUpdate Time,
///     revokedCertificates SEQUENCE OF SEQUENCE { userCertificate CertificateSerialNumber, revocationDate Time,
///                                                crlEntryExtensions Extensions OPTIONAL } OPTIONAL,
///     crlExtensions [0] EXPLICIT Extensions }
/// ```
///
/// CRL extensions: authority key identifier (§5.2.1), CRL number (§5.2.3) and, for a partition, the critical
/// issuing distribution point (§5.2.5) that must match the distribution point in the certificates it covers.
public struct CertificateRevocationListBuilder: Sendable {
    public init() {}

    public func build(
        authority: SigningAuthority,
        crlNumber: UInt64,
        thisUpdate: Date,
        nextUpdate: Date,
        entries: [RevokedCertificate],
        distributionPoint: DistributionPoint?,
        scope: CRLScope
    ) throws -> [UInt8] {
        let signatureAlgorithm = authority.signatureAlgorithm
        let algorithm = try signatureAlgorithm.algorithmIdentifier
        var crlExtensions = [
            try Certificate.Extension(AuthorityKeyIdentifier(keyIdentifier: authority.subjectKeyIdentifier), critical: false),
            Certificate.Extension(oid: .PKIXExtensions.cRLNumber, critical: false,
                                  value: try DEREncoding.encode(UInt64(crlNumber))[...]),
        ]
        if let distributionPoint {
            crlExtensions.append(try distributionPoint.makeIssuingDistributionPointExtension(
                onlyContainsUserCerts: scope == .userCertificates, onlyContainsCACerts: scope == .caCertificates))
        }
        let tbs = try DEREncoding.encode { coder in
            try coder.appendConstructedNode(identifier: .sequence) { coder in
                try coder.serialize(1)  // v2
                try coder.serialize(algorithm)
                try coder.serialize(authority.certificate.subject)
                try PKITime.serializeCertificateTime(thisUpdate, into: &coder)
                try PKITime.serializeCertificateTime(nextUpdate, into: &coder)
                if !entries.isEmpty {
                    try coder.appendConstructedNode(identifier: .sequence) { coder in
                        for entry in entries { try serialize(entry, into: &coder) }
                    }
                }
                try coder.serialize(explicitlyTaggedWithTagNumber: 0, tagClass: .contextSpecific) { coder in
                    try coder.serializeExtensions(crlExtensions)
                }
            }
        }
        let signature = try authority.privateKey.sign(bytes: tbs, signatureAlgorithm: signatureAlgorithm)
        return try DEREncoding.encode { coder in
            try coder.appendConstructedNode(identifier: .sequence) { coder in
                coder.serializeRawBytes(tbs)
                try coder.serialize(algorithm)
                try coder.serialize(ASN1BitString(bytes: signature.rawRepresentation[...]))
            }
        }
    }

    private func serialize(_ entry: RevokedCertificate, into coder: inout DER.Serializer) throws {
        try coder.appendConstructedNode(identifier: .sequence) { coder in
            coder.appendPrimitiveNode(identifier: .integer) { $0.append(contentsOf: DEREncoding.positiveIntegerBytes(entry.serialNumber.bytes)) }
            try PKITime.serializeCertificateTime(entry.revocationDate, into: &coder)
            var extensions: [Certificate.Extension] = []
            // §5.3.1: the reason code is omitted rather than written as unspecified.
            if let reason = entry.reason, reason != .unspecified {
                extensions.append(Certificate.Extension(oid: .PKIXExtensions.reasonCode, critical: false,
                                                        value: [0x0A, 0x01, UInt8(reason.rawValue)]))
            }
            if let invalidity = entry.invalidityDate {
                let value = try DEREncoding.encode(try PKITime.generalizedTime(invalidity))
                extensions.append(Certificate.Extension(oid: .PKIXExtensions.invalidityDate, critical: false, value: value[...]))
            }
            if !extensions.isEmpty { try coder.serializeExtensions(extensions) }
        }
    }
}
