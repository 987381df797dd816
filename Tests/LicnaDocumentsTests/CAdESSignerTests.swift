import Foundation
@testable import LicnaDocuments
import LicnaPKI
import LicnaTestSupport
import Testing
import X509

/// A timestamp authority in the test process: LicnaPKI's responder with the test PKI's TSA certificate.
struct InProcessTimestampAuthority: TimestampAuthority {
    let responder: TimeStampResponder

    init(responder: TimeStampResponder) {
        self.responder = responder
    }

    init(pki: CMSTestPKI) throws {
        self.init(responder: try TimeStampResponder(certificate: pki.tsa, signer: SoftwareSignatureProducer(privateKey: pki.tsaKey)))
    }

    func timestamp(_ imprint: MessageImprint, nonce: [UInt8]) async throws -> TimeStampToken {
        let request = TimeStampRequest(messageImprint: imprint, nonce: nonce, certificateRequested: true)
        let response = try await responder.response(for: request, serialNumber: [0x01, 0x02], genTime: Date())
        return try TimeStampToken(responseDER: response)
    }
}

@Suite struct CAdESSignerTests {
    @Test(.requires("openssl"), arguments: [SignatureLevel.basic, .timestamped])
    func detachedSignaturesVerifyInOpenSSLAsCAdES(level: SignatureLevel) async throws {
        let pki = try CMSTestPKI()
        let content = Array("Ugovor o kupoprodaji — Čačak, Šćepan, Đurđa\n".utf8)
        let signature = try await CAdESSigner(certificate: pki.signer).sign(
            content, with: SoftwareSignatureProducer(privateKey: pki.signerKey), level: level,
            timestampAuthority: try InProcessTimestampAuthority(pki: pki), signingTime: Date())
        // Our own verifier: the signer, the signing-certificate-v2, and for B-T the signature timestamp.
        let result = try CMSSignedDataVerifier().verify(signature, detachedContent: .bytes(content))
        #expect(result.signers.first?.certificate == pki.signer)
        #expect(result.signers.first?.hasSigningCertificateV2 == true)
        #expect(result.signers.first?.signingTime != nil)
        let unsigned = result.signers.first?.signerInfo.unsignedAttributes ?? []
        #expect(unsigned.contains { $0.type == .CMS.timeStampTokenAttribute } == (level == .timestamped))
        // A changed byte fails.
        var changed = content
        changed[0] ^= 1
        #expect(throws: (any Error).self) { try CMSSignedDataVerifier().verify(signature, detachedContent: .bytes(changed)) }
        // OpenSSL, as an independent implementation, with its CAdES checks (ESS signing-certificate-v2).
        let openssl = try OpenSSLTool.required()
        let folder = try OpenSSLTool.temporaryDirectory()
        try Data(content).write(to: folder.appendingPathComponent("doc.txt"))
        try Data(signature).write(to: folder.appendingPathComponent("doc.p7s"))
        try OpenSSLTool.writePEM(pki.root, to: folder.appendingPathComponent("root.pem"))
        let verified = try OpenSSLTool.run(openssl, ["cms", "-verify", "-binary", "-inform", "DER", "-in", "doc.p7s", "-content",
                                                     "doc.txt", "-CAfile", "root.pem", "-cades", "-purpose", "any", "-out", "/dev/null"], in: folder)
        #expect(verified.status == 0, "\(verified.output)")
        #expect(verified.output.contains("Verification successful"))
    }

    /// A TSA that refuses, or answers for another nonce: nothing is signed, and the error says the timestamp was
    /// the problem (the server answers 503 for it, not 500).
    @Test func anUnusableTimestampIsASigningErrorNotACrash() async throws {
        struct Refusing: TimestampAuthority {
            func timestamp(_ imprint: MessageImprint, nonce: [UInt8]) async throws -> TimeStampToken {
                try TimeStampToken(responseDER: try TimeStampResponder.rejection(.systemFailure, statusString: "down for maintenance"))
            }
        }
        struct WrongNonce: TimestampAuthority {
            let inner: InProcessTimestampAuthority
            func timestamp(_ imprint: MessageImprint, nonce: [UInt8]) async throws -> TimeStampToken {
                try await inner.timestamp(imprint, nonce: [0x01] + nonce)
            }
        }
        let pki = try CMSTestPKI()
        for authority in [Refusing() as any TimestampAuthority, WrongNonce(inner: try InProcessTimestampAuthority(pki: pki))] {
            do {
                _ = try await CAdESSigner(certificate: pki.signer).sign(
                    Array("x".utf8), with: SoftwareSignatureProducer(privateKey: pki.signerKey), level: .timestamped, timestampAuthority: authority, signingTime: Date())
                Issue.record("signed without a usable timestamp")
            } catch let error as SigningError {
                #expect(error.code == .timestampUnavailable)
            }
        }
    }

    @Test func aKeyThatIsNotTheCertificatesIsRefused() async throws {
        let pki = try CMSTestPKI()
        await #expect(throws: SigningError.self) {
            _ = try await CAdESSigner(certificate: pki.signer).sign([1, 2, 3], with: SoftwareSignatureProducer(privateKey: pki.otherKey), signingTime: Date())
        }
    }

    @Test func timestampedLevelsNeedAnAuthority() async throws {
        let pki = try CMSTestPKI()
        await #expect(throws: SigningError.self) {
            _ = try await CAdESSigner(certificate: pki.signer).sign([1], with: SoftwareSignatureProducer(privateKey: pki.signerKey),
                                                                     level: .timestamped, signingTime: Date())
        }
    }
}
