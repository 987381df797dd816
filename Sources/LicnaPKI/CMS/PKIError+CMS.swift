import LicnaBasics
import SwiftASN1

extension ErrorCode {
    /// RFC 5652 §11.1: the content-type attribute does not name the encapsulated content type.
    public static let contentTypeMismatch = ErrorCode("content-type-mismatch")
    /// RFC 5035 §5.4: the signing-certificate(-v2) attribute does not identify the signer certificate.
    public static let signingCertificateMismatch = ErrorCode("signing-certificate-mismatch")
    /// RFC 3161 §2.4.2: the nonce in a reply differs from the one in the request.
    public static let nonceMismatch = ErrorCode("nonce-mismatch")
    // RFC 3161 §2.4.1 `badRequest` (syntactically valid, but violates the protocol: version, hash length) is the
    // shared `.badRequest`.
    /// RFC 3161 §2.4.2: the request asks for a policy the TSA does not offer.
    public static let unacceptedPolicy = ErrorCode("unaccepted-policy")
    /// RFC 3161 §2.4.2: the request carries an extension the TSA does not support.
    public static let unacceptedExtension = ErrorCode("unaccepted-extension")
    /// RFC 3161 §2.4.2: the TSA answered with a status other than granted.
    public static let timeStampRejected = ErrorCode("time-stamp-rejected")
}

extension PKIError {
    /// Runs `body`, passing `PKIError`s through and turning any other error (ASN.1 parsing, X.509) into `.malformed`.
    static func mappingMalformed<T>(_ what: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as PKIError {
            throw error
        } catch {
            throw PKIError(.malformed, "\(what): \(error)")
        }
    }
}

extension DERSerializable {
    /// The DER encoding of the value as a byte array.
    func cmsDERBytes() throws -> [UInt8] {
        var serializer = DER.Serializer()
        try serializer.serialize(self)
        return serializer.serializedBytes
    }
}

extension ASN1Identifier {
    /// Context-specific tag `[n]`, as used by RFC 5652 and RFC 3161 for tagged fields.
    static func cmsContext(_ number: UInt) -> ASN1Identifier {
        ASN1Identifier(tagWithNumber: number, tagClass: .contextSpecific)
    }
}
