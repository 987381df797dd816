import Foundation
import LicnaDocuments
import LicnaTestSupport
import Testing

@Suite struct PDFFileTests {
    @Test func aClassicFileOpens() throws {
        let file = try PDFFile(bytes: PDFFixtures.classic(pageCount: 3))
        #expect(!file.wasRecovered)
        #expect(!file.isEncrypted)
        #expect(file.size == 10)
        #expect(file.highestObjectNumber == 9)
        #expect(file.revisions.count == 1)
        #expect(file.revisions.first?.endOffset == file.bytes.count)
        #expect(try file.catalog().name("Type") == "Catalog")
        let pages = try file.pages()
        #expect(pages.map(\.reference?.objectNumber) == [4, 6, 8])
        #expect(pages.allSatisfy { $0.mediaBox == [0, 0, 612, 792] })
        let contents = try #require(try file.resolve(pages[0].dictionary["Contents"] ?? .null).streamValue)
        #expect(try file.decodedData(of: contents) == PDFFixtures.content)
        #expect(try file.signatures().isEmpty)
        #expect(try file.documentSecurityStore() == nil)
    }

    @Test func crossReferenceAndObjectStreamsOpen() throws {
        let file = try PDFFile(bytes: PDFFixtures.withCrossReferenceStream(pageCount: 2))
        #expect(!file.wasRecovered)
        #expect(file.usesCrossReferenceStreams)
        #expect(file.crossReferenceEntry(objectNumber: 1) == .inObjectStream(streamNumber: 8, index: 0))
        let pages = try file.pages()
        #expect(pages.count == 2)
        #expect(pages[1].reference == PDFReference(objectNumber: 6))
        #expect(pages[1].dictionary["Contents"] == .reference(PDFReference(objectNumber: 7)))
    }

    @Test func aHybridFileFindsCompressedObjectsThroughXRefStm() throws {
        let file = try PDFFile(bytes: PDFFixtures.withCrossReferenceStream(pageCount: 2, hybrid: true))
        #expect(!file.wasRecovered)
        #expect(!file.usesCrossReferenceStreams)
        #expect(file.crossReferenceEntry(objectNumber: 2) == .inObjectStream(streamNumber: 8, index: 1))
        #expect(try file.pages().count == 2)
    }

    @Test func anIncrementalUpdateIsFollowed() throws {
        let original = PDFFixtures.classic(pageCount: 1)
        var page = try #require(try PDFFile(bytes: original).pages().first?.dictionary)
        page["Rotate"] = 90
        let updated = try PDFFixtures.appendingUpdate(
            to: original, replacing: [(PDFReference(objectNumber: 4), .dictionary(page))])
        let file = try PDFFile(bytes: updated)
        #expect(!file.wasRecovered)
        #expect(file.crossReferenceSections.count == 2)
        #expect(file.revisions.map(\.endOffset) == [original.count, updated.count])
        #expect(try file.pages().first?.rotate == 90)
        // The older revision is still readable on its own.
        #expect(try PDFFile(bytes: Array(updated.prefix(original.count))).pages().first?.rotate == 0)
    }

    @Test func aDamagedCrossReferenceIsRecovered() throws {
        var bytes = PDFFixtures.classic(pageCount: 2)
        // Break startxref's offset and an object's table entry.
        let text = String(decoding: bytes, as: UTF8.self)
        let startxref = try #require(text.range(of: "startxref\n"))
        let offsetStart = text.utf8.distance(from: text.startIndex, to: startxref.upperBound)
        bytes[offsetStart] = UInt8(ascii: "9")
        let file = try PDFFile(bytes: bytes)
        #expect(file.wasRecovered)
        #expect(try file.pages().count == 2)

        // No cross-reference at all, and no trailer: the catalog is found by its /Type.
        let cut = try #require(String(decoding: bytes, as: UTF8.self).range(of: "xref\n0 "))
        let prefix = Array(bytes.prefix(text.utf8.distance(from: text.startIndex, to: cut.lowerBound)))
        let bare = try PDFFile(bytes: prefix)
        #expect(bare.wasRecovered)
        #expect(try bare.pages().count == 2)
    }

    @Test func wrongOffsetsInTheTableAreCorrectedByScanning() throws {
        var bytes = PDFFixtures.classic(pageCount: 1)
        // Shift every object by inserting a comment after the header; the table's offsets are now all wrong.
        bytes.insert(contentsOf: Array("% shifted\n".utf8), at: 9)
        let file = try PDFFile(bytes: bytes)
        #expect(try file.pages().count == 1)
    }

    @Test func encryptedFilesGiveAClearError() throws {
        var bytes = PDFFixtures.classic(pageCount: 1)
        let text = String(decoding: bytes, as: UTF8.self).replacingOccurrences(
            of: "/Root 1 0 R >>", with: "/Root 1 0 R /Encrypt << /Filter /Standard /V 2 >> >>")
        bytes = Array(text.utf8)
        let file = try PDFFile(bytes: bytes)
        #expect(file.isEncrypted)
        #expect { try file.signatures() } throws: {
            ($0 as? PDFError)?.code == .encrypted
                && "\($0)".contains("encrypted PDFs are not supported; remove the password first")
        }
    }

    @Test func filesOverTheSizeLimitAreRefused() {
        var options = PDFFile.Options()
        options.maximumFileSize = 100
        #expect { try PDFFile(bytes: PDFFixtures.classic(), options: options) } throws: {
            ($0 as? PDFError)?.code == .fileTooLarge
        }
        #expect { try PDFFile(bytes: Array("hello".utf8)) } throws: { ($0 as? PDFError)?.code == .syntax }
    }

    @Test func referenceCyclesAreDetected() throws {
        let bytes = Array(
            """
            %PDF-1.7
            1 0 obj
            << /Type /Catalog /Pages 2 0 R >>
            endobj
            2 0 obj
            << /Type /Pages /Kids [2 0 R] /Count 1 >>
            endobj
            3 0 obj
            4 0 R
            endobj
            4 0 obj
            3 0 R
            endobj
            5 0 obj
            << /Length 5 0 R >>
            stream
            abc
            endstream
            endobj
            trailer
            << /Root 1 0 R >>
            %%EOF
            """.utf8)
        let file = try PDFFile(bytes: bytes)
        #expect(file.wasRecovered)
        #expect { try file.pages() } throws: { ($0 as? PDFError)?.code == .referenceCycle }
        #expect { try file.resolve(.reference(PDFReference(objectNumber: 3))) } throws: {
            ($0 as? PDFError)?.code == .referenceCycle
        }
        // A stream whose /Length refers to itself still reads, up to `endstream`.
        let stream = try #require(try file.object(for: PDFReference(objectNumber: 5)).streamValue)
        #expect(Array(stream.encodedBytes) == Array("abc".utf8))
    }

    @Test func inheritedPageAttributesAreResolved() throws {
        let bytes = Array(
            """
            %PDF-1.7
            1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj
            2 0 obj << /Type /Pages /Kids [3 0 R] /Count 2 /MediaBox [0 0 595 842] /Rotate 180 /Resources << >> >> endobj
            3 0 obj << /Type /Pages /Parent 2 0 R /Kids [4 0 R 5 0 R] /Count 2 /CropBox [10 10 500 800] >> endobj
            4 0 obj << /Type /Page /Parent 3 0 R >> endobj
            5 0 obj << /Type /Page /Parent 3 0 R /MediaBox [0 0 100 100] /Rotate 90 >> endobj
            trailer << /Root 1 0 R >>
            """.utf8)
        let pages = try PDFFile(bytes: bytes).pages()
        #expect(pages.count == 2)
        #expect(pages[0].mediaBox == [0, 0, 595, 842])
        #expect(pages[0].cropBox == [10, 10, 500, 800])
        #expect(pages[0].rotate == 180)
        #expect(pages[0].resources == .dictionary(PDFDictionary()))
        #expect(pages[1].mediaBox == [0, 0, 100, 100])
        #expect(pages[1].rotate == 90)
    }
}
