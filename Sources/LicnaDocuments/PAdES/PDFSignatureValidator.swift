import Foundation
import LicnaPKI
import X509

/// Validates every signature of a PDF (ETSI EN 319 142-1 with EN 319 102-1 indications): the CMS over the
/// `/ByteRange`, the DSS as revocation data carried by the document, `/M` as the claimed time, and what the
/// signature covers: the whole file, or which later incremental updates changed what, and whether those changes
/// are the allowed kind (further signatures, their fields and appearances, validation data; `PDFModificationAnalyzer`).
/// A change that is not allowed makes the signature TOTAL-FAILED/FORMAT_FAILURE with findings saying what changed.
public struct PDFSignatureValidator: Sendable {
    public var policy: ValidationPolicy
    /// The most signatures and document timestamps one file may hold to be validated.
    public static let maximumSignatures = 100

    public init(policy: ValidationPolicy) {
        self.policy = policy
    }

    /// The reports of every signature (not document timestamps), each carrying the counters of the whole
    /// validation. A limit of `policy.limits` reached makes the signature being judged and those after it
    /// INDETERMINATE with a note naming it (signatures judged before keep their result); reached while the file
    /// itself is being opened, it is thrown as a `SigningError`.
    public func validate(_ bytes: [UInt8]) async throws -> [SignatureValidationReport] {
        let budget = policy.makeBudget()
        var options = PDFFile.Options()
        options.decodingBudget = budget
        let file: PDFFile
        do { file = try PDFFile(bytes: bytes, options: options) } catch let error as PDFError {
            throw SigningError(.unsupportedDocument, "the file is not a PDF that can be validated: \(error)")
        } catch let limit as ValidationLimitExceeded {
            throw SigningError(.unsupportedDocument, "the file cannot be validated: \(limit.detail)")
        }
        guard !file.isEncrypted else {
            throw SigningError(.unsupportedDocument, "encrypted PDFs cannot be validated; remove the password first")
        }
        let signatures: [PDFSignature]
        do { signatures = try file.signatures() } catch let limit as ValidationLimitExceeded {
            throw SigningError(.unsupportedDocument, "the file cannot be validated: \(limit.detail)")
        }
        // Each signature's analysis reopens its revision: bounded, so that an upload full of signature dictionaries
        // cannot pin a server.
        guard signatures.count <= Self.maximumSignatures else {
            throw SigningError(.unsupportedDocument, "the file holds \(signatures.count) signatures; at most \(Self.maximumSignatures) are validated")
        }
        // The DSS: counted, each stream decoded once, parsed once for every signature.
        var embedded = EmbeddedRevocationData()
        var stopped: ValidationLimitExceeded?
        if signatures.contains(where: { !$0.isDocumentTimestamp }) {
            do { embedded = try EmbeddedRevocationData(documentSecurityStoreOf: file, budget: budget) } catch let limit as ValidationLimitExceeded {
                stopped = limit
            }
        }
        let evidence = RevocationEvidence(embedded)
        var reports: [SignatureValidationReport] = []
        for signature in signatures where !signature.isDocumentTimestamp {
            var report: SignatureValidationReport
            if let limit = stopped ?? budget.limitReached {
                report = SignatureValidationReport(indication: .indeterminate)
                report.findings.append(limit.finding)
            } else if let problem = signature.problem {
                report = SignatureValidationReport(indication: .totalFailed, subIndication: .formatFailure)
                report.findings.append(ValidationFinding(.signatureDictionaryMalformed, ["detail": problem.detail]))
            } else if !["adbe.pkcs7.detached", "ETSI.CAdES.detached"].contains(signature.subFilter ?? "") {
                report = SignatureValidationReport(indication: .indeterminate, subIndication: .formatFailure)
                report.findings.append(signature.subFilter.map { ValidationFinding(.signatureFormatUnsupported, ["subFilter": $0]) }
                                       ?? ValidationFinding(.signatureFormatMissing))
            } else {
                report = await CMSSignatureValidator(policy: policy).validate(
                    contentInfoDER: signature.contents, content: .bytes(signature.signedBytes(in: file)),
                    evidence: evidence, certificates: embedded.certificates, claimedSigningTime: signature.signingTime,
                    format: signature.subFilter == "ETSI.CAdES.detached" ? "PAdES" : "PDF (PKCS #7)", budget: budget)
            }
            let coverage = coverage(of: signature, in: file)
            report.coverage = coverage.text
            if let limit = budget.limitReached {
                // Stopped during this signature (or before it): what was not examined cannot pass or fail it.
                if !report.findings.contains(limit.finding) {
                    report.indication = .indeterminate
                    report.subIndication = nil
                    report.qualification = .notAdvanced
                    report.findings.append(limit.finding)
                }
            } else if !coverage.disallowed.isEmpty, let end = signature.byteRange?.end {
                // The signed revision is intact but the document shown is not what was signed (ETSI EN 319 102-1
                // §5.2.2 format checking; EU DSS reports such modifications as a FORMAT_FAILURE): no pass.
                if report.indication != .totalFailed {
                    report.indication = .totalFailed
                    report.subIndication = .formatFailure
                }
                report.qualification = .notAdvanced
                report.findings += coverage.disallowed
                report.findings.append(ValidationFinding(.signedRevisionExtractable, ["length": "\(end)"]))
            }
            if let end = signature.byteRange?.end, end <= file.bytes.count {
                report.signedContent = .init(of: file.bytes[..<end], revision: signature.revisionIndex.map { $0 + 1 },
                                             revisions: file.revisions.count)
            }
            reports.append(report)
        }
        let counters = budget.counters
        for index in reports.indices { reports[index].validationCounters = counters }
        return reports
    }

    /// "the whole document", or the signed revision and what later updates added when all of it is allowed; when
    /// something else changed, the findings that say so (the changes themselves in plain words,
    /// `PDFModificationAnalyzer`).
    func coverage(of signature: PDFSignature, in file: PDFFile) -> (text: String, disallowed: [ValidationFinding]) {
        if signature.coversWholeFile { return ("the whole document", []) }
        guard let end = signature.byteRange?.end else { return ("unknown", []) }
        guard let index = signature.revisionIndex else {
            return ("the file's first \(end) bytes, which are not a whole revision",
                    [ValidationFinding(.signatureNotAtRevisionEnd)])
        }
        let position = "revision \(index + 1) of \(file.revisions.count)"
        guard let signed = try? file.revision(endingAt: end) else {
            return ("\(position), which cannot be read on its own", [ValidationFinding(.signedRevisionUnreadable)])
        }
        // A damaged cross-reference makes the reader rebuild the file by scanning, and then what an update redefines
        // cannot be told from what was signed; and the sections below the signed end must be exactly the signed
        // revision's, or a /Prev could skip (and so revert) what it signed.
        if file.wasRecovered || signed.wasRecovered {
            return ("\(position); the file's cross-reference is damaged", [ValidationFinding(.crossReferenceDamaged)])
        }
        let below = file.crossReferenceSections.filter { $0.offset < end }.map(\.offset)
        guard below == signed.crossReferenceSections.map(\.offset) else {
            return ("\(position); later updates do not continue the signed revision", [ValidationFinding(.updateSkipsSignedRevision)])
        }
        let result = PDFModificationAnalyzer(signed: signed, current: file).analyse(after: end)
        guard result.disallowed.isEmpty else {
            return ("\(position); changed after signing: \(result.disallowed.joined(separator: "; ")) — not an allowed change",
                    result.disallowed.map { ValidationFinding(.changedAfterSigning, ["change": $0]) })
        }
        let added = result.additions.map(\.rawValue).sorted().joined(separator: ", ")
        return ("\(position); added after signing: \(added.isEmpty ? "nothing that changes the document" : added) (allowed)", [])
    }
}
