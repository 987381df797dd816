import SwiftASN1
import X509

/// EF.SOD, the document security object (ICAO 9303-10 §4.6.2): the application tag `77` wrapping a CMS
/// ContentInfo whose SignedData (RFC 5652 §5, profile of ICAO 9303-10 §4.6.2.2) encapsulates an
/// `LDSSecurityObject` (eContentType `id-icao-mrtd-security-ldsSecurityObject`, 2.23.136.1.1.1) and carries the
/// Document Signer certificate.
public struct DocumentSecurityObject: Hashable, Sendable {
    /// The `77` application tag (ICAO 9303-10 §4.6.2, Table 35): [APPLICATION 23], constructed.
    public static let tag = ASN1Identifier(tagWithNumber: 23, tagClass: .application)

    /// The SignedData as decoded.
    public let signedData: CMSSignedData
    /// The DER of the ContentInfo inside the `77` wrapper (what `openssl cms -verify -inform DER` reads).
    public let contentInfoDER: [UInt8]
    /// The encapsulated security object.
    public let securityObject: LDSSecurityObject

    /// The Document Signer certificate: the first certificate in the SignedData (ICAO 9303-10 §4.6.2.2 requires
    /// it there), or nil.
    public var documentSigner: Certificate? { signedData.certificates.first }

    /// Parses EF.SOD bytes: `77 { ContentInfo }`. Errors are `PKIError(.malformed)`.
    public init(efSOD bytes: [UInt8]) throws {
        let contentInfo = try Self.unwrap(efSOD: bytes)
        let signedData = try CMSSignedData(contentInfoDER: contentInfo)
        guard signedData.encapsulatedContentInfo.contentType == .ICAO.ldsSecurityObject else {
            throw PKIError(.malformed, "EF.SOD's eContentType is \(signedData.encapsulatedContentInfo.contentType), not 2.23.136.1.1.1")
        }
        guard let content = signedData.encapsulatedContentInfo.content else {
            throw PKIError(.malformed, "EF.SOD's SignedData is detached; ICAO 9303-10 §4.6.2.2 encapsulates the LDSSecurityObject")
        }
        self.signedData = signedData
        self.contentInfoDER = contentInfo
        self.securityObject = try LDSSecurityObject(derEncoded: content)
    }

    /// The ContentInfo DER inside EF.SOD's `77` wrapper.
    public static func unwrap(efSOD bytes: [UInt8]) throws -> [UInt8] {
        try PKIError.mappingMalformed("EF.SOD") {
            let root = try DER.parse(bytes)
            guard root.identifier == tag, case .constructed(let children) = root.content else {
                throw PKIError(.malformed, "EF.SOD does not start with the 77 tag")
            }
            var iterator = children.makeIterator()
            guard let contentInfo = iterator.next(), iterator.next() == nil else {
                throw PKIError(.malformed, "EF.SOD must hold exactly one ContentInfo")
            }
            return Array(contentInfo.encodedBytes)
        }
    }

    /// `contentInfoDER` wrapped in the `77` tag.
    public static func wrap(contentInfoDER: [UInt8]) -> [UInt8] {
        var coder = DER.Serializer()
        coder.appendConstructedNode(identifier: tag) { $0.serializeRawBytes(contentInfoDER) }
        return coder.serializedBytes
    }

    /// Builds EF.SOD for `dataGroups` (number → whole data group file): hashes them into an LDSSecurityObject
    /// with `digestAlgorithm`, signs it with the Document Signer key through `CMSSignedDataBuilder` (signed
    /// attributes content-type and message-digest, signer by issuer and serial number, the DS certificate
    /// included) and wraps the ContentInfo in `77`.
    public static func build(
        dataGroups: [Int: [UInt8]],
        digestAlgorithm: DigestAlgorithm = .sha256,
        documentSigner: Certificate,
        signer: some SignatureProducer
    ) async throws -> [UInt8] {
        try await build(securityObject: LDSSecurityObject(hashing: dataGroups, with: digestAlgorithm),
                        documentSigner: documentSigner, signer: signer)
    }

    /// Builds EF.SOD for a prepared security object, the SignedData digest being the security object's hash.
    public static func build(
        securityObject: LDSSecurityObject,
        documentSigner: Certificate,
        signer: some SignatureProducer
    ) async throws -> [UInt8] {
        guard let digestAlgorithm = securityObject.digestAlgorithm else {
            throw PKIError(.unsupportedAlgorithm, "hash algorithm \(securityObject.hashAlgorithm.algorithm)")
        }
        let builder = CMSSignedDataBuilder(
            content: try securityObject.derBytes(), signerCertificate: documentSigner,
            contentType: .ICAO.ldsSecurityObject, detached: false, digestAlgorithm: digestAlgorithm)
        return wrap(contentInfoDER: try await builder.sign(signer: signer))
    }
}
