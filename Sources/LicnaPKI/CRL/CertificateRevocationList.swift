import Foundation
import SwiftASN1
import X509

/// A parsed CRL (RFC 5280 §5.1): what a validator and the tests need — issuer, update times, CRL number, the
/// entries with their reasons, the issuing distribution point, and a signature check against the issuer.
public struct CertificateRevocationList: Sendable {
    public var issuer: DistinguishedName
    public var thisUpdate: Date
    public var nextUpdate: Date?
    public var crlNumber: [UInt8]?
    public var entries: [RevokedCertificate]
    public var extensions: [Certificate.Extension]
    public var tbsBytes: [UInt8]
    public var signatureAlgorithm: AlgorithmIdentifier
    public var signature: [UInt8]

    public init(derEncoded bytes: [UInt8]) throws {
        let root = try DER.parse(bytes)
        var parsed: (DistinguishedName, Date, Date?, [RevokedCertificate], [Certificate.Extension], [UInt8])?
        var algorithm: AlgorithmIdentifier?
        var signature: [UInt8] = []
        try DER.sequence(root, identifier: .sequence) { nodes in
            guard let tbs = nodes.next() else { throw PKIError(.malformed, "missing tbsCertList") }
            parsed = try Self.parseTBS(tbs)
            algorithm = try AlgorithmIdentifier(derEncoded: &nodes)
            signature = Array(try ASN1BitString(derEncoded: &nodes).bytes)
        }
        guard let parsed, let algorithm else { throw PKIError(.malformed, "incomplete CRL") }
        (issuer, thisUpdate, nextUpdate, entries, extensions, tbsBytes) = parsed
        signatureAlgorithm = algorithm
        self.signature = signature
        crlNumber = try extensions.first { $0.oid == .PKIXExtensions.cRLNumber }.map { ext in
            guard case .primitive(let content) = try DER.parse(ext.value).content else { throw PKIError(.malformed, "bad CRL number") }
            return Array(content)
        }
    }

    private static func parseTBS(_ node: ASN1Node) throws -> (DistinguishedName, Date, Date?, [RevokedCertificate], [Certificate.Extension], [UInt8]) {
        try DER.sequence(node, identifier: .sequence) { nodes in
            var next = nodes.next()
            if let version = next, version.identifier == .integer { next = nodes.next() }
            guard next != nil else { throw PKIError(.malformed, "missing signature algorithm") }
            guard let issuerNode = nodes.next() else { throw PKIError(.malformed, "missing issuer") }
            let issuer = try DistinguishedName(derEncoded: issuerNode)
            guard let thisNode = nodes.next() else { throw PKIError(.malformed, "missing thisUpdate") }
            let thisUpdate = try PKITime.parseTime(thisNode)
            var nextUpdate: Date?
            var entries: [RevokedCertificate] = []
            var extensions: [Certificate.Extension] = []
            while let field = nodes.next() {
                switch field.identifier {
                case UTCTime.defaultIdentifier, GeneralizedTime.defaultIdentifier:
                    nextUpdate = try PKITime.parseTime(field)
                case .sequence:
                    entries = try DER.sequence(of: ASN1Any.self, identifier: .sequence, rootNode: field).map { try parseEntry(DER.parse(DEREncoding.encode($0))) }
                case ASN1Identifier(tagWithNumber: 0, tagClass: .contextSpecific):
                    extensions = try DER.explicitlyTagged(field, tagNumber: 0, tagClass: .contextSpecific) {
                        try DER.sequence(of: Certificate.Extension.self, identifier: .sequence, rootNode: $0)
                    }
                default:
                    throw PKIError(.malformed, "unexpected field in TBSCertList")
                }
            }
            return (issuer, thisUpdate, nextUpdate, entries, extensions, Array(node.encodedBytes))
        }
    }

    private static func parseEntry(_ node: ASN1Node) throws -> RevokedCertificate {
        try DER.sequence(node, identifier: .sequence) { nodes in
            guard let serialNode = nodes.next(), case .primitive(let serial) = serialNode.content else { throw PKIError(.malformed, "bad entry serial") }
            guard let dateNode = nodes.next() else { throw PKIError(.malformed, "missing revocationDate") }
            var entry = RevokedCertificate(serialNumber: Certificate.SerialNumber(bytes: Array(serial.drop(while: { $0 == 0 }))),
                                           revocationDate: try PKITime.parseTime(dateNode), reason: nil)
            if let extensionsNode = nodes.next() {
                for ext in try DER.sequence(of: Certificate.Extension.self, identifier: .sequence, rootNode: extensionsNode) {
                    if ext.oid == .PKIXExtensions.reasonCode, ext.value.count == 3 {
                        entry.reason = RevocationReason(rawValue: Int(ext.value[ext.value.startIndex + 2]))
                    } else if ext.oid == .PKIXExtensions.invalidityDate {
                        entry.invalidityDate = PKITime.date(try GeneralizedTime(derEncoded: ext.value))
                    }
                }
            }
            return entry
        }
    }

    /// True when `issuer`'s key made this CRL's signature.
    public func isSigned(by issuer: Certificate) -> Bool {
        guard let algorithm = Certificate.SignatureAlgorithm(algorithmIdentifier: signatureAlgorithm) else { return false }
        return issuer.publicKey.isValidSignature(signature, for: tbsBytes, signatureAlgorithm: algorithm)
    }
}
