import Foundation
import LicnaPKI
import X509

/// PAdES signatures (ETSI EN 319 142-1) as an incremental update: a signature field, invisible on the first page
/// or visible where ``appearance`` says (ISO 32000-1 §12.7.4.5), whose value is a signature dictionary with `/SubFilter /ETSI.CAdES.detached`, a `/ByteRange` over the
/// whole file except `/Contents`, and in `/Contents` a CMS SignedData with signing-certificate-v2 and no
/// signing-time (§5.4.3: the time is `/M`). Levels B-B, B-T (signature timestamp) and B-LT (a further update
/// with the DSS: certificates, OCSP responses and CRLs, §5.4.2).
public struct PAdESSigner: Sendable {
    public var certificate: Certificate
    public var chain: [Certificate]
    public var digestAlgorithm: DigestAlgorithm
    public var reason: String?
    public var location: String?
    /// Bytes reserved for the CMS (hex-encoded in the file: twice as many characters).
    public var reservedSignatureSize: Int
    /// A visible stamp: the widget gets this rectangle on this page and an appearance stream with the signer's
    /// name and the signing time; nil for an invisible signature.
    public var appearance: SignatureAppearance?

    public init(certificate: Certificate, chain: [Certificate] = [], digestAlgorithm: DigestAlgorithm = .sha256,
                reason: String? = nil, location: String? = nil, reservedSignatureSize: Int = 24 * 1024,
                appearance: SignatureAppearance? = nil) {
        self.certificate = certificate
        self.chain = chain
        self.digestAlgorithm = digestAlgorithm
        self.reason = reason
        self.location = location
        self.reservedSignatureSize = reservedSignatureSize
        self.appearance = appearance
    }

    /// `pdf` with the signature appended as an incremental update, at `level`. `signingTime` comes from the caller's
    /// clock (`WallClock.now`) and is written as the signature dictionary's `/M` (ETSI EN 319 142-1 §5.4.3).
    public func sign(_ pdf: [UInt8], with producer: some SignatureProducer, level: SignatureLevel = .basic,
                     timestampAuthority: (any TimestampAuthority)? = nil, revocationSource: (any RevocationSource)? = nil,
                     signingTime: Date) async throws -> [UInt8] {
        guard producer.publicKey == certificate.publicKey else {
            throw SigningError(.signerMismatch, "the signing key is not the key of the certificate \(certificate.subject)")
        }
        if level != .basic, timestampAuthority == nil {
            throw SigningError(.timestampUnavailable, "level \(level.rawValue) needs a timestamp authority (give --server or a TSA address)")
        }
        let file: PDFFile
        do { file = try PDFFile(bytes: pdf) } catch { throw SigningError(.unsupportedDocument, "the file is not a PDF Licna can read: \(error)") }
        guard !file.isEncrypted else {
            throw SigningError(.unsupportedDocument, "encrypted PDFs cannot be signed; remove the password first")
        }
        let prepared = try prepare(file, signingTime: signingTime)
        var output = prepared.bytes
        let byteRange = prepared.byteRange
        let signedBytes = Array(output[byteRange.first]) + Array(output[byteRange.second])
        var builder = CMSSignedDataBuilder(content: [], signerCertificate: certificate, detached: true,
                                           digestAlgorithm: digestAlgorithm, additionalCertificates: chain, signingTime: nil)
        builder.precomputedDigest = digestAlgorithm.hash(signedBytes)
        var cms = try await builder.sign(signer: producer)
        if level != .basic, let timestampAuthority {
            let token = try await timestampAuthority.signatureTimestamp(of: try CMSSignedData.signatureValue(inContentInfoDER: cms),
                                                                         digestAlgorithm: digestAlgorithm)
            cms = try CMSSignedData.addingUnsignedAttribute(try CMSSignedData.timeStampTokenAttribute(tokenDER: token.contentInfoDER),
                                                            toContentInfoDER: cms)
        }
        let hex = PDFSerializer.hexadecimal(cms)
        guard hex.count <= byteRange.gap.count - 2 else {
            throw SigningError(.unsupportedDocument, "the signature (\(cms.count) bytes) does not fit the \(reservedSignatureSize) bytes reserved")
        }
        output.replaceSubrange(byteRange.gap.lowerBound + 1..<byteRange.gap.lowerBound + 1 + hex.count, with: hex)
        if level == .longTerm {
            output = try await addValidationData(to: output, signatureCMS: cms, source: revocationSource)
        }
        return output
    }

    /// The file with the new revision, its `/ByteRange` filled in and `/Contents` still zeros.
    private func prepare(_ file: PDFFile, signingTime: Date) throws -> (bytes: [UInt8], byteRange: (first: Range<Int>, second: Range<Int>, gap: Range<Int>)) {
        guard let catalogReference = file.catalogReference else { throw SigningError(.unsupportedDocument, "the PDF has no catalog") }
        var catalog = try file.catalog()
        let pages = try file.pages()
        let pageIndex = appearance?.pageIndex ?? 0
        if let appearance, !pages.indices.contains(appearance.pageIndex) {
            throw SigningError(.invalidAppearance, "the document has \(pages.count) page(s): there is no page \(appearance.pageIndex + 1) for the signature")
        }
        guard pages.indices.contains(pageIndex), let pageReference = pages[pageIndex].reference,
              case .dictionary(var pageDictionary) = try file.object(for: pageReference) else {
            throw SigningError(.unsupportedDocument, "the PDF has no page \(pageIndex + 1) to put the signature field on")
        }
        try appearance?.checkPlacement(on: pages[pageIndex])
        var update = PDFIncrementalUpdate(base: file)
        let signatureReference = update.allocate()
        let fieldReference = update.allocate()
        let existingNames = Set((try? file.formFields())?.map(\.fullyQualifiedName) ?? [])
        var number = 1
        while existingNames.contains("Signature\(number)") { number += 1 }

        // The signature dictionary, with fixed-width placeholders patched below.
        let placeholderRange = "[0 0000000000 0000000000 0000000000]"
        var signature = "<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached"
        signature += " /M " + String(decoding: PDFSerializer.serialize(.string(PDFString(text: PDFDate.format(signingTime)))), as: UTF8.self)
        if let reason { signature += " /Reason " + String(decoding: PDFSerializer.serialize(.string(PDFString(text: reason))), as: UTF8.self) }
        if let location { signature += " /Location " + String(decoding: PDFSerializer.serialize(.string(PDFString(text: location))), as: UTF8.self) }
        signature += " /ByteRange " + placeholderRange + " /Contents <"
        let contentsOffsetInBody = signature.utf8.count - 1
        signature += String(repeating: "0", count: 2 * reservedSignatureSize) + "> >>"
        update.set(signatureReference, raw: Array(signature.utf8))

        // The field and its widget (flags print and locked, §12.5.3): invisible with a zero rectangle, or visible
        // with the appearance's rectangle and a normal appearance stream (§12.5.5) that holds its own font.
        var field: PDFDictionary = [
            "Type": .name("Annot"), "Subtype": .name("Widget"), "FT": .name("Sig"),
            "T": .string(PDFString(text: "Signature\(number)")), "V": .reference(signatureReference),
            "F": .integer(132), "Rect": .array([.integer(0), .integer(0), .integer(0), .integer(0)]),
            "P": .reference(pageReference),
        ]
        if let appearance {
            let r = appearance.rectangle
            field["Rect"] = .array([r.x, r.y, r.x + r.width, r.y + r.height].map { .real($0) })
            let form = try appearance.writeAppearance(lines: appearance.text(for: certificate, signingTime: signingTime), into: &update)
            field["AP"] = .dictionary(["N": .reference(PDFReference(objectNumber: form))])
        }
        update.set(fieldReference, .dictionary(field))

        // The page's annotations and the form's fields gain the new field.
        switch pageDictionary["Annots"] {
        case .reference(let annotsReference)?:
            update.set(annotsReference, .array((try file.array(.reference(annotsReference)) ?? []) + [.reference(fieldReference)]))
        case .array(let annotations)?:
            pageDictionary["Annots"] = .array(annotations + [.reference(fieldReference)])
            update.set(pageReference, .dictionary(pageDictionary))
        default:
            pageDictionary["Annots"] = .array([.reference(fieldReference)])
            update.set(pageReference, .dictionary(pageDictionary))
        }
        switch catalog["AcroForm"] {
        case .reference(let formReference)?:
            var form = try file.dictionary(.reference(formReference)) ?? PDFDictionary()
            form["Fields"] = .array((try file.array(form["Fields"]) ?? []) + [.reference(fieldReference)])
            form["SigFlags"] = .integer(3)
            update.set(formReference, .dictionary(form))
        case .dictionary(var form)?:
            form["Fields"] = .array((try file.array(form["Fields"]) ?? []) + [.reference(fieldReference)])
            form["SigFlags"] = .integer(3)
            catalog["AcroForm"] = .dictionary(form)
            update.set(catalogReference, .dictionary(catalog))
        default:
            catalog["AcroForm"] = .dictionary(["Fields": .array([.reference(fieldReference)]), "SigFlags": .integer(3)])
            update.set(catalogReference, .dictionary(catalog))
        }

        var (bytes, offsets) = try update.write()
        guard let body = offsets[signatureReference] else { throw SigningError(.unsupportedDocument, "the signature was not written") }
        let gapStart = body + contentsOffsetInBody
        let gapEnd = gapStart + 2 * reservedSignatureSize + 2
        let values = [0, gapStart, gapEnd, bytes.count - gapEnd]
        var text = "[" + values.map(String.init).joined(separator: " ") + "]"
        text += String(repeating: " ", count: placeholderRange.utf8.count - text.utf8.count)
        guard text.utf8.count == placeholderRange.utf8.count,
              let rangeStart = Self.find(Array(placeholderRange.utf8), in: bytes, from: body) else {
            throw SigningError(.unsupportedDocument, "the byte range does not fit its placeholder")
        }
        bytes.replaceSubrange(rangeStart..<rangeStart + text.utf8.count, with: Array(text.utf8))
        return (bytes, (0..<gapStart, gapEnd..<bytes.count, gapStart..<gapEnd))
    }

    static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard needle.count <= haystack.count - start else { return nil }
        var index = start
        while index + needle.count <= haystack.count {
            if haystack[index] == needle[0], Array(haystack[index..<index + needle.count]) == needle { return index }
            index += 1
        }
        return nil
    }
}
