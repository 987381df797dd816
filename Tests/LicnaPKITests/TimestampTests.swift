import Crypto
import Foundation
import LicnaPKI
import LicnaTestSupport
import SwiftASN1
import Testing
import X509

@Suite struct TimestampTests {
    let pki: CMSTestPKI
    let responder: TimeStampResponder
    let data = Array("document to timestamp".utf8)
    let genTime = Date(timeIntervalSince1970: 1_767_225_600.125)  // 2026-01-01T00:00:00.125Z

    init() throws {
        pki = try CMSTestPKI()
        var responder = try TimeStampResponder(
            certificate: pki.tsa, chain: [pki.root], signer: SoftwareSignatureProducer(privateKey: pki.tsaKey),
            acceptedPolicies: [[1, 2, 3, 4]], accuracy: try TSTAccuracy(seconds: 1))
        responder.fractionalSecondDigits = 3
        self.responder = responder
    }

    func request(_ algorithm: DigestAlgorithm, nonce: [UInt8]? = [0x00, 0x9F, 0x12], certReq: Bool = true) -> TimeStampRequest {
        TimeStampRequest(messageImprint: MessageImprint(hashing: data, with: algorithm), nonce: nonce, certificateRequested: certReq)
    }

    func code(_ body: () throws -> Void) -> PKIError.Code? {
        do {
            try body()
            return nil
        } catch {
            return (error as? PKIError)?.code ?? PKIError.Code("not-a-PKIError: \(error)")
        }
    }

    func failInfo(_ responseDER: [UInt8]) throws -> PKIFailureInfo? {
        let response = try TimeStampResponse(derEncoded: responseDER)
        #expect(response.status.status == .rejection)
        #expect(response.token == nil)
        return response.status.failureInfo
    }

    @Test(arguments: [DigestAlgorithm.sha256, .sha384, .sha512])
    func grantedTokenVerifiesAndEchoesNonce(algorithm: DigestAlgorithm) async throws {
        let request = request(algorithm)
        let reply = try await responder.response(forRequestDER: try request.derBytes(), serialNumber: [0x7F, 0xFF, 0x01], genTime: genTime)
        #expect(try TimeStampResponse(derEncoded: reply).status == PKIStatusInfo(status: .granted))
        let token = try TimeStampToken(responseDER: reply)
        let stamp = try token.verify(data: data, nonce: request.nonce)
        #expect(stamp.nonce == [0x00, 0x9F, 0x12])
        #expect(stamp.serialNumber == [0x7F, 0xFF, 0x01])
        #expect(stamp.policy == .licnaTimestampPolicy)
        #expect(stamp.tsaCertificate == pki.tsa)
        #expect(abs(stamp.genTime.timeIntervalSince(genTime)) < 0.000_5)
        #expect(stamp.tstInfo.messageImprint == request.messageImprint)
        #expect(stamp.tstInfo.tsaName == .directoryName(pki.tsa.subject))
        #expect(stamp.tstInfo.accuracy == (try TSTAccuracy(seconds: 1)))
        #expect(stamp.cms.hasSigningCertificateV2)
        #expect(Set(stamp.cms.certificates) == [pki.tsa, pki.root])
        var other = data
        other[0] ^= 1
        #expect(code { _ = try token.verify(data: other) } == .digestMismatch)
        #expect(code { _ = try token.verify(data: data, nonce: [0x01]) } == .nonceMismatch)
        _ = try token.verify(digest: algorithm.hash(data), algorithm: algorithm)
    }

    /// A nonce drawn with redundant leading octets (one in 256 random 16-octet nonces starts `00 0x`) goes on the
    /// wire in the fewest octets; the requester's check must still accept the echo. This once failed a seal.
    @Test(arguments: [[0x00, 0x12, 0x34], [0x00, 0x00, 0x7F], [0xFF, 0x80, 0x01], [0x00, 0x9F]] as [[UInt8]])
    func aNonceWithRedundantLeadingOctetsStillMatchesItsEcho(nonce: [UInt8]) async throws {
        let request = request(.sha256, nonce: nonce)
        #expect(request.nonce == nonce.minimalTwosComplement)
        #expect(try TimeStampRequest(derEncoded: request.derBytes()).nonce == request.nonce)
        let reply = try await responder.response(forRequestDER: try request.derBytes(), serialNumber: [0x01], genTime: genTime)
        let token = try TimeStampToken(responseDER: reply)
        _ = try token.verify(data: data, nonce: nonce)
        _ = try token.verify(data: data, nonce: nonce.minimalTwosComplement)
        #expect(code { _ = try token.verify(data: data, nonce: [0x00] + nonce.minimalTwosComplement.dropLast()) } == .nonceMismatch)
    }

    @Test func minimalTwosComplementTrimsOnlyRedundantOctets() {
        #expect([UInt8]([0x00, 0x12]).minimalTwosComplement == [0x12])
        #expect([UInt8]([0x00, 0x80]).minimalTwosComplement == [0x00, 0x80])
        #expect([UInt8]([0xFF, 0x80]).minimalTwosComplement == [0x80])
        #expect([UInt8]([0xFF, 0x7F]).minimalTwosComplement == [0xFF, 0x7F])
        #expect([UInt8]([0x00, 0x00, 0x00]).minimalTwosComplement == [0x00])
        #expect([UInt8]([]).minimalTwosComplement == [])
    }

    @Test func certificatesOnlyWhenRequested() async throws {
        let reply = try await responder.response(for: request(.sha256, nonce: nil, certReq: false), serialNumber: 42, genTime: genTime)
        let token = try TimeStampToken(responseDER: reply)
        #expect(try CMSSignedData(contentInfoDER: token.contentInfoDER).certificates.isEmpty)
        #expect(code { _ = try token.verify(data: data) } == .signerNotFound)
        let stamp = try token.verify(data: data, additionalCertificates: [pki.tsa])
        #expect(stamp.serialNumber == [42])
        #expect(stamp.nonce == nil)
    }

    @Test func rejectionsCarryTheRightFailureInfo() async throws {
        let sha1 = request(.sha1)
        #expect(responder.failure(for: try sha1.derBytes()) == .badAlg)
        #expect(try failInfo(await responder.response(forRequestDER: try sha1.derBytes(), serialNumber: [1], genTime: genTime)) == .badAlg)
        let unknown = TimeStampRequest(messageImprint: MessageImprint(
            hashAlgorithm: AlgorithmIdentifier(algorithm: [1, 2, 3, 99]), hashedMessage: Array(repeating: 1, count: 32)))
        #expect(responder.failure(for: try unknown.derBytes()) == .badAlg)
        var version2 = request(.sha256)
        version2.version = 2
        #expect(responder.failure(for: try version2.derBytes()) == .badRequest)
        let short = TimeStampRequest(messageImprint: MessageImprint(
            hashAlgorithm: DigestAlgorithm.sha384.algorithmIdentifier, hashedMessage: DigestAlgorithm.sha256.hash(data)))
        #expect(responder.failure(for: try short.derBytes()) == .badRequest)
        var policy = request(.sha256)
        policy.requestedPolicy = [1, 2, 3, 5]
        #expect(responder.failure(for: try policy.derBytes()) == .unacceptedPolicy)
        policy.requestedPolicy = [1, 2, 3, 4]
        #expect(responder.failure(for: policy) == nil)
        let granted = try await responder.response(for: policy, serialNumber: 7, genTime: genTime)
        #expect(try TimeStampToken(responseDER: granted).verify(data: data).policy == [1, 2, 3, 4])
        var extended = request(.sha256)
        extended.extensions = [Certificate.Extension(oid: [1, 2, 3, 6], critical: false, value: [0x05, 0x00])]
        #expect(responder.failure(for: try extended.derBytes()) == .unacceptedExtension)
        #expect(responder.failure(for: Array("GET / HTTP/1.1".utf8)) == .badDataFormat)
        #expect(responder.failure(for: []) == .badDataFormat)
        #expect(responder.failure(for: try request(.sha256).derBytes() + [0x00]) == .badDataFormat)
        // DER forbids an explicit certReq FALSE.
        var explicitFalse = try request(.sha256, nonce: nil, certReq: false).derBytes()
        explicitFalse[1] += 3
        explicitFalse += [0x01, 0x01, 0x00]
        #expect(responder.failure(for: explicitFalse) == .badDataFormat)
        #expect(responder.failure(for: try request(.sha512).derBytes()) == nil)
        let rejected = try await responder.response(forRequestDER: [0x30, 0x00], serialNumber: [1], genTime: genTime)
        #expect(try failInfo(rejected) == .badDataFormat)
        #expect(code { _ = try TimeStampToken(responseDER: rejected) } == .timeStampRejected)
        // A TSA certificate without the timeStamping usage is refused.
        #expect(throws: PKIError.self) {
            _ = try TimeStampResponder(certificate: pki.signer, signer: SoftwareSignatureProducer(privateKey: pki.signerKey))
        }
    }

    /// X.690 §11.2.2: named bits, trailing zero bits removed, unused-bit count set accordingly.
    @Test func failureInfoBitStringEncoding() throws {
        let expected: [(PKIFailureInfo, [UInt8])] = [
            (.badAlg, [0x03, 0x02, 0x07, 0x80]),
            (.badRequest, [0x03, 0x02, 0x05, 0x20]),
            (.badDataFormat, [0x03, 0x02, 0x02, 0x04]),
            (.timeNotAvailable, [0x03, 0x03, 0x01, 0x00, 0x02]),
            (.unacceptedPolicy, [0x03, 0x03, 0x00, 0x00, 0x01]),
            (.unacceptedExtension, [0x03, 0x04, 0x07, 0x00, 0x00, 0x80]),
            (.addInfoNotAvailable, [0x03, 0x04, 0x06, 0x00, 0x00, 0x40]),
            (.systemFailure, [0x03, 0x05, 0x06, 0x00, 0x00, 0x00, 0x40]),
            ([.badAlg, .badDataFormat], [0x03, 0x02, 0x02, 0x84]),
            ([], [0x03, 0x01, 0x00]),
        ]
        for (info, der) in expected {
            #expect(try CMSTestDER.bytes(info) == der, "\(info)")
            #expect(try PKIFailureInfo(derEncoded: try DER.parse(der)) == info)
        }
        let reply = try TimeStampResponder.rejection(.unacceptedPolicy, statusString: "no")
        #expect(try TimeStampResponse(derEncoded: reply).status == PKIStatusInfo(status: .rejection, statusString: ["no"], failureInfo: .unacceptedPolicy))
    }

    /// RFC 3161 §2.4.2: fractional seconds allowed, no trailing zeros, "Z".
    @Test func genTimeEncoding() throws {
        func text(_ date: Date, _ digits: Int) throws -> String {
            let der = try CMSTestDER.bytes(try TSTInfo.genTime(for: date, fractionalDigits: digits))
            return String(decoding: der.dropFirst(2), as: UTF8.self)
        }
        #expect(try text(Date(timeIntervalSince1970: 1_767_225_600.125), 3) == "20260101000000.125Z")
        #expect(try text(Date(timeIntervalSince1970: 1_767_225_600.120), 3) == "20260101000000.12Z")
        #expect(try text(Date(timeIntervalSince1970: 1_767_225_600.120), 1) == "20260101000000.1Z")
        #expect(try text(Date(timeIntervalSince1970: 1_767_225_600), 6) == "20260101000000Z")
        #expect(try text(Date(timeIntervalSince1970: 1_709_251_199.5), 0) == "20240229235959Z")
        #expect(try text(Date(timeIntervalSince1970: 951_782_400.000_001), 6) == "20000229000000.000001Z")
    }

    @Test func tstInfoRoundTrip() throws {
        let info = TSTInfo(
            policy: .licnaTimestampPolicy, messageImprint: MessageImprint(hashing: data, with: .sha384),
            serialNumber: [0x80, 0x01], genTime: try TSTInfo.genTime(for: genTime),
            accuracy: try TSTAccuracy(seconds: 2, milliseconds: 5, microseconds: 999), nonce: [0xFF, 0x00, 0x01],
            tsaName: .directoryName(pki.tsa.subject))
        let der = try info.derBytes()
        #expect(try TSTInfo(derEncoded: der) == info)
        #expect(throws: PKIError.self) { _ = try TSTAccuracy(milliseconds: 1000) }
    }

    /// Generative: decoders and the responder never crash; every error is a PKIError.
    @Test func decodersSurviveRandomAndMutatedRequests() async throws {
        let valid = try request(.sha256).derBytes()
        var random = SeededRandom(seed: 3161)
        var accepted = 0
        var otherErrors: [String] = []
        for round in 0..<4_000 {
            let input: [UInt8] =
                round < 2_000
                ? (0..<Int.random(in: 0..<120, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
                : random.mutate(valid)
            do {
                _ = try TimeStampRequest(derEncoded: input)
            } catch is PKIError {
            } catch {
                otherErrors.append("\(error)")
            }
            if responder.failure(for: input) == nil {
                accepted += 1
                let reply = try await responder.response(forRequestDER: input, serialNumber: [UInt8(round % 200 + 1)], genTime: genTime)
                let decoded = try TimeStampRequest(derEncoded: input)
                let stamp = try TimeStampToken(responseDER: reply).verify(
                    digest: decoded.messageImprint.hashedMessage, algorithm: try decoded.messageImprint.digestAlgorithm,
                    nonce: decoded.nonce)
                #expect(stamp.tstInfo.messageImprint == decoded.messageImprint)
            }
        }
        #expect(otherErrors.isEmpty, "\(otherErrors.prefix(3))")
        #expect(accepted < 4_000)
        #expect(responder.failure(for: valid) == nil)
    }

    /// openssl makes the requests and verifies the replies.
    @Test(.requires("openssl")) func opensslInterop() async throws {
        let openssl = try OpenSSLTool.required()
        let directory = try OpenSSLTool.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try Data(data).write(to: directory.appendingPathComponent("data"))
        try OpenSSLTool.writePEM(pki.root, to: directory.appendingPathComponent("root.pem"))
        try OpenSSLTool.writePEM(pki.tsa, to: directory.appendingPathComponent("tsa.pem"))
        let cases: [(String, [String])] = [
            ("sha256-cert-no-nonce", ["-sha256", "-cert", "-no_nonce"]),
            ("sha384-nonce", ["-sha384"]),
            ("sha512-cert-nonce", ["-sha512", "-cert"]),
        ]
        for (index, (name, options)) in cases.enumerated() {
            let query = try OpenSSLTool.run(openssl, ["ts", "-query", "-data", "data"] + options + ["-out", "\(name).tsq"], in: directory)
            #expect(query.status == 0, "\(query.output)")
            let requestDER = try [UInt8](Data(contentsOf: directory.appendingPathComponent("\(name).tsq")))
            let request = try TimeStampRequest(derEncoded: requestDER)
            #expect(request.certificateRequested == options.contains("-cert"))
            #expect((request.nonce != nil) == !options.contains("-no_nonce"))
            let reply = try await responder.response(forRequestDER: requestDER, serialNumber: [UInt8(index + 1), 0xAB], genTime: Date())
            try Data(reply).write(to: directory.appendingPathComponent("\(name).tsr"))
            _ = try TimeStampToken(responseDER: reply).verify(data: data, nonce: request.nonce, additionalCertificates: [pki.tsa])
            for source in [["-data", "data"], ["-queryfile", "\(name).tsq"]] {
                let verify = try OpenSSLTool.run(openssl, [
                    "ts", "-verify", "-in", "\(name).tsr", "-CAfile", "root.pem", "-untrusted", "tsa.pem",
                ] + source, in: directory)
                #expect(verify.status == 0 && verify.output.contains("Verification: OK"), "\(name) \(source): \(verify.output)")
            }
            let text = try OpenSSLTool.run(openssl, ["ts", "-reply", "-in", "\(name).tsr", "-text"], in: directory)
            #expect(text.output.contains("Status: Granted."), "\(text.output)")
        }
        // openssl reads the failure bits of a rejection.
        try Data(try TimeStampResponder.rejection(.badAlg)).write(to: directory.appendingPathComponent("rejected.tsr"))
        let text = try OpenSSLTool.run(openssl, ["ts", "-reply", "-in", "rejected.tsr", "-text"], in: directory)
        #expect(text.output.contains("Status: Rejected."), "\(text.output)")
        #expect(text.output.contains("unrecognized or unsupported algorithm identifier"), "\(text.output)")
    }
}
