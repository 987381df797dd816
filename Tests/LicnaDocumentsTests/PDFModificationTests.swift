import Foundation
@testable import LicnaDocuments
import LicnaPKI
import LicnaTestSupport
import Testing
import X509

/// Changes appended after a signature: further signatures and validation data keep it TOTAL-PASSED; content,
/// annotations, catalog actions and anything a DocMDP certification forbids make it TOTAL-FAILED/FORMAT_FAILURE.
@Suite struct PDFModificationTests {
    let pki: PAdESTestPKI
    // PDFFixtures.classic: 1 catalog, 2 pages, 3 font, 4 the page, 5 its content stream.
    static let catalog = PDFReference(objectNumber: 1)
    static let page = PDFReference(objectNumber: 4)
    static let content = PDFReference(objectNumber: 5)

    init() throws {
        pki = try PAdESTestPKI()
    }

    func sign(_ pdf: [UInt8]) async throws -> [UInt8] {
        try await PAdESSigner(certificate: pki.signer, chain: [pki.root.certificate]).sign(
            pdf, with: SoftwareSignatureProducer(privateKey: pki.signerKey), level: .timestamped,
            timestampAuthority: InProcessTimestampAuthority(responder: pki.tsa), signingTime: Date())
    }

    func validate(_ pdf: [UInt8]) async throws -> [SignatureValidationReport] {
        try await PDFSignatureValidator(policy: ValidationPolicy(trustAnchors: [pki.root.certificate],
                                                                 revocationSource: StaticRevocationSource(crl: try pki.crl()), now: Date(), clock: ContinuousClock()))
            .validate(pdf)
    }

    // MARK: Updates appended by hand, as another tool would

    /// A new object number for the update being built, past `file.size` and the ones already taken.
    static func fresh(_ file: PDFFile, _ objects: [(PDFReference, PDFObject)]) -> PDFReference {
        PDFReference(objectNumber: max(file.size, (objects.map(\.0.objectNumber).max() ?? 0) + 1))
    }

    /// A DSS with one certificate stream and a CRL, added to the catalog (ETSI EN 319 142-1 §5.4.2).
    func addingValidationData(to pdf: [UInt8]) throws -> [UInt8] {
        let file = try PDFFile(bytes: pdf)
        var objects: [(PDFReference, PDFObject)] = []
        let certificate = Self.fresh(file, objects)
        objects.append((certificate, .stream(PDFStream(dictionary: PDFDictionary(), bytes: try DEREncoding.encode(pki.root.certificate)))))
        let crl = Self.fresh(file, objects)
        objects.append((crl, .stream(PDFStream(dictionary: PDFDictionary(), bytes: try pki.crl()))))
        var dss = (try file.dictionary(try file.catalog()["DSS"])) ?? PDFDictionary()
        dss["Certs"] = .array(((try file.array(dss["Certs"])) ?? []) + [.reference(certificate)])
        dss["CRLs"] = .array(((try file.array(dss["CRLs"])) ?? []) + [.reference(crl)])
        let dssReference = Self.fresh(file, objects)
        objects.append((dssReference, .dictionary(dss)))
        var catalog = try file.catalog()
        catalog["DSS"] = .reference(dssReference)
        objects.append((Self.catalog, .dictionary(catalog)))
        return try PDFFixtures.appendingUpdate(to: pdf, replacing: objects)
    }

    /// The page's /Contents pointing at a new stream that draws other text.
    static func replacingContent(of pdf: [UInt8]) throws -> [UInt8] {
        let file = try PDFFile(bytes: pdf)
        let stream = PDFReference(objectNumber: file.size)
        let text = Array("BT /F1 24 Tf 72 720 Td (Iznos: 1 000 000 EUR) Tj ET".utf8)
        var page = try #require(try file.dictionary(.reference(page)))
        page["Contents"] = .reference(stream)
        return try PDFFixtures.appendingUpdate(to: pdf, replacing: [
            (stream, .stream(PDFStream(dictionary: ["Length": .integer(text.count)], bytes: text))), (Self.page, .dictionary(page)),
        ])
    }

    /// A FreeText annotation (a comment drawn on the page), added to the page's /Annots.
    static func addingFreeText(to pdf: [UInt8]) throws -> [UInt8] {
        let file = try PDFFile(bytes: pdf)
        let annotation = PDFReference(objectNumber: file.size)
        var page = try #require(try file.dictionary(.reference(page)))
        page["Annots"] = .array(((try file.array(page["Annots"])) ?? []) + [.reference(annotation)])
        let freeText: PDFDictionary = [
            "Type": .name("Annot"), "Subtype": .name("FreeText"), "Rect": [72, 600, 300, 640],
            "Contents": .string(PDFString(text: "Poništeno")), "DA": .string(PDFString(text: "/Helv 12 Tf 0 g")),
        ]
        return try PDFFixtures.appendingUpdate(to: pdf, replacing: [(annotation, .dictionary(freeText)), (Self.page, .dictionary(page))])
    }

    /// A JavaScript action run when the document opens.
    static func addingOpenAction(to pdf: [UInt8]) throws -> [UInt8] {
        let file = try PDFFile(bytes: pdf)
        var catalog = try file.catalog()
        catalog["OpenAction"] = .dictionary(["S": .name("JavaScript"), "JS": .string(PDFString(text: "app.alert('x')"))])
        return try PDFFixtures.appendingUpdate(to: pdf, replacing: [(Self.catalog, .dictionary(catalog))])
    }

    /// The document certified with DocMDP permissions `level` (ISO 32000-1 §12.8.2.2): the catalog's /Perms names
    /// a signature dictionary whose /Reference carries the transform parameters. Made before our signature, so
    /// that the revision it signs is certified.
    static func certifying(_ pdf: [UInt8], level: Int) throws -> [UInt8] {
        let file = try PDFFile(bytes: pdf)
        let certification = PDFReference(objectNumber: file.size)
        let reference: PDFDictionary = [
            "Type": .name("SigRef"), "TransformMethod": .name("DocMDP"),
            "TransformParams": .dictionary(["Type": .name("TransformParams"), "P": .integer(level), "V": .name("1.2")]),
        ]
        let dictionary: PDFDictionary = ["Filter": .name("Adobe.PPKLite"), "Reference": [.dictionary(reference)]]
        var catalog = try file.catalog()
        catalog["Perms"] = .dictionary(["DocMDP": .reference(certification)])
        return try PDFFixtures.appendingUpdate(to: pdf, replacing: [(certification, .dictionary(dictionary)), (Self.catalog, .dictionary(catalog))])
    }

    func expectRefused(_ report: SignatureValidationReport?, saying words: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(report?.indication == .totalFailed && report?.subIndication == .formatFailure,
                "\(report?.indication.rawValue ?? "none"): \(report?.findings ?? [])", sourceLocation: sourceLocation)
        #expect(report?.findings.contains { $0.code == .changedAfterSigning && $0.arguments["change"]?.contains(words) == true } == true,
                "\(report?.findings ?? [])", sourceLocation: sourceLocation)
        #expect(report?.findings.contains { $0.code == .signedRevisionExtractable && (Int($0.arguments["length"] ?? "") ?? 0) > 0 } == true,
                sourceLocation: sourceLocation)
        #expect(report?.coverage?.hasSuffix("not an allowed change") == true, "\(report?.coverage ?? "")", sourceLocation: sourceLocation)
        #expect(report?.qualification == .notAdvanced, sourceLocation: sourceLocation)
    }

    // MARK: Allowed

    @Test func aSecondSignatureIsAllowed() async throws {
        let twice = try await sign(try await sign(PDFFixtures.classic()))
        let reports = try await validate(twice)
        #expect(reports.map(\.indication) == [.totalPassed, .totalPassed], "\(reports.map(\.findings))")
        #expect(reports[0].coverage == "revision 2 of 3; added after signing: a signature (allowed)")
    }

    @Test func validationDataIsAllowed() async throws {
        let pdf = try addingValidationData(to: try addingValidationData(to: try await sign(PDFFixtures.classic())))
        let report = try #require(try await validate(pdf).first)
        #expect(report.indication == .totalPassed, "\(report.findings)")
        #expect(report.coverage == "revision 2 of 4; added after signing: validation data (allowed)")
    }

    /// A new /Info dictionary named by the update's trailer, as pyHanko's incremental writer adds one.
    static func addingInformation(to pdf: [UInt8], _ information: PDFDictionary) throws -> [UInt8] {
        let file = try PDFFile(bytes: pdf)
        let reference = PDFReference(objectNumber: file.size)
        var output = try PDFFixtures.appendingUpdate(to: pdf, replacing: [(reference, .dictionary(information))])
        let trailer = try #require(PDFFixtures.find(Array("trailer\n<<".utf8), in: output, from: pdf.count))
        output.insert(contentsOf: Array("/Info \(reference.objectNumber) 0 R ".utf8), at: trailer + 10)
        return output
    }

    @Test func documentInformationIsAllowedAsText() async throws {
        let signed = try await sign(PDFFixtures.classic())
        let produced = try Self.addingInformation(to: signed, ["Producer": .string(PDFString(text: "pyHanko")),
                                                               "ModDate": .string(PDFString(text: "D:20260101120000Z"))])
        let report = try #require(try await validate(produced).first)
        #expect(report.indication == .totalPassed, "\(report.findings)")
        #expect(report.coverage == "revision 2 of 3; added after signing: document metadata (allowed)")
        let pointing = try Self.addingInformation(to: signed, ["Title": .reference(Self.content)])
        expectRefused(try await validate(pointing).first, saying: "the document information (/Info) was changed to refer to other objects")
    }

    // MARK: Not allowed

    @Test func replacedPageContentIsNotAllowed() async throws {
        let changed = try Self.replacingContent(of: try await sign(PDFFixtures.classic()))
        expectRefused(try await validate(changed).first, saying: "the page 1 content was changed")
        // The content stream itself rewritten, the page dictionary untouched.
        let signed = try await sign(PDFFixtures.classic())
        let text = Array("BT /F1 24 Tf 72 720 Td (Hello Licna, paid) Tj ET".utf8)
        let inPlace = try PDFFixtures.appendingUpdate(to: signed, replacing: [
            (Self.content, .stream(PDFStream(dictionary: ["Length": .integer(text.count)], bytes: text))),
        ])
        expectRefused(try await validate(inPlace).first, saying: "the page 1 content was changed")
    }

    @Test func aNewAnnotationIsNotAllowedWithoutCertification() async throws {
        let annotated = try Self.addingFreeText(to: try await sign(PDFFixtures.classic()))
        expectRefused(try await validate(annotated).first, saying: "an annotation (FreeText) was added to page 1")
    }

    @Test func anOpenActionIsNotAllowed() async throws {
        let scripted = try Self.addingOpenAction(to: try await sign(PDFFixtures.classic()))
        expectRefused(try await validate(scripted).first, saying: "/OpenAction")
    }

    @Test func aFontSharedWithThePageIsNotAnAppearance() async throws {
        // The page's font rewritten: it is reachable from the page's resources, so it changes what the page shows.
        let signed = try await sign(PDFFixtures.classic())
        let font: PDFDictionary = ["Type": .name("Font"), "Subtype": .name("Type1"), "BaseFont": .name("Courier")]
        let changed = try PDFFixtures.appendingUpdate(to: signed, replacing: [(PDFReference(objectNumber: 3), .dictionary(font))])
        expectRefused(try await validate(changed).first, saying: "the page 1 resources were changed")
    }

    // MARK: DocMDP

    @Test func certificationWithNoChangesRefusesASecondSignature() async throws {
        let once = try await sign(try Self.certifying(PDFFixtures.classic(), level: 1))
        let twice = try await sign(once)
        let reports = try await validate(twice)
        expectRefused(reports.first, saying: "a signature was added, which the document's certification does not allow (DocMDP P=1)")
        #expect(reports.last?.indication == .totalPassed, "\(reports.last?.findings ?? [])")
        // Validation data stays allowed under P=1 (ISO 32000-2 §12.8.2.2.2).
        let extended = try await validate(try addingValidationData(to: once))
        #expect(extended.first?.indication == .totalPassed, "\(extended.first?.findings ?? [])")
    }

    @Test(arguments: [2, 3])
    func certificationLevelsAllowWhatTheySay(level: Int) async throws {
        let once = try await sign(try Self.certifying(PDFFixtures.classic(), level: level))
        let twice = try await validate(try await sign(once))
        #expect(twice.first?.indication == .totalPassed, "\(twice.first?.findings ?? [])")
        let annotated = try await validate(try Self.addingFreeText(to: once))
        if level == 3 {
            #expect(annotated.first?.indication == .totalPassed, "\(annotated.first?.findings ?? [])")
            #expect(annotated.first?.coverage?.contains("an annotation") == true)
        } else {
            expectRefused(annotated.first, saying: "(DocMDP P=2)")
        }
    }

    // MARK: Generative

    enum Update: CaseIterable {
        case signature, validationData, content, annotation, openAction
        var allowed: Bool { self == .signature || self == .validationData }
    }

    /// Random sequences of updates after a first signature: each signature passes exactly when no update after it
    /// is one that is not allowed.
    @Test func randomSequencesOfUpdates() async throws {
        var random = SeededRandom(seed: 0x4C49_434E_4131)
        for _ in 0..<8 {
            var pdf = try await sign(PDFFixtures.classic())
            var history: [Update] = [.signature]
            for _ in 0..<Int.random(in: 1...4, using: &random) {
                let update = Update.allCases.randomElement(using: &random)!
                switch update {
                case .signature: pdf = try await sign(pdf)
                case .validationData: pdf = try addingValidationData(to: pdf)
                case .content: pdf = try Self.replacingContent(of: pdf)
                case .annotation: pdf = try Self.addingFreeText(to: pdf)
                case .openAction: pdf = try Self.addingOpenAction(to: pdf)
                }
                history.append(update)
            }
            let reports = try await validate(pdf)
            let signatures = history.indices.filter { history[$0] == .signature }
            #expect(reports.count == signatures.count)
            for (report, position) in zip(reports, signatures) {
                let spoiled = history[(position + 1)...].contains { !$0.allowed }
                #expect(report.passed == !spoiled, "\(history): signature at \(position): \(report.coverage ?? "") \(report.findings)")
            }
        }
    }

    // MARK: Updates that change what is shown while naming nothing the signature covers (review findings)

    /// A compressed-object stream of the signed file rewritten in place: its member (the page's font) changes
    /// although no new cross-reference entry names it.
    @Test func aRewrittenObjectStreamIsNotAllowed() async throws {
        let signed = try await sign(PDFFixtures.withCrossReferenceStream())
        let file = try PDFFile(bytes: signed)
        let number = try #require(file.entries.compactMap { entry -> Int? in
            if case .inObjectStream(let stream, _) = entry.value { return stream } else { return nil }
        }.first)
        guard case .stream(var stream) = try file.object(for: PDFReference(objectNumber: number)) else {
            Issue.record("object \(number) is not a stream")
            return
        }
        let text = String(decoding: try file.decodedData(of: stream), as: UTF8.self)
        #expect(text.contains("/Helvetica"))
        stream.dictionary["Filter"] = nil
        stream.dictionary["DecodeParms"] = nil
        stream.encodedBytes = Array(text.replacingOccurrences(of: "/Helvetica", with: "/Courier  ").utf8)[...]
        stream.dictionary["Length"] = .integer(stream.encodedBytes.count)
        let attacked = try PDFFixtures.appendingUpdate(to: signed, replacing: [(PDFReference(objectNumber: number), .stream(stream))])
        expectRefused(try await validate(attacked).first, saying: "compressed-object stream")
    }

    /// Redefinitions appended without a usable cross-reference: the reader rebuilds the file by scanning, and the
    /// last definition of the content stream wins.
    @Test func aDamagedCrossReferenceAfterSigningIsNotAllowed() async throws {
        let signed = try await sign(PDFFixtures.classic())
        let text = "BT /F1 24 Tf 72 720 Td (Iznos: 1 000 000 EUR) Tj ET"
        let attacked = signed + Array("\n5 0 obj\n<< /Length \(text.utf8.count) >>\nstream\n\(text)\nendstream\nendobj\nstartxref\n999999\n%%EOF\n".utf8)
        let report = try await validate(attacked).first
        #expect(report?.indication != .totalPassed, "\(report?.findings ?? [])")
    }

    /// An update whose /Prev skips the signed revision's own sections, so that an object the signed revision had
    /// corrected reverts to its older version; the signature's objects are copied so that it is still found.
    @Test func anUpdateThatSkipsSignedSectionsIsNotAllowed() async throws {
        let original = PDFFixtures.classic()
        let corrected = Array("BT /F1 24 Tf 72 720 Td (Iznos: 10 EUR) Tj ET".utf8)
        let revised = try PDFFixtures.appendingUpdate(to: original, replacing: [
            (Self.content, .stream(PDFStream(dictionary: ["Length": .integer(corrected.count)], bytes: corrected))),
        ])
        let signed = try await sign(revised)
        let file = try PDFFile(bytes: signed)
        let oldest = try #require(file.crossReferenceSections.last?.offset)
        var copies: [(PDFReference, PDFObject)] = []
        for number in file.crossReferenceSections.dropLast().flatMap({ $0.entries.keys }).filter({ $0 > 0 && $0 != Self.content.objectNumber }) {
            let reference = PDFReference(objectNumber: number)
            guard !copies.contains(where: { $0.0 == reference }) else { continue }
            copies.append((reference, try file.object(for: reference)))
        }
        let attacked = try PDFFixtures.appendingUpdate(to: signed, replacing: copies, prev: oldest)
        let report = try await validate(attacked).first
        #expect(report?.indication == .totalFailed, "\(report?.indication.rawValue ?? "none"): \(report?.findings ?? [])")
        #expect(report?.findings.isEmpty == false)
    }

    /// An unsigned signature field whose widget covers the page could draw anything over it.
    @Test func anUnsignedVisibleSignatureFieldIsNotAllowed() async throws {
        let signed = try await sign(PDFFixtures.classic())
        let file = try PDFFile(bytes: signed)
        let field = PDFReference(objectNumber: file.size)
        let widget: PDFDictionary = [
            "Type": .name("Annot"), "Subtype": .name("Widget"), "FT": .name("Sig"), "T": .string(PDFString(text: "overlay")),
            "Rect": [0, 0, 612, 792], "P": .reference(Self.page), "F": .integer(4),
        ]
        var page = try #require(try file.dictionary(.reference(Self.page)))
        page["Annots"] = .array(((try file.array(page["Annots"])) ?? []) + [.reference(field)])
        var form = try #require(try file.acroForm())
        form["Fields"] = .array(((try file.array(form["Fields"])) ?? []) + [.reference(field)])
        var catalog = try file.catalog()
        catalog["AcroForm"] = .dictionary(form)
        let attacked = try PDFFixtures.appendingUpdate(to: signed, replacing: [
            (field, .dictionary(widget)), (Self.page, .dictionary(page)), (Self.catalog, .dictionary(catalog)),
        ])
        expectRefused(try await validate(attacked).first, saying: "unsigned signature field with a visible area")
    }

    /// The trailer's /Info pointed at an existing action and that action rewritten: not metadata.
    @Test func infoPointedAtAnExistingObjectIsNotMetadata() async throws {
        let base = PDFFixtures.classic()
        let baseFile = try PDFFile(bytes: base)
        let action = PDFReference(objectNumber: baseFile.size)
        var catalog = try baseFile.catalog()
        catalog["OpenAction"] = .reference(action)
        let withAction = try PDFFixtures.appendingUpdate(to: base, replacing: [
            (action, .dictionary(["S": .name("GoTo"), "D": [.reference(Self.page), .name("Fit")]])), (Self.catalog, .dictionary(catalog)),
        ])
        let signed = try await sign(withAction)
        let attacked = try PDFFixtures.appendingUpdate(
            to: signed, replacing: [(action, .dictionary(["S": .name("JavaScript"), "JS": .string(PDFString(text: "app.alert('x')"))]))],
            info: .reference(action))
        expectRefused(try await validate(attacked).first, saying: "was changed")
    }

    /// A signed field's appearance replaced (another name in its stamp): refused.
    @Test func aSignedFieldMayNotChange() async throws {
        let signed = try await sign(PDFFixtures.classic())
        let file = try PDFFile(bytes: signed)
        let field = try #require(try file.signatures().first?.fieldReference)
        var dictionary = try #require(try file.dictionary(.reference(field)))
        let appearance = PDFReference(objectNumber: file.size)
        let text = Array("BT /F1 12 Tf 2 2 Td (Approved 1 000 000 EUR) Tj ET".utf8)
        dictionary["AP"] = .dictionary(["N": .reference(appearance)])
        dictionary["Rect"] = [36, 36, 256, 96]
        let stream = PDFStream(dictionary: ["Type": .name("XObject"), "Subtype": .name("Form"), "BBox": [0, 0, 220, 60],
                                            "Length": .integer(text.count)], bytes: text)
        let attacked = try PDFFixtures.appendingUpdate(to: signed, replacing: [(appearance, .stream(stream)), (field, .dictionary(dictionary))])
        expectRefused(try await validate(attacked).first, saying: "already signed")
    }
}
