import LicnaCard
import LicnaPKI
import Testing

@testable import LicnaCardClient

@Suite struct EMRTDReaderTests {
    func makeCard(sod: [UInt8] = [0x77, 0x00]) -> (FakeCard, FakeEMRTDApplication, EMRTDReader) {
        let application = FakeEMRTDApplication(files: [
            0x011E: EMRTDSpecimen.com, 0x011D: sod,
            0x0101: EMRTDSpecimen.dg1, 0x0102: EMRTDSpecimen.dg2, 0x0103: EMRTDSpecimen.dg3,
        ])
        let card = FakeCard { application.answer($0) }
        return (card, application, EMRTDReader(channel: SmartCardChannel(card: card)))
    }

    @Test func readsAFileInChunks() throws {
        let (card, _, reader) = makeCard()
        try reader.select()
        #expect(card.raw.last == hex("00 A4 04 0C 07 A0 00 00 02 47 10 01"))
        try reader.verify(can: "123456")
        #expect(card.raw.last == hex("00 20 00 82 06 31 32 33 34 35 36"))
        card.clear()
        let dg2 = try reader.readFile(.dg2)
        #expect(dg2 == EMRTDSpecimen.dg2)
        let raw = card.raw
        #expect(raw[0] == hex("00 A4 02 0C 02 01 02"))
        #expect(raw[1] == hex("00 B0 00 00 04"))
        #expect(raw[2] == hex("00 B0 00 04 DF"))
        #expect(raw[3] == hex("00 B0 00 E3 DF"))
        // 4 + 1500 bytes: 4, then ⌈1500 / 223⌉ = 7 chunks.
        #expect(raw.count == 2 + 7)
    }

    @Test func protectedFilesNeedTheCAN() throws {
        let (_, _, reader) = makeCard()
        try reader.select()
        #expect {
            _ = try reader.readFile(.dg1)
        } throws: { error in
            (error as? EMRTDError)?.code == .emrtdAccessDenied && (error as? EMRTDError)?.statusWord == .securityStatusNotSatisfied
        }
        #expect {
            try reader.verify(can: "000000")
        } throws: { error in
            (error as? EMRTDError)?.triesLeft == 9
        }
        #expect(throws: PIVError.self) { try reader.verify(can: "12345") }
        #expect(try reader.readFile(.com) == EMRTDSpecimen.com)
    }

    @Test func readAllReportsWhatItCouldNotRead() throws {
        let (_, _, reader) = makeCard()
        try reader.select()
        try reader.verify(can: "123456")
        let result = try reader.readAll()
        #expect(result.dataGroups == [1: EMRTDSpecimen.dg1, 2: EMRTDSpecimen.dg2])
        #expect(result.unreadableDataGroups == [3: .securityStatusNotSatisfied])
        #expect(result.files[.com] == EMRTDSpecimen.com)
        #expect(result.sod == [0x77, 0x00])
        #expect(EMRTDReader.dataGroupNumbers(inCOM: EMRTDSpecimen.com) == [1, 2, 3])
    }

    @Test func headerLengths() {
        #expect(EMRTDReader.headerLength([0x61, 0x5D, 0x5F, 0x1F])! == (2, 0x5D))
        #expect(EMRTDReader.headerLength([0x75, 0x82, 0x05, 0xDC])! == (4, 1500))
        #expect(EMRTDReader.headerLength([0x77, 0x83, 0x01, 0x00]) == nil)
        #expect(EMRTDReader.headerLength([0x77, 0x83, 0x01, 0x00, 0x00])! == (5, 0x10000))
        #expect(EMRTDReader.headerLength([0x5F, 0x1F, 0x81, 0x80])! == (4, 0x80))
    }
}
