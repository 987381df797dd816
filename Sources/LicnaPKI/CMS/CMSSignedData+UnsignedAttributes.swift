import SwiftASN1

extension CMSSignedData {
    /// The `signature` value of the SignerInfo at `signerIndex` in a DER ContentInfo — the bytes a caller
    /// timestamps for CAdES/PAdES B-T (ETSI EN 319 122-1 §5.3; RFC 3161 Appendix A: the message imprint of a
    /// signature timestamp is the hash of the signature value).
    public static func signatureValue(inContentInfoDER bytes: [UInt8], signerIndex: Int = 0) throws -> [UInt8] {
        let signedData = try CMSSignedData(contentInfoDER: bytes)
        guard signedData.signerInfos.indices.contains(signerIndex) else {
            throw PKIError(.signerNotFound, "no SignerInfo at index \(signerIndex)")
        }
        return signedData.signerInfos[signerIndex].signature
    }

    /// A DER ContentInfo equal to `bytes` except that `attribute` is appended to the unsigned attributes of the
    /// SignerInfo at `signerIndex` (RFC 5652 §5.3). Signed attributes and signatures are kept byte for byte.
    public static func addingUnsignedAttribute(
        _ attribute: CMSAttribute,
        toContentInfoDER bytes: [UInt8],
        signerIndex: Int = 0
    ) throws -> [UInt8] {
        var signedData = try CMSSignedData(contentInfoDER: bytes)
        guard signedData.signerInfos.indices.contains(signerIndex) else {
            throw PKIError(.signerNotFound, "no SignerInfo at index \(signerIndex)")
        }
        signedData.signerInfos[signerIndex] = signedData.signerInfos[signerIndex].addingUnsignedAttribute(attribute)
        return try signedData.contentInfoDER()
    }

    /// RFC 3161 Appendix A: `id-aa-timeStampToken` holding `tokenDER` (a ContentInfo) as its single value.
    public static func timeStampTokenAttribute(tokenDER: [UInt8]) throws -> CMSAttribute {
        let value = try PKIError.mappingMalformed("TimeStampToken") { ASN1Any(derEncoded: try DER.parse(tokenDER)) }
        return CMSAttribute(type: .CMS.timeStampTokenAttribute, values: [value])
    }
}
