import Crypto
import Foundation
@testable import LicnaPKI
import SwiftASN1
import Testing
import X509

/// A two-level hierarchy made in code (swift-certificates' VerifierTests style).
private struct MiniHierarchy {
    let ca: SigningAuthority
    let responder: SigningAuthority
    let leaf: Certificate

    init() throws {
        let hierarchy = CertificateHierarchyBuilder(now: Date(), backdating: 60)
        ca = try hierarchy.selfSigned(.root.lasting(86_400 * 365).pathLength(nil),
                                      subject: try DistinguishedName { CountryName("ME"); CommonName("Mini CA") })
        responder = try hierarchy.issue(.ocspResponder.lasting(86_400 * 90), subject: try DistinguishedName { CommonName("Mini OCSP") }, under: ca)
        leaf = try hierarchy.issue(.init(profile: .authentication, keyType: .p256, lifetime: 86_400), subject: try DistinguishedName { CommonName("Leaf") },
                                   under: ca, locations: TrustServiceLocations(ocsp: "http://x/ocsp", caIssuers: "http://x/ca.cer", crl: "http://x/crl/0.crl"))
            .certificate
    }

    func request(hash: DigestAlgorithm = .sha256) throws -> [UInt8] {
        let certID = try OCSPCertID(hashAlgorithm: hash, issuer: ca.certificate, serialNumber: leaf.serialNumber)
        return try OCSPRequest.encode(certIDs: [certID])
    }
}

@Suite struct OCSPAndCRLTests {
    @Test func serialNumbersArePositive128BitAndRoundTripAsHex() throws {
        var seen = Set<String>()
        for _ in 0..<2_000 {
            let serial = CertificateSerialNumberGenerator().next()
            #expect(serial.bytes.count == 16 && serial.bytes[0] & 0x80 == 0 && serial.bytes[0] != 0)
            #expect(seen.insert(serial.hex).inserted)
            #expect(Certificate.SerialNumber(hex: serial.hex.uppercased()) == serial)
            #expect(Certificate.SerialNumber(hex: serial.hex.chunked(2).joined(separator: ":")) == serial)
        }
        #expect(Certificate.SerialNumber(hex: "xyz") == nil)
        #expect(Certificate.SerialNumber(hex: "") == nil)
    }

    @Test(arguments: DigestAlgorithm.allCases)
    func responsesRoundTripWithEveryHash(hash: DigestAlgorithm) throws {
        let mini = try MiniHierarchy()
        let request = try OCSPRequest(derEncoded: try mini.request(hash: hash))
        #expect(request.certIDs.count == 1 && request.certIDs[0].hashAlgorithm == hash)
        #expect(request.certIDs[0].serialNumber == Array(mini.leaf.serialNumber.bytes))
        let now = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))
        for status in [OCSPCertificateStatus.good, .unknown, .revoked(time: now - 10, reason: .certificateHold), .revoked(time: now, reason: nil)] {
            let der = try OCSPResponseBuilder(responder: mini.responder).build(
                answers: [OCSPSingleAnswer(certID: request.certIDs[0], status: status, thisUpdate: now, nextUpdate: now + 300)],
                producedAt: now, nonceExtension: nil)
            let parsed = try OCSPResponse(derEncoded: der)
            #expect(parsed.status == .successful)
            #expect(parsed.isSigned(by: mini.responder.certificate))
            #expect(!parsed.isSigned(by: mini.ca.certificate))
            #expect(parsed.responses.first?.status == status)
            #expect(parsed.responses.first?.certID.encoded == request.certIDs[0].encoded)
            #expect(parsed.responses.first?.nextUpdate == now + 300)
        }
    }

    /// Generative: the concatenated encoding of random answers (every status, times from 1950 to 9999, nonces long
    /// enough for two-octet lengths) parses back to the same answers, is canonical DER (SwiftASN1's strict parser
    /// re-encodes it byte for byte) and carries the responder's signature.
    @Test func builtResponsesOfRandomAnswersParseBackExactly() throws {
        let mini = try MiniHierarchy()
        let builder = try OCSPResponseBuilder(responder: mini.responder)
        var random = SystemRandomNumberGenerator()
        func time() -> Date { Date(timeIntervalSince1970: Double(Int64.random(in: -631_152_000...253_402_300_799, using: &random))) }
        for _ in 0..<150 {
            let answers = try (0..<Int.random(in: 1...4, using: &random)).map { _ -> OCSPSingleAnswer in
                let serial = Certificate.SerialNumber(bytes: (0..<Int.random(in: 1...20, using: &random)).map { _ in UInt8.random(in: 1...255, using: &random) })
                let certID = try OCSPCertID(hashAlgorithm: DigestAlgorithm.allCases.randomElement(using: &random)!, issuer: mini.ca.certificate,
                                            serialNumber: serial)
                let status: OCSPCertificateStatus = switch Int.random(in: 0..<4, using: &random) {
                case 0: .good
                case 1: .unknown
                case 2: .revoked(time: time(), reason: nil)
                default: .revoked(time: time(), reason: RevocationReason.allCases.randomElement(using: &random))
                }
                return OCSPSingleAnswer(certID: certID, status: status, thisUpdate: time(), nextUpdate: Bool.random(using: &random) ? time() : nil)
            }
            let nonceBytes = (0..<Int.random(in: 1...300, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
            let nonceValue = try DEREncoding.encode(ASN1OctetString(contentBytes: nonceBytes[...]))
            let nonce: Certificate.Extension? = Bool.random(using: &random)
                ? nil : Certificate.Extension(oid: .PKIXExtensions.ocspNonce, critical: false, value: nonceValue[...])
            let producedAt = time()
            let der = try builder.build(answers: answers, producedAt: producedAt, nonceExtension: nonce)
            var reencoder = DER.Serializer()
            reencoder.serialize(try DER.parse(der))
            #expect(reencoder.serializedBytes == der)
            let parsed = try OCSPResponse(derEncoded: der)
            #expect(parsed.status == .successful && parsed.producedAt == producedAt)
            #expect(parsed.isSigned(by: mini.responder.certificate))
            #expect(parsed.certificates == [mini.responder.certificate])
            #expect(parsed.nonceValue == nonce.map { Array($0.value) })
            #expect(parsed.responses.map { $0.certID.encoded } == answers.map { $0.certID.encoded })
            #expect(parsed.responses.map { $0.status } == answers.map { $0.status })
            #expect(parsed.responses.map { $0.thisUpdate } == answers.map { $0.thisUpdate })
            #expect(parsed.responses.map { $0.nextUpdate } == answers.map { $0.nextUpdate })
        }
        #expect(throws: PKIError.self) {
            try builder.build(answers: [], producedAt: Date(timeIntervalSince1970: 253_402_300_800), nonceExtension: nil)
        }
    }

    @Test func errorStatusesAreTheFiveByteResponse() throws {
        #expect(OCSPResponseStatus.malformedRequest.unsignedResponse == [0x30, 0x03, 0x0A, 0x01, 0x01])
        #expect(try OCSPResponse(derEncoded: OCSPResponseStatus.unauthorized.unsignedResponse).status == .unauthorized)
    }

    /// Generative: random bytes and mutations of a valid request either decode or throw — never crash.
    @Test func requestDecoderSurvivesMutations() throws {
        let valid = try MiniHierarchy().request()
        var random = SystemRandomNumberGenerator()
        var decoded = 0
        for round in 0..<20_000 {
            var bytes = valid
            switch round % 4 {
            case 0: bytes = (0..<Int.random(in: 0...120, using: &random)).map { _ in .random(in: 0...255, using: &random) }
            case 1: bytes = Array(bytes.prefix(Int.random(in: 0..<bytes.count, using: &random)))
            case 2:
                for _ in 0..<Int.random(in: 1...3, using: &random) {
                    bytes[Int.random(in: 0..<bytes.count, using: &random)] ^= UInt8.random(in: 1...255, using: &random)
                }
            default: bytes.insert(.random(in: 0...255, using: &random), at: Int.random(in: 0...bytes.count, using: &random))
            }
            if (try? OCSPRequest(derEncoded: bytes)) != nil { decoded += 1 }
            _ = try? OCSPResponse(derEncoded: bytes)
            _ = try? CertificateRevocationList(derEncoded: bytes)
        }
        #expect(decoded < 20_000)
    }

    @Test func requestsWithTooManyCertIDsOrOversizedNoncesAreMalformed() throws {
        let mini = try MiniHierarchy()
        let certID = try OCSPRequest(derEncoded: try mini.request()).certIDs[0]
        func request(ids: Int, nonce: [UInt8]?) throws -> [UInt8] {
            try OCSPRequest.encode(certIDs: Array(repeating: certID, count: ids), nonce: nonce)
        }
        #expect(try OCSPRequest(derEncoded: request(ids: 16, nonce: Array(repeating: 7, count: 32))).nonceExtension != nil)
        #expect(throws: PKIError.self) { try OCSPRequest(derEncoded: request(ids: 17, nonce: nil)) }
        #expect(throws: PKIError.self) { try OCSPRequest(derEncoded: request(ids: 0, nonce: nil)) }
        #expect(throws: PKIError.self) { try OCSPRequest(derEncoded: request(ids: 1, nonce: Array(repeating: 7, count: 33))) }
    }

    @Test func crlsRoundTripWithReasonsAndInvalidityDates() throws {
        let mini = try MiniHierarchy()
        let now = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))
        let entries = (0..<500).map { index in
            RevokedCertificate(serialNumber: CertificateSerialNumberGenerator().next(), revocationDate: now - Double(index),
                               reason: RevocationReason.allCases[index % RevocationReason.allCases.count],
                               invalidityDate: index % 3 == 0 ? now - 86_400 : nil)
        }
        let der = try CertificateRevocationListBuilder().build(authority: mini.ca, crlNumber: 42, thisUpdate: now, nextUpdate: now + 3_600,
                                                               entries: entries, distributionPoint: DistributionPoint(url: "http://x/crl/0.crl"),
                                                               scope: .userCertificates)
        let crl = try CertificateRevocationList(derEncoded: der)
        #expect(crl.isSigned(by: mini.ca.certificate))
        #expect(!crl.isSigned(by: mini.responder.certificate))
        #expect(crl.crlNumber == [42])
        #expect(crl.thisUpdate == now && crl.nextUpdate == now + 3_600)
        #expect(crl.entries.count == 500)
        for (written, read) in zip(entries, crl.entries) {
            #expect(written.serialNumber == read.serialNumber)
            #expect(read.reason == (written.reason == .unspecified ? nil : written.reason))
            #expect(read.invalidityDate == written.invalidityDate)
        }
        let idp = try #require(crl.extensions.first { $0.oid == .PKIXExtensions.issuingDistributionPoint })
        #expect(idp.critical)
        // The IDP's name is byte-identical to the certificate's distribution point (RFC 5280 §5.2.5).
        let dp = try #require(mini.leaf.extensions[oid: .PKIXExtensions.cRLDistributionPoints])
        let name = try DEREncoding.encode { try DistributionPoint(url: "http://x/crl/0.crl").serializeName(into: &$0) }
        #expect(dp.value.firstRange(of: name) != nil && idp.value.firstRange(of: name) != nil)
    }

    @Test func passphraseProtectionOpensOnlyWithThePassphrase() throws {
        let key = Certificate.PrivateKey(P384.Signing.PrivateKey())
        let sealed = try PassphraseProtectedKey(sealing: key, passphrase: "twelve chars!", costLog2: 10)
        #expect(try sealed.open(passphrase: "twelve chars!").publicKey == key.publicKey)
        #expect(throws: PKIError.self) { try sealed.open(passphrase: "twelve chars?") }
        var tampered = sealed.sealed
        tampered[tampered.count - 1] ^= 1
        #expect(throws: PKIError.self) { try PassphraseProtectedKey(sealed: tampered).open(passphrase: "twelve chars!") }
        #expect(throws: PKIError.self) { try PassphraseProtectedKey(sealing: key, passphrase: "short") }
    }

    @Test func validityNeverOutlastsTheIssuer() throws {
        let mini = try MiniHierarchy()
        #expect(throws: PKIError.self) {
            try CertificateIssuer().issue(profile: .authentication, subject: try DistinguishedName { CommonName("x") },
                                          publicKey: mini.leaf.publicKey, serialNumber: CertificateSerialNumberGenerator().next(),
                                          notBefore: Date(), notAfter: mini.ca.certificate.notValidAfter + 1, authority: mini.ca,
                                          options: .init(locations: .init(ocsp: nil, caIssuers: nil, crl: nil)))
        }
    }
}

extension String {
    func chunked(_ size: Int) -> [String] {
        stride(from: 0, to: count, by: size).map { start in
            let from = index(startIndex, offsetBy: start)
            return String(self[from..<(index(from, offsetBy: size, limitedBy: endIndex) ?? endIndex)])
        }
    }
}
