import Foundation
import LicnaTestSupport
import LicnaDocuments
import Testing

@Suite struct JPEGImageTests {
    @Test func readsThePixelSizeFromTheFrameHeader() throws {
        let image = try JPEGImage(bytes: WriterFixtures.grayJPEG(width: 120, height: 80))
        #expect(image.pixelWidth == 120)
        #expect(image.pixelHeight == 80)
        #expect(image.componentCount == 1)
    }

    @Test func skipsMarkersBeforeTheFrameHeader() throws {
        var bytes = WriterFixtures.grayJPEG(width: 16, height: 24)
        // A JFIF APP0 segment and a comment right after SOI.
        let app0: [UInt8] = [0xFF, 0xE0, 0x00, 0x10] + Array("JFIF".utf8) + [0, 1, 1, 0, 0, 1, 0, 1, 0, 0]
        let comment: [UInt8] = [0xFF, 0xFE, 0x00, 0x07] + Array("Licna".utf8)
        bytes.insert(contentsOf: app0 + comment, at: 2)
        let image = try JPEGImage(bytes: bytes)
        #expect(image.pixelWidth == 16 && image.pixelHeight == 24)
    }

    @Test func rejectsWhatIsNotAnEmbeddableJPEG() {
        let good = WriterFixtures.grayJPEG(width: 8, height: 8)
        var twelveBit = good
        if let sof = (0..<(good.count - 1)).first(where: { good[$0] == 0xFF && good[$0 + 1] == 0xC0 }) {
            twelveBit[sof + 4] = 12
        }
        for bytes in [[], [0xFF, 0xD8], Array("GIF89a".utf8), Array(good.prefix(30)), twelveBit] {
            let error = #expect(throws: DocumentWriterError.self) { try JPEGImage(bytes: bytes) }
            #expect(error?.code == .invalidImage)
        }
    }

    @Test(arguments: [UInt64(11), 12, 13])
    func mutatedJPEGsFailCleanly(seed: UInt64) {
        let original = WriterFixtures.grayJPEG(width: 64, height: 48)
        var random = SeededRandom(seed: seed)
        for _ in 0..<500 {
            var bytes = original
            for _ in 0..<Int.random(in: 1...3, using: &random) {
                bytes[Int.random(in: 0..<min(bytes.count, 120), using: &random)] = UInt8.random(in: 0...255, using: &random)
            }
            if Bool.random(using: &random) { bytes = Array(bytes.prefix(Int.random(in: 0...bytes.count, using: &random))) }
            do {
                let image = try JPEGImage(bytes: bytes)
                #expect(image.pixelWidth > 0 && image.pixelHeight > 0)
            } catch {
                #expect((error as? DocumentWriterError)?.code == .invalidImage)
            }
        }
    }
}
