import Foundation
import SwiftASN1
import X509

/// A parsed RFC 6960 §4.2.1 response, for clients and validators: the status, and for a successful response the
/// basic response's answers, nonce, embedded certificates and a signature check.
public struct OCSPResponse: Sendable {
    public struct SingleResponse: Sendable {
        public var certID: OCSPCertID
        public var status: OCSPCertificateStatus
        public var thisUpdate: Date
        public var nextUpdate: Date?
    }

    public var status: OCSPResponseStatus
    public var responses: [SingleResponse] = []
    public var producedAt: Date?
    /// The nonce extension's value (an OCTET STRING's DER), if the responder echoed one.
    public var nonceValue: [UInt8]?
    public var certificates: [Certificate] = []
    public var tbsResponseData: [UInt8] = []
    public var signatureAlgorithm: AlgorithmIdentifier?
    public var signature: [UInt8] = []

    public init(derEncoded bytes: [UInt8]) throws {
        var status = OCSPResponseStatus.internalError
        var basic: [UInt8]?
        try DER.sequence(try DER.parse(bytes), identifier: .sequence) { nodes in
            guard let statusNode = nodes.next(), statusNode.identifier == .enumerated, case .primitive(let value) = statusNode.content,
                  value.count == 1, let parsed = OCSPResponseStatus(rawValue: value[value.startIndex]) else {
                throw PKIError(.malformed, "bad responseStatus")
            }
            status = parsed
            if let bytesNode = nodes.next() {
                basic = try DER.explicitlyTagged(bytesNode, tagNumber: 0, tagClass: .contextSpecific) { node in
                    try DER.sequence(node, identifier: .sequence) { fields in
                        let type = try ASN1ObjectIdentifier(derEncoded: &fields)
                        guard type == .PKIXExtensions.ocspBasic else { throw PKIError(.malformed, "not a basic OCSP response") }
                        return Array(try ASN1OctetString(derEncoded: &fields).bytes)
                    }
                }
            }
        }
        self.status = status
        if let basic { try parseBasic(basic) }
    }

    private mutating func parseBasic(_ bytes: [UInt8]) throws {
        try DER.sequence(try DER.parse(bytes), identifier: .sequence) { nodes in
            guard let tbs = nodes.next() else { throw PKIError(.malformed, "missing tbsResponseData") }
            tbsResponseData = Array(tbs.encodedBytes)
            signatureAlgorithm = try AlgorithmIdentifier(derEncoded: &nodes)
            signature = Array(try ASN1BitString(derEncoded: &nodes).bytes)
            if let certs = nodes.next() {
                certificates = try DER.explicitlyTagged(certs, tagNumber: 0, tagClass: .contextSpecific) {
                    try DER.sequence(of: Certificate.self, identifier: .sequence, rootNode: $0)
                }
            }
            try DER.sequence(tbs, identifier: .sequence) { fields in
                var node = fields.next()
                if let version = node, version.identifier == ASN1Identifier(tagWithNumber: 0, tagClass: .contextSpecific) { node = fields.next() }
                guard node != nil, let produced = fields.next() else { throw PKIError(.malformed, "missing responderID or producedAt") }
                producedAt = PKITime.date(try GeneralizedTime(derEncoded: produced))
                guard let list = fields.next() else { throw PKIError(.malformed, "missing responses") }
                responses = try DER.sequence(list, identifier: .sequence) { items in
                    var result: [SingleResponse] = []
                    while let item = items.next() { result.append(try Self.parseSingle(item)) }
                    return result
                }
                if let extensionsNode = fields.next() {
                    let extensions = try DER.explicitlyTagged(extensionsNode, tagNumber: 1, tagClass: .contextSpecific) {
                        try DER.sequence(of: Certificate.Extension.self, identifier: .sequence, rootNode: $0)
                    }
                    nonceValue = extensions.first { $0.oid == .PKIXExtensions.ocspNonce }.map { Array($0.value) }
                }
            }
        }
    }

    private static func parseSingle(_ node: ASN1Node) throws -> SingleResponse {
        try DER.sequence(node, identifier: .sequence) { fields in
            guard let idNode = fields.next(), let statusNode = fields.next(), let thisNode = fields.next() else {
                throw PKIError(.malformed, "incomplete SingleResponse")
            }
            let certID = try OCSPCertID(derEncoded: idNode)
            let status: OCSPCertificateStatus
            switch statusNode.identifier {
            case ASN1Identifier(tagWithNumber: 0, tagClass: .contextSpecific): status = .good
            case ASN1Identifier(tagWithNumber: 2, tagClass: .contextSpecific): status = .unknown
            case ASN1Identifier(tagWithNumber: 1, tagClass: .contextSpecific):
                status = try DER.sequence(statusNode, identifier: statusNode.identifier) { info in
                    let time = PKITime.date(try GeneralizedTime(derEncoded: &info))
                    var reason: RevocationReason?
                    if let reasonNode = info.next() {
                        reason = try DER.explicitlyTagged(reasonNode, tagNumber: 0, tagClass: .contextSpecific) { inner in
                            guard case .primitive(let value) = inner.content, value.count == 1 else { throw PKIError(.malformed, "bad reason") }
                            return RevocationReason(rawValue: Int(value[value.startIndex]))
                        }
                    }
                    return .revoked(time: time, reason: reason)
                }
            default: throw PKIError(.malformed, "bad certStatus")
            }
            let thisUpdate = PKITime.date(try GeneralizedTime(derEncoded: thisNode))
            var nextUpdate: Date?
            if let next = fields.next() {
                nextUpdate = try DER.explicitlyTagged(next, tagNumber: 0, tagClass: .contextSpecific) { PKITime.date(try GeneralizedTime(derEncoded: $0)) }
            }
            return SingleResponse(certID: certID, status: status, thisUpdate: thisUpdate, nextUpdate: nextUpdate)
        }
    }

    /// True when `responder`'s key made the signature over the response data.
    public func isSigned(by responder: Certificate) -> Bool {
        guard let algorithm = signatureAlgorithm.flatMap(Certificate.SignatureAlgorithm.init(algorithmIdentifier:)) else { return false }
        return responder.publicKey.isValidSignature(signature, for: tbsResponseData, signatureAlgorithm: algorithm)
    }
}
