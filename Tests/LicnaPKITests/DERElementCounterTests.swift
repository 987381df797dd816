import Crypto
import Foundation
@testable import LicnaPKI
import SwiftASN1
import Testing
import X509

/// Counting DER elements without building them (the validator's guard before parsing untrusted DSS entries).
@Suite struct DERElementCounterTests {
    @Test func countsEveryLevel() throws {
        // SEQUENCE { INTEGER 1, SEQUENCE { OCTET STRING '' , NULL } }
        let bytes: [UInt8] = [0x30, 0x09, 0x02, 0x01, 0x01, 0x30, 0x04, 0x04, 0x00, 0x05, 0x00]
        #expect(DERElementCounter.count(bytes, limit: 10) == 5)
        #expect(DERElementCounter.count(bytes, limit: 4) == nil)
        // A real certificate counts, and what DER.parse builds agrees.
        let certificate = try CMSTestCertificate.make()
        var serializer = DER.Serializer()
        try serializer.serialize(certificate)
        let der = serializer.serializedBytes
        let counted = try #require(DERElementCounter.count(der, limit: 10_000))
        func nodes(_ node: ASN1Node) -> Int {
            switch node.content {
            case .constructed(let children): 1 + children.reduce(0) { $0 + nodes($1) }
            case .primitive: 1
            }
        }
        #expect(counted == nodes(try DER.parse(der)))
    }

    @Test func refusesMalformedAndHugeInput() {
        #expect(DERElementCounter.count([0x30, 0x05, 0x02, 0x01], limit: 10) == nil)  // longer than the bytes
        #expect(DERElementCounter.count([0x30, 0x80, 0x00, 0x00], limit: 10) == nil)  // indefinite length
        #expect(DERElementCounter.count([0x30, 0x02, 0x04, 0x01, 0x00], limit: 10) == nil)  // child past its parent
        let body = [UInt8](repeating: 0, count: 2_000_000).enumerated().map { $0.offset % 2 == 0 ? 0x04 : 0x00 } as [UInt8]
        let huge: [UInt8] = [0x30, 0x83, 0x1E, 0x84, 0x80] + body
        #expect(DERElementCounter.count(huge, limit: 500_000) == nil)
        #expect(DERElementCounter.count(huge, limit: 2_000_000) == 1_000_001)
    }
}

/// A self-signed certificate for the counter's comparison with the parser.
enum CMSTestCertificate {
    static func make() throws -> Certificate {
        let key = Certificate.PrivateKey(P256.Signing.PrivateKey())
        let name = try DistinguishedName { CountryName("ME"); CommonName("Counter") }
        return try CertificateIssuer().issue(
            profile: .rootCA, subject: name, publicKey: key.publicKey, serialNumber: CertificateSerialNumberGenerator().next(),
            notBefore: Date() - 60, notAfter: Date() + 3_600, authority: nil, selfSigningKey: key,
            options: .init(locations: .init(ocsp: nil, caIssuers: nil, crl: nil)))
    }
}
