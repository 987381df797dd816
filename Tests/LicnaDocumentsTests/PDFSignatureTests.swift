import LicnaDocuments
import LicnaTestSupport
import Testing

@Suite struct PDFSignatureTests {
    @Test func aSignatureDictionaryIsFound() throws {
        let bytes = try PDFFixtures.structurallySigned()
        let file = try PDFFile(bytes: bytes)
        #expect(!file.wasRecovered)
        #expect(file.revisions.count == 2)
        let signatures = try file.signatures()
        #expect(signatures.count == 1)
        let signature = try #require(signatures.first)
        #expect(signature.problem == nil)
        #expect(signature.fieldName == "Potpis čćš")
        #expect(signature.reference == PDFReference(objectNumber: 7))
        #expect(signature.subFilter == "ETSI.CAdES.detached")
        #expect(signature.contents == [0x30, 0x03, 0x02, 0x01, 0x00])
        #expect(signature.reason == "Test")
        #expect(signature.signingTime?.timeIntervalSince1970 == 1_704_164_645)
        #expect(signature.coversWholeFile)
        #expect(signature.revisionIndex == 1)
        #expect(!signature.isDocumentTimestamp)
        let range = try #require(signature.byteRange)
        #expect(range.first.lowerBound == 0 && range.end == bytes.count)
        #expect(bytes[range.gap.lowerBound] == UInt8(ascii: "<") && bytes[range.gap.upperBound - 1] == UInt8(ascii: ">"))
        #expect(signature.signedBytes(in: file).count == bytes.count - range.gap.count)

        let store = try #require(try file.documentSecurityStore())
        #expect(store.certificates == [[0x30, 0x00]])
        #expect(store.validationRelatedInformation["ABCDEF"]?.certificates == [[0x30, 0x00]])
        #expect(store.ocspResponses.isEmpty && store.crls.isEmpty)
    }

    @Test func aLaterUpdateMeansTheSignatureNoLongerCoversTheFile() throws {
        let signed = try PDFFixtures.structurallySigned()
        let updated = try PDFFixtures.appendingUpdate(
            to: signed, replacing: [(PDFReference(objectNumber: 9), .dictionary(["Producer": .string(PDFString(text: "x"))]))])
        let file = try PDFFile(bytes: updated)
        #expect(file.revisions.count == 3)
        let signature = try #require(try file.signatures().first)
        #expect(signature.problem == nil)
        #expect(!signature.coversWholeFile)
        #expect(signature.revisionIndex == 1)
        #expect(signature.byteRange?.end == signed.count)
    }

    @Test func aByteRangeThatDoesNotExcludeExactlyTheContentsIsReported() throws {
        let bytes = try PDFFixtures.structurallySigned()
        let range = try #require(try PDFFile(bytes: bytes).signatures().first?.byteRange)
        // Rewrite the /ByteRange to exclude one byte less than the /Contents string.
        let text = String(decoding: bytes, as: UTF8.self)
        let written = "[0 \(PDFFixtures.pad(range.first.upperBound, 10)) \(PDFFixtures.pad(range.second.lowerBound, 10))"
        let shifted = "[0 \(PDFFixtures.pad(range.first.upperBound + 1, 10)) \(PDFFixtures.pad(range.second.lowerBound, 10))"
        let tampered = Array(text.replacingOccurrences(of: written, with: shifted).utf8)
        #expect(tampered != bytes)
        let signature = try #require(try PDFFile(bytes: tampered).signatures().first)
        #expect(signature.problem?.code == .invalidByteRange)
        #expect(signature.byteRange == nil)
    }

    @Test(arguments: [
        ([0, 10, 5, 5], "overlap"), ([1, 10, 20, 5], "does not start at 0"), ([0, 10, 20], "4"),
        ([0, 10, 20, 1_000_000], "past the end"), ([0, -1, 20, 5], "negative"),
    ])
    func byteRangesAreValidated(_ values: [Int], _ expected: String) {
        #expect { try PDFByteRange(values, fileSize: 1000) } throws: {
            ($0 as? PDFError)?.code == .invalidByteRange && "\($0)".contains(expected)
        }
    }

    @Test func derPaddingIsTrimmedOnlyWhenItIsZeros() throws {
        let bytes = try PDFFixtures.structurallySigned()
        #expect(try PDFFile(bytes: bytes).signatures().first?.contents.count == 5)
    }
}
