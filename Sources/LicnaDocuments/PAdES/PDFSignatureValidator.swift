import Crypto
import Foundation
import LicnaPKI
import X509

/// Validates every signature of a PDF (ETSI EN 319 142-1 with EN 319 102-1 indications): the CMS over the
/// `/ByteRange`, the DSS as revocation data carried by the document, `/M` as the claimed time, and what the
/// signature covers: the whole file, or which later incremental updates changed what, and whether those changes
/// are the allowed kind (further signatures, form fields for them, validation data).
public struct PDFSignatureValidator: Sendable {
    public var policy: ValidationPolicy

    public init(policy: ValidationPolicy) {
        self.policy = policy
    }

    public func validate(_ bytes: [UInt8]) async throws -> [SignatureValidationReport] {
        let file: PDFFile
        do { file = try PDFFile(bytes: bytes) } catch let error as PDFError {
            throw SigningError(.unsupportedDocument, "the file is not a PDF that can be validated: \(error)")
        }
        guard !file.isEncrypted else {
            throw SigningError(.unsupportedDocument, "encrypted PDFs cannot be validated; remove the password first")
        }
        var embedded = EmbeddedRevocationData()
        if let dss = try? file.documentSecurityStore() {
            embedded.ocspResponses = dss.ocspResponses
            embedded.crls = dss.crls
            embedded.certificates = dss.certificates.compactMap { try? Certificate(derEncoded: $0) }
        }
        var reports: [SignatureValidationReport] = []
        for signature in try file.signatures() where !signature.isDocumentTimestamp {
            var report: SignatureValidationReport
            if let problem = signature.problem {
                report = SignatureValidationReport(indication: .totalFailed, subIndication: .formatFailure)
                report.findings.append("the signature dictionary is malformed: \(problem.detail)")
            } else if !["adbe.pkcs7.detached", "ETSI.CAdES.detached"].contains(signature.subFilter ?? "") {
                report = SignatureValidationReport(indication: .indeterminate, subIndication: .formatFailure)
                report.findings.append("the signature format \(signature.subFilter ?? "(none)") is not supported")
            } else {
                report = await CMSSignatureValidator(policy: policy).validate(
                    contentInfoDER: signature.contents, content: .bytes(signature.signedBytes(in: file)),
                    embedded: embedded, claimedSigningTime: signature.signingTime,
                    format: signature.subFilter == "ETSI.CAdES.detached" ? "PAdES" : "PDF (PKCS #7)")
            }
            report.coverage = coverage(of: signature, in: file)
            if let end = signature.byteRange?.end, end <= file.bytes.count {
                report.signedContent = .init(length: end, sha256: String(decoding: PDFSerializer.hexadecimal(SHA256.hash(data: file.bytes[..<end])), as: UTF8.self).lowercased(),
                                             revision: signature.revisionIndex.map { $0 + 1 }, revisions: file.revisions.count)
            }
            reports.append(report)
        }
        return reports
    }

    /// "the whole document", or the later revisions and whether what they changed is allowed.
    func coverage(of signature: PDFSignature, in file: PDFFile) -> String {
        if signature.coversWholeFile { return "the whole document" }
        guard let end = signature.byteRange?.end else { return "unknown" }
        let later = file.crossReferenceSections.filter { $0.offset >= end }
        var changed = Set<Int>()
        for section in later {
            for (number, entry) in section.entries where entry != .free { changed.insert(number) }
        }
        // The streams the DSS lists are validation data (ETSI EN 319 142-1 §5.4.2).
        var validationStreams = Set<Int>()
        if let catalog = try? file.catalog(), let dss = try? file.dictionary(catalog["DSS"]) {
            for key in ["Certs", "OCSPs", "CRLs"] {
                for item in (try? file.array(dss[key])) ?? [] {
                    if case .reference(let reference) = item { validationStreams.insert(reference.objectNumber) }
                }
            }
        }
        var kinds = Set<String>()
        var disallowed = false
        for number in changed {
            if validationStreams.contains(number) {
                kinds.insert("validation data")
                continue
            }
            guard let object = try? file.object(for: PDFReference(objectNumber: number)) else { continue }
            let dictionary: PDFDictionary?
            switch object {
            case .dictionary(let value): dictionary = value
            case .stream(let stream): dictionary = stream.dictionary
            default: dictionary = nil
            }
            let type = dictionary?.name("Type")
            switch (type, dictionary?.name("FT"), dictionary?.name("Subtype")) {
            case ("Sig", _, _), ("DocTimeStamp", _, _): kinds.insert("a signature")
            case (_, "Sig", _): kinds.insert("a signature field")
            case ("XRef", _, _), ("ObjStm", _, _): break
            case ("Catalog", _, _), ("Page", _, _): kinds.insert("form or annotation references")
            case (nil, nil, nil) where dictionary?.keys.contains("Certs") == true || dictionary?.keys.contains("OCSPs") == true
                || dictionary?.keys.contains("CRLs") == true || dictionary?.keys.contains("Fields") == true:
                kinds.insert("validation data")
            case (nil, nil, nil) where dictionary != nil && dictionary!.isEmpty:
                kinds.insert("validation data")
            default:
                disallowed = true
                kinds.insert("content (\(type ?? "object") \(number))")
            }
        }
        let what = kinds.sorted().joined(separator: ", ")
        return disallowed
            ? "revision \((signature.revisionIndex ?? 0) + 1) of \(file.revisions.count); changed after signing: \(what) — not an allowed change"
            : "revision \((signature.revisionIndex ?? 0) + 1) of \(file.revisions.count); added after signing: \(what) (allowed)"
    }
}
