import Crypto
import Foundation
import SwiftASN1
import X509

/// Signs RFC 6960 §4.2.1 responses with a delegated responder certificate (§4.2.2.2), in the RFC 5019 profile:
/// responder identified by key hash, GeneralizedTime without fractions, the responder certificate included.
///
/// ```
/// OCSPResponse ::= SEQUENCE { responseStatus OCSPResponseStatus, responseBytes [0] EXPLICIT ResponseBytes OPTIONAL }
/// ResponseBytes ::= SEQUENCE { responseType OBJECT IDENTIFIER, response OCTET STRING }
/// BasicOCSPResponse ::= SEQUENCE { tbsResponseData ResponseData, signatureAlgorithm AlgorithmIdentifier,
///                                  signature BIT STRING, certs [0] EXPLICIT SEQUENCE OF Certificate OPTIONAL }
/// ResponseData ::= SEQUENCE { version [0] EXPLICIT Version DEFAULT v1, responderID ResponderID,
///                             producedAt GeneralizedTime, responses SEQUENCE OF SingleResponse,
///                             responseExtensions [1] EXPLICIT Extensions OPTIONAL }
/// ```
public struct OCSPResponseBuilder: Sendable {
    public let responder: SigningAuthority
    private let responderKeyHash: [UInt8]
    private let responderCertificateDER: [UInt8]
    private let signatureAlgorithm: Certificate.SignatureAlgorithm
    private let algorithmIdentifier: AlgorithmIdentifier

    public init(responder: SigningAuthority) throws {
        self.responder = responder
        responderKeyHash = Array(Insecure.SHA1.hash(data: Array(responder.certificate.publicKey.subjectPublicKeyInfoBytes)))
        responderCertificateDER = try DEREncoding.encode(responder.certificate)
        signatureAlgorithm = responder.signatureAlgorithm
        algorithmIdentifier = try signatureAlgorithm.algorithmIdentifier
    }

    /// A complete, signed `OCSPResponse` with status successful.
    public func build(answers: [OCSPSingleAnswer], producedAt: Date, nonceExtension: Certificate.Extension?) throws -> [UInt8] {
        let tbs = try DEREncoding.encode { coder in
            try coder.appendConstructedNode(identifier: .sequence) { coder in
                // ResponderID byKey [2] EXPLICIT KeyHash
                try coder.serialize(explicitlyTaggedWithTagNumber: 2, tagClass: .contextSpecific) { coder in
                    try coder.serialize(ASN1OctetString(contentBytes: responderKeyHash[...]))
                }
                try coder.serialize(try PKITime.generalizedTime(producedAt))
                try coder.appendConstructedNode(identifier: .sequence) { coder in
                    for answer in answers { try serialize(answer, into: &coder) }
                }
                if let nonceExtension {
                    try coder.serialize(explicitlyTaggedWithTagNumber: 1, tagClass: .contextSpecific) { coder in
                        try coder.serializeExtensions([nonceExtension])
                    }
                }
            }
        }
        let signature = try responder.privateKey.sign(bytes: tbs, signatureAlgorithm: signatureAlgorithm)
        let basic = try DEREncoding.encode { coder in
            try coder.appendConstructedNode(identifier: .sequence) { coder in
                coder.serializeRawBytes(tbs)
                try coder.serialize(algorithmIdentifier)
                try coder.serialize(ASN1BitString(bytes: signature.rawRepresentation[...]))
                coder.serialize(explicitlyTaggedWithTagNumber: 0, tagClass: .contextSpecific) { coder in
                    coder.appendConstructedNode(identifier: .sequence) { $0.serializeRawBytes(responderCertificateDER) }
                }
            }
        }
        return try DEREncoding.encode { coder in
            try coder.appendConstructedNode(identifier: .sequence) { coder in
                coder.serializeEnumerated(OCSPResponseStatus.successful.rawValue)
                try coder.serialize(explicitlyTaggedWithTagNumber: 0, tagClass: .contextSpecific) { coder in
                    try coder.appendConstructedNode(identifier: .sequence) { coder in
                        try coder.serialize(ASN1ObjectIdentifier.PKIXExtensions.ocspBasic)
                        try coder.serialize(ASN1OctetString(contentBytes: basic[...]))
                    }
                }
            }
        }
    }

    /// `SingleResponse ::= SEQUENCE { certID CertID, certStatus CertStatus, thisUpdate GeneralizedTime,
    ///  nextUpdate [0] EXPLICIT GeneralizedTime OPTIONAL, singleExtensions [1] EXPLICIT Extensions OPTIONAL }`
    private func serialize(_ answer: OCSPSingleAnswer, into coder: inout DER.Serializer) throws {
        try coder.appendConstructedNode(identifier: .sequence) { coder in
            coder.serializeRawBytes(answer.certID.encoded)
            switch answer.status {
            case .good:
                coder.appendContextPrimitive(tag: 0, bytes: [UInt8]())
            case .revoked(let time, let reason):
                // RevokedInfo ::= SEQUENCE { revocationTime GeneralizedTime, revocationReason [0] EXPLICIT CRLReason OPTIONAL }
                try coder.appendConstructedNode(identifier: ASN1Identifier(tagWithNumber: 1, tagClass: .contextSpecific)) { coder in
                    try coder.serialize(try PKITime.generalizedTime(time))
                    if let reason {
                        coder.appendConstructedNode(identifier: ASN1Identifier(tagWithNumber: 0, tagClass: .contextSpecific)) {
                            $0.serializeEnumerated(UInt8(reason.rawValue))
                        }
                    }
                }
            case .unknown:
                coder.appendContextPrimitive(tag: 2, bytes: [UInt8]())
            }
            try coder.serialize(try PKITime.generalizedTime(answer.thisUpdate))
            if let nextUpdate = answer.nextUpdate {
                try coder.serialize(explicitlyTaggedWithTagNumber: 0, tagClass: .contextSpecific) { coder in
                    try coder.serialize(try PKITime.generalizedTime(nextUpdate))
                }
            }
        }
    }
}
