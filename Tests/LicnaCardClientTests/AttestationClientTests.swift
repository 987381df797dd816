import Crypto
import Foundation
import LicnaBasics
import LicnaCard
@testable import LicnaCardClient
import LicnaPKI
import Synchronization
import Testing
import X509

/// The card's key attestation through the PIV client, and the personalizer handing it to the authority.
@Suite struct AttestationClientTests {
    /// A development authority that records what the personalizer sent.
    final class RecordingAuthority: CardIssuingAuthority {
        let inner: DevelopmentCertificateAuthority
        let received = Mutex<[CertificateProfile: KeyAttestation]>([:])

        init() throws { inner = try DevelopmentCertificateAuthority(clock: SystemWallClock()) }

        func issueCertificate(profile: CertificateProfile, csr: CertificateSigningRequest, latestNotAfter: Date,
                              attestation: KeyAttestation?) async throws -> Certificate {
            if let attestation { received.withLock { $0[profile] = attestation } }
            return try await inner.issueCertificate(profile: profile, csr: csr, latestNotAfter: latestNotAfter, attestation: attestation)
        }

        func securityObject(dataGroups: [Int: [UInt8]]) async throws -> [UInt8] {
            try await inner.securityObject(dataGroups: dataGroups)
        }
    }

    static let transportKey = [UInt8](repeating: 7, count: 32)

    static func manufacturedCard(_ manufacturer: CardManufacturer, model: String = CardManufacturer.virtualCardModel) throws -> VirtualCard {
        var image = CardImage(transportKey: transportKey)
        try manufacturer.manufacture(&image, model: model, serial: "12345678", now: Date())
        return VirtualCard(image: image, store: nil)
    }

    @Test func aKeyGeneratedOnTheCardIsAttestedUnderTheManufacturersRoot() async throws {
        let manufacturer = try CardManufacturer.development(now: Date())
        let card = try Self.manufacturedCard(manufacturer)
        let authority = try RecordingAuthority()
        let result = try await CardPersonalizer(channel: SmartCardChannel(card: card), transportKey: Self.transportKey)
            .personalize(PersonalizationTests.holder(), secrets: .init(pin: "123456", puk: "12345678", can: "123456"), authority: authority)
        let sent = try #require(authority.received.withLock { $0[.signature] })
        #expect(sent.publicKey == result.signatureCertificate?.publicKey)
        #expect(sent.model == CardManufacturer.virtualCardModel && sent.serial == "12345678" && sent.slot == 0x9C)
        #expect(await sent.verify(roots: [manufacturer.root.certificate], at: Date()))
        #expect(authority.received.withLock { $0[.authentication] }?.slot == 0x9A)

        // After activation anyone may ask again, without PIN: the same key, a fresh certificate.
        card.reset()
        let piv = PIVClient(channel: SmartCardChannel(card: card))
        _ = try piv.select()
        let answer = try piv.attest(slot: .signature)
        let again = try KeyAttestation(certificate: Certificate(derEncoded: answer.attestation), deviceCertificate: Certificate(derEncoded: answer.device))
        #expect(again.publicKey == result.signatureCertificate?.publicKey)
        #expect(await again.verify(roots: [manufacturer.root.certificate], at: Date()))
        // Another manufacturer's root does not vouch for this card.
        #expect(await !again.verify(roots: [try CardManufacturer.development(now: Date()).root.certificate], at: Date()))
        // The PEM form round-trips (`licna ca issue --attestation`, the API's `attestation` field).
        #expect(try KeyAttestation(pemEncoded: again.pemEncoded()) == again)
    }

    @Test func aCardWithoutAttestationKeyIsPersonalizedWithoutAttestation() async throws {
        let card = VirtualCard.inMemory(transportKey: Self.transportKey)
        let authority = try RecordingAuthority()
        _ = try await CardPersonalizer(channel: SmartCardChannel(card: card), transportKey: Self.transportKey)
            .personalize(PersonalizationTests.holder(), secrets: .init(pin: "123456", puk: "12345678", can: "123456"), authority: authority)
        #expect(authority.received.withLock { $0.isEmpty })
        let piv = PIVClient(channel: SmartCardChannel(card: card))
        _ = try piv.select()
        #expect(throws: PIVError.self) { _ = try piv.attest(slot: .signature) }
    }
}
