import SwiftASN1
import X509

/// The parts of an RFC 6960 §4.1.1 request a responder acts on:
///
/// ```
/// OCSPRequest ::= SEQUENCE { tbsRequest TBSRequest, optionalSignature [0] EXPLICIT Signature OPTIONAL }
/// TBSRequest ::= SEQUENCE { version [0] EXPLICIT Version DEFAULT v1, requestorName [1] EXPLICIT GeneralName OPTIONAL,
///                           requestList SEQUENCE OF Request, requestExtensions [2] EXPLICIT Extensions OPTIONAL }
/// Request ::= SEQUENCE { reqCert CertID, singleRequestExtensions [0] EXPLICIT Extensions OPTIONAL }
/// ```
///
/// Signed requests are accepted but the signature is not needed (RFC 5019 §2.1.2: responders need not check it).
/// Requests in the shape clients send are read in one pass (`canonical(_:)`); the others through SwiftASN1.
public struct OCSPRequest: Equatable, Sendable {
    /// At most this many CertIDs per request; RFC 5019 §2.1.1 clients send one.
    public static let maximumCertIDs = 16
    /// RFC 8954 §2.1: nonces are 1 to 32 octets.
    public static let maximumNonceLength = 32

    public var certIDs: [OCSPCertID]
    /// The nonce extension as received, echoed verbatim in the response (RFC 6960 §4.4.1).
    public var nonceExtension: Certificate.Extension?

    init(certIDs: [OCSPCertID], nonceExtension: Certificate.Extension?) {
        self.certIDs = certIDs
        self.nonceExtension = nonceExtension
    }

    public init(derEncoded bytes: [UInt8]) throws {
        if let request = Self.canonical(bytes) {
            self = request
        } else {
            try self.init(fullyParsing: bytes)
        }
    }

    /// Every form RFC 6960 §4.1.1 allows — signed, with a version, a requestor name, per-request extensions — through
    /// SwiftASN1's node tree.
    public init(fullyParsing bytes: [UInt8]) throws {
        let root = try DER.parse(bytes)
        guard root.encodedBytes.count == bytes.count else { throw PKIError(.malformed, "trailing bytes after the OCSP request") }
        var certIDs: [OCSPCertID] = []
        var nonce: Certificate.Extension?
        try DER.sequence(root, identifier: .sequence) { outer in
            guard let tbs = outer.next() else { throw PKIError(.malformed, "missing tbsRequest") }
            try DER.sequence(tbs, identifier: .sequence) { nodes in
                var node = nodes.next()
                if let current = node, current.identifier == ASN1Identifier(tagWithNumber: 0, tagClass: .contextSpecific) {
                    let version = try DER.explicitlyTagged(current, tagNumber: 0, tagClass: .contextSpecific) { try Int(derEncoded: $0) }
                    guard version == 0 else { throw PKIError(.malformed, "unsupported OCSP request version \(version)") }
                    node = nodes.next()
                }
                if let current = node, current.identifier == ASN1Identifier(tagWithNumber: 1, tagClass: .contextSpecific) {
                    node = nodes.next()
                }
                guard let list = node else { throw PKIError(.malformed, "missing requestList") }
                try DER.sequence(list, identifier: .sequence) { requests in
                    while let request = requests.next() {
                        guard certIDs.count < Self.maximumCertIDs else { throw PKIError(.malformed, "too many CertIDs in one request") }
                        try DER.sequence(request, identifier: .sequence) { fields in
                            guard let certID = fields.next() else { throw PKIError(.malformed, "missing reqCert") }
                            certIDs.append(try OCSPCertID(derEncoded: certID))
                            if let extra = fields.next() {
                                guard extra.identifier == ASN1Identifier(tagWithNumber: 0, tagClass: .contextSpecific) else {
                                    throw PKIError(.malformed, "unexpected field in Request")
                                }
                            }
                            guard fields.next() == nil else { throw PKIError(.malformed, "unexpected field in Request") }
                        }
                    }
                }
                guard !certIDs.isEmpty else { throw PKIError(.malformed, "empty requestList") }
                if let extensionsNode = nodes.next() {
                    guard extensionsNode.identifier == ASN1Identifier(tagWithNumber: 2, tagClass: .contextSpecific) else {
                        throw PKIError(.malformed, "unexpected field in TBSRequest")
                    }
                    let extensions = try DER.explicitlyTagged(extensionsNode, tagNumber: 2, tagClass: .contextSpecific) {
                        try DER.sequence(of: Certificate.Extension.self, identifier: .sequence, rootNode: $0)
                    }
                    nonce = extensions.first { $0.oid == .PKIXExtensions.ocspNonce }
                }
                guard nodes.next() == nil else { throw PKIError(.malformed, "unexpected field in TBSRequest") }
            }
            if let signature = outer.next() {
                guard signature.identifier == ASN1Identifier(tagWithNumber: 0, tagClass: .contextSpecific) else {
                    throw PKIError(.malformed, "unexpected field in OCSPRequest")
                }
            }
            guard outer.next() == nil else { throw PKIError(.malformed, "unexpected field in OCSPRequest") }
        }
        if let nonce {
            // The value is an OCTET STRING holding the nonce (RFC 8954 §2.1); some clients send raw bytes.
            let length = (try? ASN1OctetString(derEncoded: nonce.value))?.bytes.count ?? nonce.value.count
            guard (1...Self.maximumNonceLength).contains(length) else {
                throw PKIError(.malformed, "the nonce must be 1 to 32 octets (RFC 8954)")
            }
        }
        self.certIDs = certIDs
        self.nonceExtension = nonce
    }
}

extension OCSPRequest {
    /// Encodes an unsigned request for `certIDs`, with a nonce extension when `nonce` is given (RFC 6960 §4.1.1,
    /// RFC 8954 §2.1): what a client sends, and what validators use to fetch status.
    public static func encode(certIDs: [OCSPCertID], nonce: [UInt8]? = nil) throws -> [UInt8] {
        try DEREncoding.encode { coder in
            try coder.appendConstructedNode(identifier: .sequence) { coder in
                try coder.appendConstructedNode(identifier: .sequence) { coder in
                    coder.appendConstructedNode(identifier: .sequence) { coder in
                        for certID in certIDs {
                            coder.appendConstructedNode(identifier: .sequence) { $0.serializeRawBytes(certID.encoded) }
                        }
                    }
                    if let nonce {
                        try coder.serialize(explicitlyTaggedWithTagNumber: 2, tagClass: .contextSpecific) { coder in
                            try coder.serializeExtensions([Certificate.Extension(
                                oid: .PKIXExtensions.ocspNonce, critical: false,
                                value: try DEREncoding.encode(ASN1OctetString(contentBytes: nonce[...]))[...])])
                        }
                    }
                }
            }
        }
    }
}
