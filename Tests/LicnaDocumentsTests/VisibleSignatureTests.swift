import Crypto
import Foundation
@testable import LicnaDocuments
import LicnaPKI
import LicnaTestSupport
import Testing
import X509

/// Visible PAdES signatures: the widget's rectangle and `/AP` appearance stream (ISO 32000-1 §12.5.5,
/// §12.7.4.5) with text in Latin and Cyrillic that can be copied out, signatures that still validate, and clear
/// errors for a page or rectangle that does not exist on the document.
@Suite struct VisibleSignatureTests {
    let pki: PAdESTestPKI
    static let caption = "Дигитално потписао"  // Serbian Cyrillic: "digitally signed by"
    static let notice = "Važi samo u elektronskom obliku; çdo kopje e shtypur është pa nënshkrim"  // č ć š ž đ ë ç between the lines

    init() throws {
        pki = try PAdESTestPKI()
    }

    func appearance(page: Int = 0, _ rectangle: SignatureAppearance.Rectangle = SignatureAppearance.defaultRectangle,
                    lines: [String]? = nil) throws -> SignatureAppearance {
        let font = try WriterFixtures.font()
        return SignatureAppearance(pageIndex: page, rectangle: rectangle, font: font, caption: Self.caption, notice: Self.notice, lines: lines)
    }

    func sign(_ pdf: [UInt8], _ appearance: SignatureAppearance?, at time: Date = Date()) async throws -> [UInt8] {
        try await PAdESSigner(certificate: pki.signer, chain: [pki.root.certificate], appearance: appearance).sign(
            pdf, with: SoftwareSignatureProducer(privateKey: pki.signerKey), level: .timestamped,
            timestampAuthority: InProcessTimestampAuthority(responder: pki.tsa), signingTime: time)
    }

    func validate(_ pdf: [UInt8]) async throws -> [SignatureValidationReport] {
        try await PDFSignatureValidator(policy: ValidationPolicy(trustAnchors: [pki.root.certificate],
                                                                 revocationSource: StaticRevocationSource(crl: try pki.crl()), now: Date(), clock: ContinuousClock())).validate(pdf)
    }

    /// The widget of the signature field named `name`.
    func widget(_ name: String, in file: PDFFile) throws -> PDFFormField {
        try #require(try file.formFields().first { $0.fullyQualifiedName == name })
    }

    @Test(.requiresFont) func theWidgetHasTheRectangleAndAnAppearanceWithTheSignersText() async throws {
        let rectangle = SignatureAppearance.Rectangle(x: 300, y: 100.5, width: 240, height: 80)
        let appearance = try appearance(page: 1, rectangle)
        let pdf = PDFFixtures.classic(pageCount: 2)
        let time = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))  // within the certificate's validity
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
        let signed = try await sign(pdf, appearance, at: time)
        #expect(Array(signed.prefix(pdf.count)) == pdf)

        let file = try PDFFile(bytes: signed)
        let field = try widget("Signature1", in: file)
        let rect = try #require(try file.array(field.dictionary["Rect"])).compactMap(\.numberValue)
        #expect(rect == [300, 100.5, 540, 180.5])
        #expect(field.dictionary["F"]?.integerValue == 132)
        let page = try file.pages()[1]
        #expect(field.dictionary["P"]?.referenceValue == page.reference)
        let annotations = try #require(try file.array(page.dictionary["Annots"]))
        #expect(annotations.compactMap(\.referenceValue) == [field.reference].compactMap { $0 })
        #expect(try file.pages()[0].dictionary["Annots"] == nil)

        // The normal appearance: a form XObject of the rectangle's size whose resources hold an Identity-H font.
        let ap = try #require(try file.dictionary(field.dictionary["AP"]))
        guard case .stream(let form) = try file.resolve(try #require(ap["N"])) else {
            Issue.record("/AP /N is not a stream")
            return
        }
        #expect(form.dictionary.name("Subtype") == "Form")
        #expect(try file.array(form.dictionary["BBox"])?.compactMap(\.numberValue) == [0, 0, 240, 80])
        let resources = try #require(try file.dictionary(form.dictionary["Resources"]))
        let fonts = try #require(try file.dictionary(resources["Font"]))
        let font = try #require(try file.dictionary(fonts["F1"]))
        #expect(font.name("Subtype") == "Type0" && font.name("Encoding") == "Identity-H")
        guard case .stream(let toUnicode) = try file.resolve(try #require(font["ToUnicode"])) else {
            Issue.record("the font has no /ToUnicode stream")
            return
        }

        // The text drawn, read back through the ToUnicode CMap as a viewer copies it.
        let shown = Self.text(of: try file.decodedData(of: form), mappedBy: try file.decodedData(of: toUnicode))
        let joined = shown.joined(separator: " ")
        #expect(shown.first == Self.caption)
        #expect(shown.contains("Đurđa Šćepanović"), "\(shown)")
        #expect(shown.contains(formatter.string(from: time) + " UTC"), "\(shown)")
        #expect(joined.contains(Self.notice), "\(shown)")  // wrapped at spaces, nothing lost
        #expect(String(decoding: try file.decodedData(of: form), as: UTF8.self).contains(" re S"))  // the border

        let reports = try await validate(signed)
        #expect(reports.count == 1)
        #expect(reports.first?.indication == .totalPassed, "\(reports.first?.findings ?? [])")
        #expect(reports.first?.coverage == "the whole document")
    }

    @Test(.requiresFont, .requires("pdftotext")) func pdftotextExtractsTheStamp() async throws {
        let appearance = try appearance()
        let pdftotext = try ExternalTool.required("pdftotext")
        let signed = try await sign(PDFFixtures.classic(), appearance)
        let directory = try ExternalTool.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try Data(signed).write(to: directory.appendingPathComponent("signed.pdf"))
        let result = try ExternalTool.run(pdftotext, ["-enc", "UTF-8", "signed.pdf", "out.txt"], in: directory)
        #expect(result.status == 0, "\(result.output)")
        let text = try String(contentsOf: directory.appendingPathComponent("out.txt"), encoding: .utf8)
        #expect(text.contains("Đurđa Šćepanović"), "\(text)")
        #expect(text.contains(Self.caption), "\(text)")
        #expect(text.contains("çdo"), "\(text)")
    }

    @Test(.requiresFont) func aSecondVisibleSignatureKeepsTheFirstValid() async throws {
        let first = try appearance()
        var second = try appearance()
        second.rectangle.x += 250
        let once = try await sign(PDFFixtures.classic(), first)
        let twice = try await sign(once, second)
        #expect(Array(twice.prefix(once.count)) == once)
        let reports = try await validate(twice)
        #expect(reports.count == 2)
        #expect(reports.allSatisfy { $0.indication == .totalPassed }, "\(reports.map(\.findings))")
        let file = try PDFFile(bytes: twice)
        let annotations = try #require(try file.array(try file.pages()[0].dictionary["Annots"]))
        #expect(annotations.count == 2)

        // The second update holds only what a later signature may add: its signature, its field and widget, the
        // page (/Annots), the catalog (/AcroForm), and new objects reachable only from the widget's /AP.
        let field = try widget("Signature2", in: file)
        let fieldNumber = try #require(field.reference?.objectNumber)
        let appearance = Self.reachable(from: try #require(field.dictionary["AP"]), in: file)
        let earlier = try PDFFile(bytes: once)
        #expect(!appearance.isEmpty && appearance.allSatisfy { earlier.crossReferenceEntry(objectNumber: $0) == nil })
        let signatureNumber = try #require(field.value?.referenceValue?.objectNumber)
        let pageNumber = try #require(try file.pages()[0].reference?.objectNumber)
        let catalogNumber = try #require(file.catalogReference?.objectNumber)
        let added = Set(try #require(file.crossReferenceSections.first).entries.keys)
        #expect(added == appearance.union([signatureNumber, fieldNumber, pageNumber, catalogNumber]), "\(added.sorted())")
    }

    /// The object numbers reachable from `object` through references, streams' dictionaries included.
    static func reachable(from object: PDFObject, in file: PDFFile) -> Set<Int> {
        var seen = Set<Int>()
        var pending = [object]
        while let next = pending.popLast() {
            switch next {
            case .reference(let reference):
                if seen.insert(reference.objectNumber).inserted, let target = try? file.object(for: reference) { pending.append(target) }
            case .array(let items): pending += items
            case .dictionary(let dictionary): pending += dictionary.map { $0.1 }
            case .stream(let stream): pending += stream.dictionary.map { $0.1 }
            default: break
            }
        }
        return seen
    }

    /// A file with cross-reference and object streams (qpdf's output): the stamp's objects go into a
    /// cross-reference stream, qpdf finds no errors and the signature validates.
    @Test(.requiresFont, .requires("qpdf")) func aVisibleSignatureOnAFileWithCrossReferenceStreams() async throws {
        let appearance = try appearance()
        let qpdf = try ExternalTool.required("qpdf")
        let directory = try ExternalTool.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try Data(PDFFixtures.classic()).write(to: directory.appendingPathComponent("in.pdf"))
        #expect(try ExternalTool.run(qpdf, ["--object-streams=generate", "in.pdf", "xref.pdf"], in: directory).status == 0)
        let original = [UInt8](try Data(contentsOf: directory.appendingPathComponent("xref.pdf")))
        #expect(try PDFFile(bytes: original).usesCrossReferenceStreams)
        let signed = try await sign(original, appearance)
        try Data(signed).write(to: directory.appendingPathComponent("signed.pdf"))
        let check = try ExternalTool.run(qpdf, ["--check", "signed.pdf"], in: directory)
        #expect(check.status == 0 && check.output.contains("No syntax or stream encoding errors"), "\(check.output)")
        #expect(try await validate(signed).first?.indication == .totalPassed)
        #expect(try PDFFile(bytes: signed).formFields().first?.dictionary["AP"] != nil)
    }

    @Test(.requiresFont) func anESealShowsTheOrganization() throws {
        let appearance = try appearance()
        let key = P256.Signing.PrivateKey()
        let subject = try DistinguishedName {
            CountryName("ME")
            OrganizationName("Uprava za katastar i državnu imovinu")
            CommonName("Uprava e-pečat")
        }
        let seal = try CertificateIssuer().issue(
            profile: .eSeal, subject: subject, publicKey: Certificate.PublicKey(key.publicKey),
            serialNumber: CertificateSerialNumberGenerator().next(), notBefore: Date() - 60, notAfter: Date() + 3_600,
            authority: pki.root, options: .init(locations: .init(ocsp: nil, caIssuers: nil, crl: nil)))
        let lines = appearance.text(for: seal, signingTime: Date(timeIntervalSince1970: 0))
        #expect(lines == [Self.caption, "Uprava e-pečat", "Uprava za katastar i državnu imovinu", "1970-01-01 00:00:00 UTC", Self.notice])
        // A citizen has no organization; custom lines replace the text.
        #expect(appearance.text(for: pki.signer, signingTime: Date(timeIntervalSince1970: 0)).count == 4)
        var custom = appearance
        custom.lines = ["Ѓорѓи Ќосевски", "Ђорђе Џаковић"]
        #expect(custom.text(for: pki.signer, signingTime: Date()) == ["Ѓорѓи Ќосевски", "Ђорђе Џаковић"])
    }

    @Test(.requiresFont, arguments: [
        (0, SignatureAppearance.Rectangle(x: 36, y: 36, width: 0, height: 60)),  // no width
        (0, SignatureAppearance.Rectangle(x: 36, y: 36, width: 220, height: -60)),  // negative height
        (0, SignatureAppearance.Rectangle(x: -1, y: 36, width: 220, height: 60)),  // left of the page
        (0, SignatureAppearance.Rectangle(x: 500, y: 36, width: 220, height: 60)),  // past the right edge (612)
        (0, SignatureAppearance.Rectangle(x: 36, y: 750, width: 220, height: 60)),  // past the top (792)
        (0, SignatureAppearance.Rectangle(x: 36, y: 36, width: .infinity, height: 60)),
        (0, SignatureAppearance.Rectangle(x: 36, y: 36, width: 12, height: 8)),  // too small for the text
        (1, SignatureAppearance.defaultRectangle),  // no second page
        (-1, SignatureAppearance.defaultRectangle),
    ])
    func aMissingPageOrABadRectangleIsASigningError(page: Int, rectangle: SignatureAppearance.Rectangle) async throws {
        let appearance = try appearance(page: page, rectangle)
        let error = await #expect(throws: SigningError.self) { _ = try await sign(PDFFixtures.classic(), appearance) }
        #expect(error?.code == .invalidAppearance, "\(error?.message ?? "")")
    }

    @Test(.requiresFont) func aRectangleOutsideTheCropBoxIsASigningError() async throws {
        let appearance = try appearance()
        // The fixture's page with a crop box that leaves out the bottom 100 points.
        let cropped = String(decoding: PDFFixtures.classic(), as: UTF8.self)
            .replacingOccurrences(of: "/Parent 2 0 R /Resources", with: "/Parent 2 0 R /CropBox [0 100 612 792] /Resources")
        let pdf = Self.withFixedCrossReference(Array(cropped.utf8))
        let error = await #expect(throws: SigningError.self) { _ = try await sign(pdf, appearance) }
        #expect(error?.code == .invalidAppearance && error?.message.contains("crop box") == true, "\(error?.message ?? "")")
        var inside = appearance
        inside.rectangle.y = 120
        #expect(try await validate(try await sign(pdf, inside)).first?.indication == .totalPassed)
    }

    @Test(.requiresFont) func aCharacterTheFontLacksIsASigningError() async throws {
        let appearance = try appearance(lines: ["签名"])
        let error = await #expect(throws: SigningError.self) { _ = try await sign(PDFFixtures.classic(), appearance) }
        #expect(error?.code == .invalidAppearance && error?.message.contains("U+7B7E") == true, "\(error?.message ?? "")")
    }

    /// The lines of text a content stream shows with `Tj` on hexadecimal strings, each two-byte code mapped to
    /// Unicode by the `bfchar` entries of a ToUnicode CMap.
    static func text(of content: [UInt8], mappedBy cmap: [UInt8]) -> [String] {
        var map: [String: String] = [:]
        for line in String(decoding: cmap, as: UTF8.self).split(separator: "\n") {
            let parts = line.split(separator: " ")
            guard parts.count == 2, parts[0].hasPrefix("<"), parts[1].hasPrefix("<") else { continue }
            let code = String(parts[0].dropFirst().dropLast())
            let units = stride(from: 0, to: parts[1].count - 2, by: 4).compactMap { offset -> UInt16? in
                let start = parts[1].index(parts[1].startIndex, offsetBy: 1 + offset)
                return UInt16(parts[1][start..<parts[1].index(start, offsetBy: 4)], radix: 16)
            }
            map[code] = String(decoding: units, as: UTF16.self)
        }
        var lines: [String] = []
        for operation in String(decoding: content, as: UTF8.self).components(separatedBy: "> Tj") {
            guard let open = operation.lastIndex(of: "<") else { continue }
            let hex = Array(operation[operation.index(after: open)...])
            lines.append(stride(from: 0, to: hex.count, by: 4).map { map[String(hex[$0..<$0 + 4])] ?? "?" }.joined())
        }
        return lines
    }

    /// `pdf` with its cross-reference table rebuilt from the objects' positions (after an edit moved them).
    static func withFixedCrossReference(_ pdf: [UInt8]) -> [UInt8] {
        let text = String(decoding: pdf, as: UTF8.self)
        guard let xref = text.range(of: "xref\n") else { return pdf }
        var body = String(text[..<xref.lowerBound])
        var offsets: [Int] = []
        var number = 1
        while let range = body.range(of: "\n\(number) 0 obj\n") {
            offsets.append(body.utf8.distance(from: body.startIndex, to: range.lowerBound) + 1)
            number += 1
        }
        let start = body.utf8.count
        body += "xref\n0 \(offsets.count + 1)\n0000000000 65535 f \n"
        for offset in offsets { body += PDFFixtures.pad(offset, 10) + " 00000 n \n" }
        body += "trailer\n<< /Size \(offsets.count + 1) /Root 1 0 R >>\nstartxref\n\(start)\n%%EOF\n"
        return Array(body.utf8)
    }
}
