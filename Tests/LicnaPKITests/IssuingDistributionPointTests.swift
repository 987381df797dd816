import Crypto
import Foundation
@testable import LicnaPKI
import SwiftASN1
import Testing
import X509

/// RFC 5280 §5.2.5 issuing distribution point and §5.2.4 delta CRL indicator, as a validator reads them.
@Suite struct IssuingDistributionPointTests {
    func authority() throws -> SigningAuthority {
        let key = Certificate.PrivateKey(P256.Signing.PrivateKey())
        let name = try DistinguishedName { CountryName("ME"); CommonName("IDP CA") }
        let certificate = try CertificateIssuer().issue(
            profile: .rootCA, subject: name, publicKey: key.publicKey, serialNumber: CertificateSerialNumberGenerator().next(),
            notBefore: Date() - 60, notAfter: Date() + 86_400, authority: nil, selfSigningKey: key,
            options: .init(locations: .init(ocsp: nil, caIssuers: nil, crl: nil)))
        return SigningAuthority(certificate: certificate, privateKey: key)
    }

    @Test(arguments: [CRLScope.all, .userCertificates, .caCertificates])
    func whatTheBuilderWritesReadsBack(scope: CRLScope) throws {
        let bytes = try CertificateRevocationListBuilder().build(
            authority: try authority(), crlNumber: 7, thisUpdate: Date(), nextUpdate: Date() + 3_600, entries: [],
            distributionPoint: DistributionPoint(url: "http://pki.licna.test/crl/3.crl"), scope: scope)
        let crl = try CertificateRevocationList(derEncoded: bytes)
        let point = try #require(try crl.issuingDistributionPoint())
        #expect(point.uris == ["http://pki.licna.test/crl/3.crl"] && point.hasName)
        #expect(point.onlyContainsUserCerts == (scope == .userCertificates))
        #expect(point.onlyContainsCACerts == (scope == .caCertificates))
        #expect(!point.onlySomeReasons && !point.indirectCRL && !point.onlyContainsAttributeCerts)
        #expect(!crl.isDelta && crl.unrecognizedCriticalExtensions.isEmpty)
    }

    @Test func aCRLWithoutAPointHasNone() throws {
        let bytes = try CertificateRevocationListBuilder().build(
            authority: try authority(), crlNumber: 1, thisUpdate: Date(), nextUpdate: Date() + 3_600, entries: [],
            distributionPoint: nil, scope: .all)
        #expect(try CertificateRevocationList(derEncoded: bytes).issuingDistributionPoint() == nil)
    }

    @Test func everyFieldIsRead() throws {
        // SEQUENCE { [0] { [0] { [6] "http://a/b.crl" } }, [3] '0110'B, [4] TRUE, [5] TRUE }
        let uri = Array("http://a/b.crl".utf8)
        let name: [UInt8] = [0xA0, UInt8(uri.count + 4), 0xA0, UInt8(uri.count + 2), 0x86, UInt8(uri.count)] + uri
        let body = name + [0x83, 0x02, 0x01, 0x60, 0x84, 0x01, 0xFF, 0x85, 0x01, 0xFF]
        let point = try IssuingDistributionPoint(extensionValue: [0x30, UInt8(body.count)] + body)
        #expect(point.uris == ["http://a/b.crl"])
        #expect(point.onlySomeReasons && point.indirectCRL && point.onlyContainsAttributeCerts)
        #expect(!point.onlyContainsUserCerts && !point.onlyContainsCACerts)
        #expect(throws: (any Error).self) { try IssuingDistributionPoint(extensionValue: [0x30, 0x03, 0x86, 0x01, 0x41]) }
    }
}
