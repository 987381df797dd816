import Foundation
import LicnaDocuments
import LicnaTestSupport
import Testing

/// The reader against files written by independent producers: qpdf (object streams, cross-reference streams, QDF,
/// linearization) and pyHanko (a signature), checked in turn with openssl and `qpdf --check`.
@Suite(.serialized) struct PDFInteropTests {
    private func write(_ bytes: [UInt8], _ name: String, in directory: URL) throws -> URL {
        let url = directory.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url
    }

    /// A throwaway P-256 key and certificate from openssl (`k.pem`, `c.pem`), and pyHanko signing `input` with them
    /// in the field `field` into `signed.pdf`.
    private func signWithPyHanko(_ pyhanko: URL, _ openssl: URL, _ input: String, field: String, in directory: URL) throws {
        let key = try ExternalTool.run(
            openssl,
            [
                "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", "k.pem",
                "-out", "c.pem", "-subj", "/CN=Licna Test Signer", "-days", "30",
            ], in: directory)
        #expect(key.status == 0, "\(key.output)")
        let sign = try ExternalTool.run(
            pyhanko,
            ["sign", "addsig", "--field", field, "pemder", "--key", "k.pem", "--cert", "c.pem", "--no-pass", input, "signed.pdf"],
            in: directory)
        #expect(sign.status == 0, "\(sign.output)")
    }

    private func read(_ name: String, in directory: URL) throws -> [UInt8] {
        Array(try Data(contentsOf: directory.appendingPathComponent(name)))
    }

    @Test(.requires("qpdf"), arguments: [
        ["--object-streams=generate"], ["--qdf"], ["--linearize"], ["--object-streams=generate", "--linearize"],
        ["--object-streams=generate", "--compress-streams=y", "--stream-data=compress"],
    ])
    func qpdfOutputOpens(_ arguments: [String]) throws {
        let qpdf = try ExternalTool.required("qpdf")
        let directory = try ExternalTool.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        _ = try write(PDFFixtures.classic(pageCount: 3), "in.pdf", in: directory)
        let result = try ExternalTool.run(qpdf, arguments + ["in.pdf", "out.pdf"], in: directory)
        #expect(result.status == 0, "\(result.output)")
        let bytes = try read("out.pdf", in: directory)
        let file = try PDFFile(bytes: bytes)
        #expect(!file.wasRecovered)
        #expect(file.revisions.count == 1)
        #expect(file.revisions.last?.endOffset == bytes.count)
        let pages = try file.pages()
        #expect(pages.count == 3)
        for page in pages {
            let contents = try #require(try file.resolve(page.dictionary["Contents"] ?? .null).streamValue)
            #expect(try file.decodedData(of: contents) == PDFFixtures.content)
            #expect(page.mediaBox == [0, 0, 612, 792])
        }
        if arguments.contains("--object-streams=generate") {
            #expect(file.usesCrossReferenceStreams)
            #expect(file.objectNumbers.contains { file.crossReferenceEntry(objectNumber: $0).map(isCompressed) ?? false })
        }
    }

    private func isCompressed(_ entry: PDFCrossReferenceEntry) -> Bool {
        if case .inObjectStream = entry { return true }
        return false
    }

    /// An update we append by hand to a file with cross-reference streams reads back, and qpdf finds no errors in it.
    @Test(.requires("qpdf")) func anUpdateAppendedToQpdfOutputReads() throws {
        let qpdf = try ExternalTool.required("qpdf")
        let directory = try ExternalTool.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        _ = try write(PDFFixtures.classic(pageCount: 2), "in.pdf", in: directory)
        #expect(try ExternalTool.run(qpdf, ["--object-streams=generate", "in.pdf", "xref.pdf"], in: directory).status == 0)
        let original = try read("xref.pdf", in: directory)
        let source = try PDFFile(bytes: original)
        let first = try #require(try source.pages().first)
        var page = first.dictionary
        page["Rotate"] = 270
        let updated = try PDFFixtures.appendingUpdate(
            to: original, replacing: [(try #require(first.reference), .dictionary(page))])
        _ = try write(updated, "updated.pdf", in: directory)
        let check = try ExternalTool.run(qpdf, ["--check", "updated.pdf"], in: directory)
        #expect(check.status == 0, "\(check.output)")
        let file = try PDFFile(bytes: updated)
        #expect(file.revisions.count == 2)
        #expect(try file.pages().map(\.rotate) == [270, 0])
    }

    /// pyHanko signs; the reader finds the field, /SubFilter, /ByteRange and /Contents, and openssl verifies the
    /// CMS over the signed bytes. A second revision makes the signature no longer cover the whole file.
    @Test(.requires("pyhanko", "openssl")) func aPyHankoSignatureIsFound() throws {
        let pyhanko = try ExternalTool.required("pyhanko")
        let openssl = try ExternalTool.required("openssl")
        let directory = try ExternalTool.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        _ = try write(PDFFixtures.classic(pageCount: 2), "in.pdf", in: directory)
        try signWithPyHanko(pyhanko, openssl, "in.pdf", field: "Sig1", in: directory)
        let bytes = try read("signed.pdf", in: directory)
        let file = try PDFFile(bytes: bytes)
        #expect(try file.pages().count == 2)
        let signatures = try file.signatures()
        #expect(signatures.count == 1)
        let signature = try #require(signatures.first)
        #expect(signature.problem == nil)
        #expect(signature.fieldName == "Sig1")
        #expect(["adbe.pkcs7.detached", "ETSI.CAdES.detached"].contains(signature.subFilter ?? ""))
        #expect(signature.coversWholeFile)
        #expect(signature.revisionIndex == 1)
        #expect(signature.byteRange?.end == bytes.count)
        #expect(signature.contents.first == 0x30)

        // openssl agrees that /Contents is a CMS signature over exactly the /ByteRange bytes.
        _ = try write(signature.contents, "sig.der", in: directory)
        _ = try write(signature.signedBytes(in: file), "signed.bin", in: directory)
        let verify = try ExternalTool.run(
            openssl,
            ["cms", "-verify", "-binary", "-inform", "DER", "-in", "sig.der", "-content", "signed.bin", "-noverify", "-out", "/dev/null"],
            in: directory)
        #expect(verify.status == 0, "\(verify.output)")

        // A second revision: the signature still reads, but no longer covers the whole file.
        let updated = try PDFFixtures.appendingUpdate(
            to: bytes, replacing: [(PDFReference(objectNumber: file.size), .dictionary(["Note": .string(PDFString(text: "later"))]))])
        let later = try PDFFile(bytes: updated)
        let stale = try #require(try later.signatures().first)
        #expect(stale.problem == nil)
        #expect(!stale.coversWholeFile)
        #expect(stale.revisionIndex == 1)
        #expect(later.revisions.count == 3)

        // pyHanko adds a second signature: the first keeps its revision, the second covers the file.
        let second = try ExternalTool.run(
            pyhanko,
            [
                "sign", "addsig", "--field", "Sig2", "pemder", "--key", "k.pem", "--cert", "c.pem", "--no-pass",
                "signed.pdf", "twice.pdf",
            ], in: directory)
        #expect(second.status == 0, "\(second.output)")
        let twice = try PDFFile(bytes: try read("twice.pdf", in: directory))
        let both = try twice.signatures()
        #expect(both.map(\.fieldName) == ["Sig1", "Sig2"])
        #expect(both.map(\.coversWholeFile) == [false, true])
        #expect(both.map(\.revisionIndex) == [1, 2])
        #expect(both.allSatisfy { $0.problem == nil })
    }

    /// pyHanko signs a file with object streams and cross-reference streams (qpdf's output): its update is a
    /// cross-reference stream section, and the reader finds the signature over the whole file.
    @Test(.requires("qpdf", "pyhanko", "openssl")) func aPyHankoSignatureOverCrossReferenceStreamsIsFound() throws {
        let qpdf = try ExternalTool.required("qpdf")
        let pyhanko = try ExternalTool.required("pyhanko")
        let openssl = try ExternalTool.required("openssl")
        let directory = try ExternalTool.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        _ = try write(PDFFixtures.classic(pageCount: 2), "in.pdf", in: directory)
        #expect(try ExternalTool.run(qpdf, ["--object-streams=generate", "in.pdf", "xref.pdf"], in: directory).status == 0)
        try signWithPyHanko(pyhanko, openssl, "xref.pdf", field: "Signature", in: directory)
        let bytes = try read("signed.pdf", in: directory)
        let file = try PDFFile(bytes: bytes)
        #expect(!file.wasRecovered)
        #expect(file.usesCrossReferenceStreams)
        #expect(file.crossReferenceSections.count == 2)
        #expect(try file.pages().count == 2)
        let signature = try #require(try file.signatures().first)
        #expect(signature.problem == nil)
        #expect(signature.fieldName == "Signature")
        #expect(signature.coversWholeFile)
        #expect(signature.revisionIndex == 1)
    }
}
