import Crypto
import Foundation
import LicnaBasics
import LicnaCard
@testable import LicnaCardClient
import LicnaPKI
import Testing
import X509

@Suite struct PersonalizationTests {
    static func holder(_ surname: String = "PETROVIĆ", _ given: String = "Đorđe") -> CardHolder {
        CardHolder(surname: surname, givenNames: given, identificationNumber: "123456782", jmbg: "0101990210006",
                   birthDate: "900101", sex: "M", cardNumber: "LC1234567",
                   cardExpiry: Date(timeIntervalSince1970: 2_100_000_000), issuingAuthority: "Test")
    }

    @Test func aPersonalizedCardSignsReadsAndPassesPassiveAuthentication() async throws {
        let card = VirtualCard.inMemory(transportKey: [UInt8](repeating: 7, count: 32))
        let channel = SmartCardChannel(card: card)
        let authority = try DevelopmentCertificateAuthority(clock: SystemWallClock())
        let result = try await CardPersonalizer(channel: channel, transportKey: [UInt8](repeating: 7, count: 32))
            .personalize(Self.holder(), secrets: .init(pin: "123456", puk: "12345678", can: "123456"), authority: authority)
        #expect(card.image.lifeCycle == .operational)
        let signatureCertificate = try #require(result.signatureCertificate)
        #expect(signatureCertificate.subject.description.contains("PNOME-123456782"))
        #expect(!signatureCertificate.subject.description.contains("0101990210006"))
        card.reset()
        let report = try CardReport.read(channel: channel, can: "123456", csca: [authority.csca.certificate], at: Date())
        #expect(report.mrz?[2].hasPrefix("PETROVIC<<DORDE<") == true)
        #expect(report.identity["identificationNumber"] == "123456782")
        #expect(report.identity["jmbg"] == nil)
        #expect(report.certificates["9C"] == result.signatureCertificate)
        #expect(report.passiveAuthentication?.passed == true)
        #expect(report.dataGroupsUnreadable.keys.contains(3))
        #expect(!(report.mrz ?? []).joined().contains("0101990210006"))
        // Without the CAN, DG1 is not read.
        card.reset()
        let closed = try CardReport.read(channel: channel, can: nil, csca: [authority.csca.certificate], at: Date())
        #expect(closed.mrz == nil)
        #expect(closed.dataGroupsUnreadable.keys.contains(1))
        // A signature by the card verifies with the certificate read from it.
        card.reset()
        let piv = PIVClient(channel: channel)
        _ = try piv.select()
        let message = Array("ugovor".utf8)
        try piv.verify(pin: "123456")
        let signature = try piv.sign(digest: Array(SHA256.hash(data: message)), slot: .signature, algorithm: .p256)
        let key = try #require(P256.Signing.PublicKey(signatureCertificate.publicKey))
        #expect(key.isValidSignature(try P256.Signing.ECDSASignature(derRepresentation: signature), for: SHA256.hash(data: message)))
    }

    /// The card's policy reaches the chip (issue 12, item 1): a 76-year-old's card lasts 50 years in its CHUID and
    /// identity record, while the MRZ and DG1 say 10 years and the certificates end within 5; a minor's card has
    /// no signature key or certificate at all.
    @Test func theCardPolicyDecidesExpiriesAndTheSignatureKey() async throws {
        let issued = Date(timeIntervalSince1970: 1_796_256_000)  // 2026-12-03
        let year = 365.25 * 86_400
        for adult in [true, false] {
            let card = VirtualCard.inMemory(transportKey: [UInt8](repeating: 7, count: 32))
            let channel = SmartCardChannel(card: card)
            let authority = try DevelopmentCertificateAuthority(clock: SystemWallClock())
            var holder = CardHolder(surname: "STARI", givenNames: "Marko", identificationNumber: "123456782", jmbg: "0101950210009",
                                    birthDate: adult ? "500615" : "120101", sex: "M", cardNumber: "LC7654321",
                                    cardExpiry: issued + (adult ? 50 : 5) * year, travelDocumentExpiry: issued + (adult ? 10 : 5) * year,
                                    certificatesNotAfter: Date() + 4 * year, signatureCertificate: adult, issuingAuthority: "Test")
            holder.portrait = LDSFile.testPortrait
            let result = try await CardPersonalizer(channel: channel, transportKey: [UInt8](repeating: 7, count: 32))
                .personalize(holder, secrets: .init(pin: "123456", puk: "12345678", can: "123456"), authority: authority)
            #expect(result.authenticationCertificate.notValidAfter <= holder.certificatesNotAfter)
            #expect((result.signatureCertificate != nil) == adult)
            card.reset()
            let report = try CardReport.read(channel: channel, can: "123456", csca: [authority.csca.certificate], at: Date())
            #expect(report.identity["cardExpiry"] == (adult ? "20761202" : "20311203"))
            #expect(report.mrz?[1].dropFirst(8).prefix(6) == (adult ? "361202" : "311203"))  // TD1 line 2: expiry YYMMDD
            #expect((report.certificates["9C"] != nil) == adult)
            #expect(report.passiveAuthentication?.passed == true)
            card.reset()
            let piv = PIVClient(channel: channel)
            _ = try piv.select()
            try piv.verify(pin: "123456")
            if !adult {
                #expect(throws: PIVError.self) { try piv.sign(digest: Array(SHA256.hash(data: [1])), slot: .signature, algorithm: .p256) }
            }
        }
    }

    @Test func aCyrillicNameIsTransliteratedInTheMRZ() throws {
        let mrz = try Self.holder("Јовановић", "Љубица").machineReadableZone()
        #expect(mrz.lines[2].hasPrefix("JOVANOVIC<<LJUBITSA<"))  // ICAO 9303-3 table: Ц → TS
    }
}
