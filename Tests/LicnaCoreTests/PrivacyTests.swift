import Foundation
import LicnaBasics
import Testing
@testable import LicnaCore

@Suite struct PrivacyTests {
    let today = CivilDate(year: 2026, month: 11, day: 29)!

    @Test func sealOpensOnlyForItsRowAndKey() throws {
        let key = MasterKey.generate()
        let protector = PersonalNumberProtector(masterKey: key)
        let jmbg = try JMBG("0101006500006", today: today)
        let sealed = protector.seal(jmbg, owner: "row-1")
        #expect(try protector.open(sealed, owner: "row-1") == jmbg)
        #expect(sealed.combined.range(of: Data(jmbg.digits.utf8)) == nil)
        #expect(throws: PersonalNumberProtector.Failure.authentication) { try protector.open(sealed, owner: "row-2") }
        let other = PersonalNumberProtector(masterKey: .generate())
        #expect(throws: PersonalNumberProtector.Failure.authentication) { try other.open(sealed, owner: "row-1") }
        #expect(throws: PersonalNumberProtector.Failure.unknownKeyVersion) {
            try protector.open(SealedValue(keyVersion: 9, combined: sealed.combined), owner: "row-1")
        }
        // Two seals of the same number differ (random nonce); the blind index is stable and keyed.
        #expect(protector.seal(jmbg, owner: "row-1").combined != sealed.combined)
        #expect(protector.blindIndex(jmbg) == PersonalNumberProtector(masterKey: key).blindIndex(jmbg))
        #expect(protector.blindIndex(jmbg) != other.blindIndex(jmbg))
        #expect(protector.blindIndex(jmbg).count == 16)
    }

    @Test func masterKeyForms() throws {
        let key = MasterKey.generate()
        let again = try MasterKey(text: key.hexEncoded + "\n")
        #expect(again.hexEncoded == key.hexEncoded)
        let base64 = Data((0..<32).map { UInt8($0) }).base64EncodedString()
        #expect(try MasterKey(text: base64).hexEncoded.hasPrefix("000102"))
        #expect(throws: MasterKey.Invalidity.format) { try MasterKey(text: "short") }
        #expect(throws: MasterKey.Invalidity.format) { try MasterKey(text: String(repeating: "z", count: 64)) }
    }

    @Test func auditChainBreaks() {
        let time = Date(timeIntervalSince1970: 1_700_000_000.123)
        var records: [AuditRecord] = []
        for index in 0..<5 {
            let previous = records.last.map { ($0.sequence, $0.hash) }
            records.append(AuditRecord(after: previous, time: time, actor: "a\(index)", purpose: "p", action: "x", objectType: "person", objectID: "\(index)"))
        }
        func verify(_ list: [AuditRecord]) -> AuditChainVerifier.Break? {
            var verifier = AuditChainVerifier()
            for record in list { if let broken = verifier.check(record) { return broken } }
            return nil
        }
        #expect(verify(records) == nil)
        var altered = records
        altered[2].purpose = "changed"
        #expect(verify(altered) == .init(sequence: 3, reason: .altered))
        var removed = records
        removed.remove(at: 1)
        #expect(verify(removed) == .init(sequence: 2, reason: .missing))
        var rehashed = records
        rehashed[1].detail = "forged"
        rehashed[1].hash = rehashed[1].computedHash()
        #expect(verify(rehashed) == .init(sequence: 3, reason: .unlinked))
        // A field boundary cannot be moved without changing the hash.
        var shifted = records
        shifted[0].actor = "a0p"
        shifted[0].purpose = ""
        #expect(shifted[0].computedHash() != records[0].hash)
    }

    @Test func nameFolding() {
        #expect(NameFolding.fold("Đukanović") == "djukanovic")
        #expect(NameFolding.fold("Ђукановић") == "djukanovic")
        #expect(NameFolding.fold("Љиљана Њего") == "ljiljana njego")
        #expect(NameFolding.fold("Dritë Çeliku") == "drite celiku")
        #expect(NameFolding.fold("Ѓорѓи Ќосевски") == "gjorgji kjosevski")
    }
}
