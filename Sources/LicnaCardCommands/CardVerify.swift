import ArgumentParser
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
import LicnaBasics
#endif
import LicnaCommandLine
import LicnaDocuments
import LicnaPKI
import X509

/// `licna-card verify` (also `licna verify`): validates the signatures of a file and says, per signature, the ETSI EN 319 102-1
/// indication, who signed, when, and the level. Exit status 0 only when every signature is TOTAL-PASSED.
public struct CardVerify: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Validate a signature (CAdES .p7s with --detached) against trust anchors; exit 0 only when it is TOTAL-PASSED.")
    @Argument(help: "A signed PDF, or a .p7s signature (with --detached).") var file: String
    @Option(help: "The signed file, for a detached signature.") var detached: String?
    @Option(help: "A trust anchor (PEM); repeat for more.") var trust: [String] = []
    @Option(help: "A Licna server whose root is a trust anchor (fetched from /pki/ca/root.cer): https, or http with --root-sha256.") var server: String?
    @Option(name: .customLong("root-sha256"), help: "The server root's SHA-256 as `licna ca init` printed it (else LICNA_ROOT_SHA256 or root-sha256 in ~/.config/licna/licna-card.conf).")
    var rootSHA256: String?
    @Option(help: "CA certificates (PEM) on the trusted list: their qualified certificates with QcSSCD make QESig.") var trustedList: [String] = []
    @Flag(help: "Use only the revocation data in the file; fetch nothing.") var offline = false
    @Flag(help: "Print JSON.") var json = false
    @Option(name: .customLong("extract-signed"), help: "PDF: write what signature N (from 1) signed — the document as it was then — to --out.")
    var extractSigned: Int?
    @Option(name: [.short, .customLong("out")], help: "With --extract-signed: the file to write.") var out: String?
    @Option(help: "MiB the validation may decode in all (the PDF's streams, its DSS).") var validationMaxDecodedMib = 128
    @Option(help: "Entries the PDF's DSS may hold (/Certs, /OCSPs, /CRLs together).") var validationMaxDssEntries = 1_000
    @Option(help: "Signature verifications the validation may make.") var validationMaxVerifications = 2_000
    @Option(help: "Seconds the validation may take.") var validationMaxSeconds = 60
    @Option(help: "Days old revocation data may be to count as current (besides its next update).") var maximumRevocationAgeDays = 366
    @Option(help: "Seconds before a timestamp's time that revocation data gathered while signing may have been issued.")
    var revocationTimeToleranceSeconds = 60
    @Option(help: ArgumentHelp("Validate as at this time (ISO 8601, e.g. 2026-12-03T10:00:00Z), for tests and audits; default now.",
                               visibility: .hidden))
    var at: String?

    public init() {}

    public func run() async throws {
        let signature = try readDocument(file)
        var anchors: [Certificate] = []
        for path in trust { anchors += try loadCertificates(path) }
        if let server {
            anchors.append(try await ServerTrustAnchor(option: rootSHA256).root(of: server))
        }
        guard !anchors.isEmpty else { throw explained(Exit.usage, "cli.verify.no-anchor") }
        var listed: [Certificate] = []
        for path in trustedList { listed += try loadCertificates(path) }
        var now = SystemWallClock().now
        if let at {
            guard let time = ISO8601DateFormatter().date(from: at) else { throw explained(Exit.usage, "cli.verify.at", ["value": at]) }
            now = time
        }
        let limits = ValidationLimits(maximumDecodedBytes: max(1, validationMaxDecodedMib) * 1024 * 1024,
                                      maximumDSSEntries: max(0, validationMaxDssEntries),
                                      maximumSignatureVerifications: max(1, validationMaxVerifications),
                                      maximumDuration: .seconds(max(1, validationMaxSeconds)))
        let policy = ValidationPolicy(trustAnchors: anchors, trustedListIssuers: listed, revocationSource: offline ? nil : HTTPRevocationSource(),
                                      now: now, clock: ContinuousClock(), limits: limits,
                                      maximumRevocationAge: Double(max(0, maximumRevocationAgeDays)) * 86_400,
                                      revocationTimeTolerance: Double(max(0, revocationTimeToleranceSeconds)))
        let reports: [SignatureValidationReport]
        if signature.starts(with: Array("%PDF".utf8)) {
            do {
                reports = try await PDFSignatureValidator(policy: policy).validate(signature)
            } catch let error as SigningError {
                throw explained(Exit.failed, "cli.verify.unreadable", ["detail": error.message])
            } catch {
                // The reader's own errors (PDFError…): the file could not be read, exit 3, never a bare "Error:".
                throw explained(Exit.failed, "cli.verify.unreadable", ["detail": "\(error)"])
            }
        } else {
            guard let detached else { throw explained(Exit.usage, "cli.verify.detached-needed") }
            let digests = try streamingDigests(detached)
            var report = await CMSSignatureValidator(policy: policy).validate(
                contentInfoDER: signature, content: .digests(digests), format: "CAdES")
            let size = (try? FileManager.default.attributesOfItem(atPath: detached))?[.size] as? NSNumber
            report.signedContent = .init(length: size?.intValue ?? 0, sha256Digest: digests[.sha256] ?? [])
            reports = [report]
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
            encoder.dateEncodingStrategy = .iso8601
            // The same shape as `POST /api/signatures/validate`: each finding's code and arguments with its sentence.
            let translated = reports.map { $0.translatingFindings { Terminal.text($0, $1) } }
            Terminal.print(String(decoding: try encoder.encode(["signatures": translated]), as: UTF8.self))
        } else {
            if reports.isEmpty { Terminal.say("cli.verify.none") }
            Terminal.say("verify.printout")
            for (index, report) in reports.enumerated() { Terminal.print(Self.lines(report, number: index + 1).joined(separator: "\n")) }
        }
        if let extractSigned { try extract(signature: extractSigned, of: signature, reports: reports) }
        if reports.isEmpty || !reports.allSatisfy(\.passed) { throw Exit.no }
    }

    /// Writes the revision signature `number` signed (the file's first `signedContent.length` bytes), so that a
    /// person can open the document exactly as it was signed, whatever was added later.
    func extract(signature number: Int, of file: [UInt8], reports: [SignatureValidationReport]) throws {
        guard let out, number >= 1, number <= reports.count, let content = reports[number - 1].signedContent, content.revision != nil,
              content.length <= file.count else {
            throw explained(Exit.usage, "cli.verify.extract", ["number": "\(number)", "count": "\(reports.count)"])
        }
        guard FileManager.default.createFile(atPath: out, contents: Data(file[..<content.length])) else {
            throw explained(Exit.failed, "cli.write-failed", ["path": out])
        }
        Terminal.say("cli.verify.extracted", ["number": "\(number)", "out": out, "length": "\(content.length)"])
        if !reports[number - 1].passed { Terminal.say("cli.verify.extracted-not-passed", ["number": "\(number)"]) }
    }

    /// The human-readable report: the first line per signature keeps the ETSI indication (stable for scripts);
    /// the labels are in the user's language, with the same texts as the public page.
    static func lines(_ report: SignatureValidationReport, number: Int) -> [String] {
        var lines = ["signature \(number): \(report.indication.rawValue)" + (report.subIndication.map { "/\($0.rawValue)" } ?? "")]
        let formatter = ISO8601DateFormatter()
        func add(_ key: String, _ value: String?) {
            if let value { lines.append("  \(Terminal.text(key)): \(value)") }
        }
        add("verify.signer", report.signerName.map { $0 + (report.signerIdentifier.map { " (\($0))" } ?? "") })
        add("verify.issuer", report.issuer)
        add("verify.claimed", report.claimedSigningTime.map(formatter.string(from:)))
        add("verify.proven", report.provenSigningTime.map(formatter.string(from:)) ?? Terminal.text("verify.no-proof"))
        add("verify.status", report.certificateStatusMessage.map { Terminal.text($0.key, $0.arguments) })
        add("verify.level", report.format)
        add("verify.coverage", report.coverage)
        add("verify.signed-content", report.signedContent.map { content in
            Terminal.text(content.revision == nil ? "verify.signed-file" : "verify.signed-revision",
                          ["length": "\(content.length)", "sha256": content.sha256, "revision": "\(content.revision ?? 1)",
                           "revisions": "\(content.revisions ?? 1)"])
        })
        add("verify.qualification", report.qualification.rawValue)
        for finding in report.findings { add("verify.note", finding.message { Terminal.text($0, $1) }) }
        return lines
    }
}
