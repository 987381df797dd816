import Crypto
import Foundation
import SwiftASN1
import Testing
import X509

@testable import LicnaPKI
import LicnaTestSupport

/// ICAO 9303-10 §4.6.2: the LDS security object and EF.SOD.
@Suite struct EMRTDSecurityObjectTests {
    static let dataGroups: [Int: [UInt8]] = [
        1: [0x61, 0x03, 0x5F, 0x1F, 0x00],
        2: [0x75, 0x02, 0x01, 0x02],
        14: [0x6E, 0x01, 0xFF],
    ]

    @Test func ldsSecurityObjectRoundTrip() throws {
        let object = try LDSSecurityObject(hashing: Self.dataGroups, with: .sha256)
        #expect(object.version == 0)
        #expect(object.dataGroupHashes.map(\.number) == [1, 2, 14])
        #expect(object.hash(ofDataGroup: 2) == Array(SHA256.hash(data: Self.dataGroups[2]!)))
        let der = try object.derBytes()
        let header = der[1] & 0x80 == 0 ? 2 : 2 + Int(der[1] & 0x7F)
        #expect(der[0] == 0x30 && Array(der[header..<(header + 3)]) == [0x02, 0x01, 0x00])  // version v0
        #expect(try LDSSecurityObject(derEncoded: der) == object)

        var versioned = LDSSecurityObject(
            hashAlgorithm: DigestAlgorithm.sha384.algorithmIdentifier,
            dataGroupHashes: object.dataGroupHashes,
            versionInfo: .init(ldsVersion: "0108", unicodeVersion: "040000"))
        #expect(versioned.version == 1)
        #expect(try LDSSecurityObject(derEncoded: try versioned.derBytes()) == versioned)
        versioned.version = 0
        #expect(throws: PKIError.self) { try LDSSecurityObject(derEncoded: try versioned.derBytes()) }
        #expect(throws: PKIError.self) { try LDSSecurityObject(hashing: [17: [0x00]]) }
        #expect(throws: PKIError.self) { try LDSSecurityObject(derEncoded: Array(der.dropLast())) }
    }

    @Test func efSODRoundTrip() async throws {
        let pki = try CMSTestPKI()
        let sod = try await DocumentSecurityObject.build(
            dataGroups: Self.dataGroups, documentSigner: pki.signer, signer: SoftwareSignatureProducer(privateKey: pki.signerKey))
        #expect(sod.first == 0x77)
        let parsed = try DocumentSecurityObject(efSOD: sod)
        #expect(parsed.securityObject == (try LDSSecurityObject(hashing: Self.dataGroups)))
        #expect(parsed.documentSigner == pki.signer)
        #expect(parsed.signedData.version == 3)
        #expect(parsed.signedData.encapsulatedContentInfo.contentType == .ICAO.ldsSecurityObject)
        #expect(DocumentSecurityObject.wrap(contentInfoDER: parsed.contentInfoDER) == sod)
        let result = try CMSSignedDataVerifier().verify(parsed.contentInfoDER)
        #expect(result.signers.first?.certificate == pki.signer)
        #expect(throws: PKIError.self) { try DocumentSecurityObject(efSOD: Array(sod.dropFirst())) }
        #expect(throws: PKIError.self) { try DocumentSecurityObject(efSOD: [0x77, 0x00]) }
    }

    /// openssl verifies the SignedData inside EF.SOD against the CSCA and gives back the LDSSecurityObject.
    @Test(.requires("openssl")) func opensslVerifiesEFSOD() async throws {
        let openssl = try OpenSSLTool.required()
        let pki = try CMSTestPKI()
        let sod = try await DocumentSecurityObject.build(
            dataGroups: Self.dataGroups, documentSigner: pki.signer, signer: SoftwareSignatureProducer(privateKey: pki.signerKey))
        let parsed = try DocumentSecurityObject(efSOD: sod)
        let directory = try OpenSSLTool.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try Data(parsed.contentInfoDER).write(to: directory.appendingPathComponent("sod_content.der"))
        try OpenSSLTool.writePEM(pki.root, to: directory.appendingPathComponent("csca.pem"))
        let verify = try OpenSSLTool.run(openssl, [
            "cms", "-verify", "-inform", "DER", "-in", "sod_content.der", "-CAfile", "csca.pem", "-purpose", "any",
            "-out", "content.der",
        ], in: directory)
        #expect(verify.status == 0, "\(verify.output)")
        let content = try [UInt8](Data(contentsOf: directory.appendingPathComponent("content.der")))
        #expect(content == (try parsed.securityObject.derBytes()))

        // Another CA: openssl refuses the chain.
        let other = try CMSTestPKI()
        try OpenSSLTool.writePEM(other.root, to: directory.appendingPathComponent("other.pem"))
        let refused = try OpenSSLTool.run(openssl, [
            "cms", "-verify", "-inform", "DER", "-in", "sod_content.der", "-CAfile", "other.pem", "-purpose", "any",
            "-out", "refused.der",
        ], in: directory)
        #expect(refused.status != 0)
    }
}
