import Crypto
import Foundation
import LicnaBasics
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
    private let signatureAlgorithm: Certificate.SignatureAlgorithm
    /// The parts that are the same in every answer, encoded once: `responderID byKey [2] EXPLICIT KeyHash`, the
    /// signature's AlgorithmIdentifier, `certs [0] EXPLICIT SEQUENCE OF Certificate` and the id-pkix-ocsp-basic OID.
    private let responderID: [UInt8]
    private let algorithmIdentifier: [UInt8]
    private let certificates: [UInt8]
    private let basicResponseType: [UInt8]

    public init(responder: SigningAuthority) throws {
        typealias Tag = DERConcatenation.Tag
        self.responder = responder
        signatureAlgorithm = responder.signatureAlgorithm
        let keyHash = Array(Insecure.SHA1.hash(data: Array(responder.certificate.publicKey.subjectPublicKeyInfoBytes)))
        responderID = DERConcatenation.element(Tag.contextConstructed(2), DERConcatenation.element(Tag.octetString, keyHash))
        algorithmIdentifier = try DEREncoding.encode(try signatureAlgorithm.algorithmIdentifier)
        certificates = DERConcatenation.element(Tag.contextConstructed(0),
                                                DERConcatenation.element(Tag.sequence, try DEREncoding.encode(responder.certificate)))
        basicResponseType = try DEREncoding.encode(ASN1ObjectIdentifier.PKIXExtensions.ocspBasic)
    }

    /// A complete, signed `OCSPResponse` with status successful. Written by concatenation (`DERConcatenation`):
    /// it is the responder's hot path, and only the answers, the times and the nonce change between responses.
    public func build(answers: [OCSPSingleAnswer], producedAt: Date, nonceExtension: Certificate.Extension?) throws -> [UInt8] {
        typealias Tag = DERConcatenation.Tag
        var tbsParts = [responderID, try Self.generalizedTime(producedAt), DERConcatenation.element(Tag.sequence, try answers.map(Self.singleResponse))]
        if let nonceExtension {
            tbsParts.append(DERConcatenation.element(Tag.contextConstructed(1),
                                                     DERConcatenation.element(Tag.sequence, try DEREncoding.encode(nonceExtension))))
        }
        let tbs = DERConcatenation.element(Tag.sequence, tbsParts)
        let signature = try responder.privateKey.sign(bytes: tbs, signatureAlgorithm: signatureAlgorithm)
        let signatureBits = DERConcatenation.element(Tag.bitString, [0], Array(signature.rawRepresentation))  // no unused bits
        let basic = DERConcatenation.element(Tag.sequence, tbs, algorithmIdentifier, signatureBits, certificates)
        let responseBytes = DERConcatenation.element(Tag.sequence, basicResponseType, DERConcatenation.element(Tag.octetString, basic))
        return DERConcatenation.element(Tag.sequence, [Tag.enumerated, 1, OCSPResponseStatus.successful.rawValue],
                                        DERConcatenation.element(Tag.contextConstructed(0), responseBytes))
    }

    /// `SingleResponse ::= SEQUENCE { certID CertID, certStatus CertStatus, thisUpdate GeneralizedTime,
    ///  nextUpdate [0] EXPLICIT GeneralizedTime OPTIONAL, singleExtensions [1] EXPLICIT Extensions OPTIONAL }`, with
    /// `CertStatus ::= CHOICE { good [0] IMPLICIT NULL, revoked [1] IMPLICIT RevokedInfo, unknown [2] IMPLICIT UnknownInfo }`.
    private static func singleResponse(_ answer: OCSPSingleAnswer) throws -> [UInt8] {
        typealias Tag = DERConcatenation.Tag
        let status: [UInt8]
        switch answer.status {
        case .good:
            status = [Tag.contextPrimitive(0), 0]
        case .revoked(let time, let reason):
            // RevokedInfo ::= SEQUENCE { revocationTime GeneralizedTime, revocationReason [0] EXPLICIT CRLReason OPTIONAL }
            var info = [try Self.generalizedTime(time)]
            if let reason {
                info.append(DERConcatenation.element(Tag.contextConstructed(0), [Tag.enumerated, 1, UInt8(reason.rawValue)]))
            }
            status = DERConcatenation.element(Tag.contextConstructed(1), info)
        case .unknown:
            status = [Tag.contextPrimitive(2), 0]
        }
        var parts = [answer.certID.encoded, status, try Self.generalizedTime(answer.thisUpdate)]
        if let nextUpdate = answer.nextUpdate {
            parts.append(DERConcatenation.element(Tag.contextConstructed(0), try Self.generalizedTime(nextUpdate)))
        }
        return DERConcatenation.element(Tag.sequence, parts)
    }

    private static func generalizedTime(_ date: Date) throws -> [UInt8] {
        guard let encoded = DERConcatenation.generalizedTime(UTCDateTime(date)) else {
            throw PKIError(.profileViolation, "a time outside the years 0000-9999 cannot be a GeneralizedTime")
        }
        return encoded
    }
}
