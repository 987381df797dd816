import Crypto
import Foundation
import LicnaPKI
import LicnaTestSupport
import SwiftASN1
import Testing
import X509

@Suite struct CMSTests {
    let pki: CMSTestPKI
    init() throws { pki = try CMSTestPKI() }

    var signer: SoftwareSignatureProducer { SoftwareSignatureProducer(privateKey: pki.signerKey) }

    func code(_ body: () throws -> Void) -> PKIError.Code? {
        do {
            try body()
            return nil
        } catch {
            return (error as? PKIError)?.code ?? PKIError.Code("not-a-PKIError: \(error)")
        }
    }

    @Test func encapsulatedRoundTrip() async throws {
        let content = Array("Licna CMS test".utf8)
        let der = try await CMSSignedDataBuilder(content: content, signerCertificate: pki.signer, additionalCertificates: [pki.root])
            .sign(signer: signer)
        let result = try CMSSignedDataVerifier().verify(der)
        #expect(result.content == content)
        #expect(result.contentType == .CMS.data)
        #expect(result.signerCertificate == pki.signer)
        #expect(Set(result.certificates) == [pki.signer, pki.root])
        #expect(result.digestAlgorithm == .sha256)
        #expect(result.hasSigningCertificateV2)
        #expect(result.signingTime == nil)
        #expect(result.unsignedAttributes.isEmpty)
        let types = Set(result.signedAttributes.map(\.type))
        #expect(types == [.CMS.contentTypeAttribute, .CMS.messageDigestAttribute, .CMS.signingCertificateV2Attribute])
        let signedData = try CMSSignedData(contentInfoDER: der)
        #expect(signedData.version == 1)
        #expect(signedData.signerInfos[0].version == 1)
        // RFC 5652 §5.4: the DER SET OF is sorted by encoding.
        let encodings = try signedData.signerInfos[0].signedAttributes!.map { try CMSTestDER.bytes($0) }
        #expect(encodings == encodings.sorted { $0.lexicographicallyPrecedes($1) })
        #expect(try signedData.contentInfoDER() == der)
    }

    @Test func detachedP384WithSigningTimeAndKeyIdentifier() async throws {
        let content = Array(repeating: UInt8(0x5A), count: 10_000)
        let time = Date(timeIntervalSince1970: 1_750_000_000)
        var builder = CMSSignedDataBuilder(
            content: content, signerCertificate: pki.root, contentType: .ICAO.ldsSecurityObject, detached: true,
            digestAlgorithm: .sha384, signingTime: time)
        builder.identifiesSignerByKeyIdentifier = true
        let der = try await builder.sign(signer: SoftwareSignatureProducer(privateKey: pki.rootKey))
        let signedData = try CMSSignedData(contentInfoDER: der)
        #expect(signedData.version == 3)
        #expect(signedData.encapsulatedContentInfo.content == nil)
        guard case .subjectKeyIdentifier = signedData.signerInfos[0].signerIdentifier else {
            Issue.record("expected a subjectKeyIdentifier sid")
            return
        }
        let verifier = CMSSignedDataVerifier()
        let result = try verifier.verify(der, detachedContent: .bytes(content))
        #expect(result.signingTime == time)
        #expect(result.contentType == .ICAO.ldsSecurityObject)
        #expect(result.signers[0].signatureAlgorithm == .ecdsaWithSHA384)
        _ = try verifier.verify(der, detachedContent: .digest(DigestAlgorithm.sha384.hash(content), .sha384))
        #expect(code { _ = try verifier.verify(der) } == .malformed)
        #expect(code { _ = try verifier.verify(der, detachedContent: .digest(DigestAlgorithm.sha256.hash(content), .sha256)) } == .digestMismatch)
    }

    @Test func precomputedDigestForPAdES() async throws {
        let byteRange = Array("%PDF-1.7 … ByteRange content".utf8)
        var builder = CMSSignedDataBuilder(content: [], signerCertificate: pki.signer, detached: true)
        builder.precomputedDigest = DigestAlgorithm.sha256.hash(byteRange)
        let der = try await builder.sign(signer: signer)
        let result = try CMSSignedDataVerifier().verify(der, detachedContent: .bytes(byteRange))
        #expect(result.signerCertificate == pki.signer)
        #expect(result.digestAlgorithm == .sha256)
        #expect(result.content == nil)
        // The signature is over the precomputed digest: other bytes do not verify.
        var other = byteRange
        other[0] ^= 0x01
        #expect(code { _ = try CMSSignedDataVerifier().verify(der, detachedContent: .bytes(other)) } == .digestMismatch)
    }

    @Test func tamperedContentIsDigestMismatch() async throws {
        let content = Array("pay 100 to Ana".utf8)
        let der = try await CMSSignedDataBuilder(content: content, signerCertificate: pki.signer).sign(signer: signer)
        var signedData = try CMSSignedData(contentInfoDER: der)
        signedData.encapsulatedContentInfo.content![4] ^= 0x01
        #expect(code { _ = try CMSSignedDataVerifier().verify(try signedData.contentInfoDER()) } == .digestMismatch)
        // The same byte flipped in the DER itself.
        var raw = der
        let offset = try #require(CMSTestDER.range(of: content, in: raw)).lowerBound
        raw[offset + 4] ^= 0x01
        #expect(code { _ = try CMSSignedDataVerifier().verify(raw) } == .digestMismatch)
        let detached = try await CMSSignedDataBuilder(content: content, signerCertificate: pki.signer, detached: true)
            .sign(signer: signer)
        var other = content
        other[0] ^= 0x20
        #expect(code { _ = try CMSSignedDataVerifier().verify(detached, detachedContent: .bytes(other)) } == .digestMismatch)
    }

    @Test func tamperedSignatureIsBadSignature() async throws {
        let der = try await CMSSignedDataBuilder(content: [1, 2, 3], signerCertificate: pki.signer).sign(signer: signer)
        var signedData = try CMSSignedData(contentInfoDER: der)
        let last = signedData.signerInfos[0].signature.count - 1
        signedData.signerInfos[0].signature[last] ^= 0x01
        #expect(code { _ = try CMSSignedDataVerifier().verify(try signedData.contentInfoDER()) } == .badSignature)
        // A signature by another key over the same attributes.
        var forged = try CMSSignedData(contentInfoDER: der)
        let input = try #require(forged.signerInfos[0].signedAttributesSignatureInput)
        forged.signerInfos[0].signature = try await SoftwareSignatureProducer(privateKey: pki.otherKey).signature(for: input)
        #expect(code { _ = try CMSSignedDataVerifier().verify(try forged.contentInfoDER()) } == .badSignature)
        // A changed eContentType no longer matches the content-type attribute.
        var retyped = try CMSSignedData(contentInfoDER: der)
        retyped.encapsulatedContentInfo.contentType = .CMS.tstInfo
        #expect(code { _ = try CMSSignedDataVerifier().verify(try retyped.contentInfoDER()) } == .contentTypeMismatch)
    }

    @Test func signerCertificateLookup() async throws {
        var builder = CMSSignedDataBuilder(content: [9], signerCertificate: pki.signer)
        builder.includesCertificates = false
        let der = try await builder.sign(signer: signer)
        #expect(try CMSSignedData(contentInfoDER: der).certificates.isEmpty)
        #expect(code { _ = try CMSSignedDataVerifier().verify(der) } == .signerNotFound)
        #expect(code { _ = try CMSSignedDataVerifier(additionalCertificates: [pki.other, pki.root]).verify(der) } == .signerNotFound)
        let result = try CMSSignedDataVerifier(additionalCertificates: [pki.other, pki.signer]).verify(der)
        #expect(result.signerCertificate == pki.signer)
        // The signer's key must be the certificate's.
        await #expect(throws: PKIError.self) {
            _ = try await CMSSignedDataBuilder(content: [9], signerCertificate: pki.other).sign(signer: signer)
        }
    }

    @Test func signingCertificateAttributeMustNameTheSigner() async throws {
        var builder = CMSSignedDataBuilder(content: [7], signerCertificate: pki.signer)
        builder.includesSigningCertificateV2 = false
        let wrong = ESSSigningCertificateV2(certificates: [try ESSCertIDv2(certificate: pki.other)])
        builder.additionalSignedAttributes = [try CMSAttribute(type: .CMS.signingCertificateV2Attribute, value: wrong)]
        let der = try await builder.sign(signer: signer)
        #expect(code { _ = try CMSSignedDataVerifier().verify(der) } == .signingCertificateMismatch)
        builder.additionalSignedAttributes = []
        let without = try await builder.sign(signer: signer)
        #expect(try CMSSignedDataVerifier().verify(without).hasSigningCertificateV2 == false)
        // Version 1 (SHA-1 ESSCertID) is checked too.
        let sha1 = DigestAlgorithm.sha1.hash(try CMSTestDER.bytes(pki.signer))
        let v1 = ESSSigningCertificate(certificates: [ESSCertID(certificateHash: sha1, issuerSerial: ESSIssuerSerial(certificate: pki.signer))])
        builder.additionalSignedAttributes = [try CMSAttribute(type: ESSSigningCertificate.attributeType, value: v1)]
        #expect(try CMSSignedDataVerifier().verify(try await builder.sign(signer: signer)).signers[0].hasSigningCertificate)
    }

    @Test func essCertIDv2OmitsDefaultSHA256() throws {
        let id = try ESSCertIDv2(certificate: pki.signer)
        let der = try CMSTestDER.bytes(id)
        #expect(try CMSTestDER.firstChild(der).identifier == .octetString)  // certHash directly, no AlgorithmIdentifier
        #expect(id.certificateHash == DigestAlgorithm.sha256.hash(try CMSTestDER.bytes(pki.signer)))
        let decoded = try ESSCertIDv2(derEncoded: try DER.parse(der))
        #expect(decoded == id)
        #expect(decoded.matches(pki.signer) && !decoded.matches(pki.other))
        let sha384 = try ESSCertIDv2(certificate: pki.signer, hashAlgorithm: .sha384)
        let der384 = try CMSTestDER.bytes(sha384)
        #expect(try CMSTestDER.firstChild(der384).identifier == .sequence)
        #expect(try ESSCertIDv2(derEncoded: try DER.parse(der384)) == sha384)
    }

    @Test func unsignedTimestampAttributeAddedLater() async throws {
        let content = Array("CAdES B-T".utf8)
        let der = try await CMSSignedDataBuilder(content: content, signerCertificate: pki.signer).sign(signer: signer)
        let signatureValue = try CMSSignedData.signatureValue(inContentInfoDER: der)
        let responder = try TimeStampResponder(certificate: pki.tsa, signer: SoftwareSignatureProducer(privateKey: pki.tsaKey))
        let request = TimeStampRequest(messageImprint: MessageImprint(hashing: signatureValue, with: .sha256), certificateRequested: true)
        let token = try await responder.token(for: request, serialNumber: [0x01, 0x00], genTime: Date())
        let attribute = try CMSSignedData.timeStampTokenAttribute(tokenDER: token)
        let extended = try CMSSignedData.addingUnsignedAttribute(attribute, toContentInfoDER: der)
        let before = try CMSSignedData(contentInfoDER: der).signerInfos[0]
        let after = try CMSSignedData(contentInfoDER: extended).signerInfos[0]
        #expect(after.signedAttributesEncoding == before.signedAttributesEncoding)
        #expect(after.signature == before.signature)
        let result = try CMSSignedDataVerifier().verify(extended)
        let stored = try #require(result.unsignedAttributes.first { $0.type == .CMS.timeStampTokenAttribute })
        #expect(try stored.encodedValues == [token])
        let stamp = try TimeStampToken(tokenDER: stored.encodedValues[0]).verify(data: result.signers[0].signature)
        #expect(stamp.serialNumber == [0x01, 0x00])
        #expect(code { _ = try CMSSignedData.signatureValue(inContentInfoDER: der, signerIndex: 1) } == .signerNotFound)
    }

    @Test func decoderSurvivesRandomAndMutatedInput() async throws {
        let valid = try await CMSSignedDataBuilder(content: Array("fuzz".utf8), signerCertificate: pki.signer).sign(signer: signer)
        var random = SeededRandom(seed: 5652)
        var verified = 0
        var nonPKIErrors: [String] = []
        for round in 0..<4_000 {
            let input: [UInt8] =
                round < 2_000
                ? (0..<Int.random(in: 0..<300, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
                : random.mutate(valid)
            do {
                _ = try CMSSignedDataVerifier().verify(input)
                verified += 1
            } catch let error as PKIError {
                _ = error
            } catch {
                nonPKIErrors.append("\(error)")
            }
        }
        #expect(nonPKIErrors.isEmpty, "\(nonPKIErrors.prefix(3))")
        #expect(verified < 4_000)
        _ = try CMSSignedDataVerifier().verify(valid)
    }

    /// openssl verifies a detached signature made by the builder, and the verifier accepts one made by openssl.
    @Test(.requires("openssl")) func opensslInterop() async throws {
        let openssl = try OpenSSLTool.required()
        let directory = try OpenSSLTool.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let content = Array("Interop with openssl cms\n".utf8)
        try Data(content).write(to: directory.appendingPathComponent("data"))
        try OpenSSLTool.writePEM(pki.root, to: directory.appendingPathComponent("root.pem"))
        let der = try await CMSSignedDataBuilder(content: content, signerCertificate: pki.signer, detached: true)
            .sign(signer: signer)
        try Data(der).write(to: directory.appendingPathComponent("sig.p7s"))
        let verify = try OpenSSLTool.run(openssl, [
            "cms", "-verify", "-binary", "-inform", "DER", "-in", "sig.p7s", "-content", "data",
            "-CAfile", "root.pem", "-purpose", "any", "-out", "/dev/null",
        ], in: directory)
        #expect(verify.status == 0, "\(verify.output)")
        #expect(verify.output.contains("Verification successful"), "\(verify.output)")
        // A flipped content byte makes openssl fail too.
        try Data(content.map { $0 ^ 0x01 }).write(to: directory.appendingPathComponent("bad"))
        let bad = try OpenSSLTool.run(openssl, [
            "cms", "-verify", "-binary", "-inform", "DER", "-in", "sig.p7s", "-content", "bad",
            "-CAfile", "root.pem", "-purpose", "any", "-out", "/dev/null",
        ], in: directory)
        #expect(bad.status != 0)

        try OpenSSLTool.writePEM(pki.signer, to: directory.appendingPathComponent("signer.pem"))
        try pki.signerKey.serializeAsPEM().pemString.write(
            to: directory.appendingPathComponent("key.pem"), atomically: true, encoding: .utf8)
        let sign = try OpenSSLTool.run(openssl, [
            "cms", "-sign", "-binary", "-nodetach", "-in", "data", "-signer", "signer.pem", "-inkey", "key.pem",
            "-md", "sha256", "-outform", "DER", "-out", "openssl.p7s",
        ], in: directory)
        #expect(sign.status == 0, "\(sign.output)")
        let made = try [UInt8](Data(contentsOf: directory.appendingPathComponent("openssl.p7s")))
        let result = try CMSSignedDataVerifier().verify(made)
        #expect(result.content == content)
        #expect(result.signerCertificate == pki.signer)
        #expect(result.signingTime != nil)
    }
}

/// DER helpers for the tests.
enum CMSTestDER {
    static func bytes<T: DERSerializable>(_ value: T) throws -> [UInt8] {
        var serializer = DER.Serializer()
        try serializer.serialize(value)
        return serializer.serializedBytes
    }

    static func firstChild(_ der: [UInt8]) throws -> ASN1Node {
        guard case .constructed(let children) = try DER.parse(der).content, let first = children.first(where: { _ in true })
        else { throw PKIError(.malformed, "not a constructed value") }
        return first
    }

    static func range(of needle: [UInt8], in haystack: [UInt8]) -> Range<Int>? {
        guard needle.count <= haystack.count else { return nil }
        for start in 0...(haystack.count - needle.count) where haystack[start..<(start + needle.count)].elementsEqual(needle) {
            return start..<(start + needle.count)
        }
        return nil
    }
}
