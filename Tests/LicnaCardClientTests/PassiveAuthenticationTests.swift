import Foundation
import LicnaCard
import LicnaPKI
import Testing
import X509

@testable import LicnaCardClient

@Suite struct PassiveAuthenticationTests {
    @Test func genuineDocumentPasses() async throws {
        let pki = try EMRTDTestPKI()
        let sod = try await pki.sod(EMRTDSpecimen.dataGroups)
        let report = PassiveAuthentication(trustedCSCAs: [pki.csca], validationTime: Date()).verify(
            sod: sod, dataGroups: [1: EMRTDSpecimen.dg1, 2: EMRTDSpecimen.dg2], unreadable: [3])
        #expect(report.passed, "\(report.failures)")
        #expect(report.signatureVerified && report.chainVerified)
        #expect(report.dataGroups.map(\.status) == [.matched, .matched])
        #expect(report.unreadableDataGroups == [3])
        #expect(report.dataGroupsNotRead == [3])
        #expect(report.documentSigner == pki.documentSigner)
        #expect(report.csca == pki.csca)
    }

    @Test func alteredDG1Fails() async throws {
        let pki = try EMRTDTestPKI()
        let sod = try await pki.sod(EMRTDSpecimen.dataGroups)
        var altered = EMRTDSpecimen.dg1
        altered[altered.count - 3] = UInt8(ascii: "X")  // a letter of the name
        let report = PassiveAuthentication(trustedCSCAs: [pki.csca], validationTime: Date()).verify(sod: sod, dataGroups: [1: altered, 2: EMRTDSpecimen.dg2])
        #expect(!report.passed)
        #expect(report.signatureVerified && report.chainVerified)
        #expect(report.dataGroups.first == .init(number: 1, status: .mismatched))
        #expect(report.failures.contains { $0.contains("DG1") && $0.contains("altered") })
    }

    @Test func untrustedCSCAFails() async throws {
        let pki = try EMRTDTestPKI()
        let impostor = try EMRTDTestPKI()  // same names, other keys
        let stranger = try EMRTDTestPKI(country: "ZZ")
        let sod = try await pki.sod(EMRTDSpecimen.dataGroups)
        let sameName = PassiveAuthentication(trustedCSCAs: [impostor.csca], validationTime: Date()).verify(sod: sod, dataGroups: [1: EMRTDSpecimen.dg1])
        #expect(!sameName.passed)
        #expect(sameName.signatureVerified && !sameName.chainVerified)
        #expect(sameName.failures.contains { $0.contains("does not verify with the trusted CSCA") })
        let otherName = PassiveAuthentication(trustedCSCAs: [stranger.csca], validationTime: Date()).verify(sod: sod, dataGroups: [1: EMRTDSpecimen.dg1])
        #expect(!otherName.passed)
        #expect(otherName.failures.contains { $0.contains("none of the trusted CSCAs") })
    }

    @Test func expiredDocumentSignerFails() async throws {
        let pki = try EMRTDTestPKI()
        let sod = try await pki.sod(EMRTDSpecimen.dataGroups)
        let later = Date(timeIntervalSinceNow: 86_400 * 200)
        let report = PassiveAuthentication(trustedCSCAs: [pki.csca], validationTime: later).verify(sod: sod, dataGroups: [1: EMRTDSpecimen.dg1])
        #expect(!report.passed)
        #expect(report.failures.contains { $0.contains("Document Signer certificate expired") })
    }

    @Test func tamperedSODFails() async throws {
        let pki = try EMRTDTestPKI()
        var sod = try await pki.sod(EMRTDSpecimen.dataGroups)
        // Flip a byte inside the last data group hash of the encapsulated LDSSecurityObject.
        let object = try DocumentSecurityObject(efSOD: sod)
        let hash = try #require(object.securityObject.hash(ofDataGroup: 3))
        let index = try #require(Self.range(of: hash, in: sod)).lowerBound
        sod[index] ^= 0x01
        let report = PassiveAuthentication(trustedCSCAs: [pki.csca], validationTime: Date()).verify(sod: sod, dataGroups: [1: EMRTDSpecimen.dg1])
        #expect(!report.passed)
        #expect(!report.signatureVerified)
        #expect(PassiveAuthentication(trustedCSCAs: [pki.csca], validationTime: Date()).verify(sod: [0x77, 0x01, 0x00], dataGroups: [:]).passed == false)
    }

    /// The reader and the check together, over the fake card.
    @Test func readAllThenPassiveAuthentication() async throws {
        let pki = try EMRTDTestPKI()
        let sod = try await pki.sod(EMRTDSpecimen.dataGroups)
        let application = FakeEMRTDApplication(files: [
            0x011E: EMRTDSpecimen.com, 0x011D: sod,
            0x0101: EMRTDSpecimen.dg1, 0x0102: EMRTDSpecimen.dg2, 0x0103: EMRTDSpecimen.dg3,
        ])
        let reader = EMRTDReader(channel: SmartCardChannel(card: FakeCard { application.answer($0) }))
        try reader.select()
        try reader.verify(can: "123456")
        let result = try reader.readAll()
        let report = PassiveAuthentication(trustedCSCAs: [pki.csca], validationTime: Date()).verify(result)
        #expect(report.passed, "\(report.failures)")
        #expect(report.unreadableDataGroups == [3])
        let dg1 = try #require(try BERTLV.first(0x61, in: result.dataGroups[1] ?? []))
        let mrz = try #require(try BERTLV.first(0x5F1F, in: dg1.value))
        #expect(String(decoding: mrz.value, as: UTF8.self) == EMRTDSpecimen.mrz)
    }

    static func range(of needle: [UInt8], in haystack: [UInt8]) -> Range<Int>? {
        guard needle.count <= haystack.count else { return nil }
        for start in 0...(haystack.count - needle.count) where Array(haystack[start..<(start + needle.count)]) == needle {
            return start..<(start + needle.count)
        }
        return nil
    }
}
