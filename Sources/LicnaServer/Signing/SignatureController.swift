import Foundation
import LicnaBasics
import LicnaDocuments
import LicnaPKI
import SwiftASN1
import Vapor
import X509

/// Signature validation for anyone: `POST /api/signatures/validate` (integrators, JSON) and the public page
/// `/verify` (citizens, banks, courts). The policy is the README's: chains end at this installation's root,
/// revocation data from the document or fetched only from this installation's own address (no server-side
/// request forgery), and QESig only for this installation's CAs, which are on the national trusted list.
struct SignatureController: RouteCollection {
    static let maximumUpload = 25 * 1024 * 1024

    func boot(routes: any RoutesBuilder) throws {
        let size = ByteCount(integerLiteral: Self.maximumUpload)
        routes.on(.POST, "api", "signatures", "validate", body: .collect(maxSize: size), use: validate)
        routes.get("verify", use: page)
        routes.on(.POST, "verify", body: .collect(maxSize: size), use: results)
        routes.grouped(OfficerGuardMiddleware([.registrar])).on(.POST, "api", "documents", "seal", body: .collect(maxSize: size), use: seal)
    }

    /// `POST /api/documents/seal` (officers; the body is the PDF): the document sealed with the institution's
    /// e-seal at B-T. With `?visible=true` the seal is visible: a stamp near the bottom-left corner of the first
    /// page, or of `page` (counted from 1), with the organization, the time and, in the request's language, that a
    /// printout carries no seal.
    func seal(_ request: Request) async throws -> Response {
        guard let body = request.body.data, body.readableBytes > 0, Array(body.readableBytesView.prefix(4)) == Array("%PDF".utf8) else {
            throw LicnaHTTPError.sealNotPDF
        }
        let appearance = try stamp(for: request)
        let trust = request.application.licna.trust
        let sealed = try await trust.authority(on: request.db).seal(
            pdf: Array(body.readableBytesView), timestamps: InstallationTimestampAuthority(trust: trust, database: request.db),
            appearance: appearance, context: AuditContext(actor: request.officerActor, purpose: .documentSeal))
        var headers = HTTPHeaders()
        headers.contentType = HTTPMediaType(type: "application", subType: "pdf")
        return Response(status: .ok, headers: headers, body: .init(data: Data(sealed)))
    }

    /// The visible seal asked for by `?visible=true` and `page`, or nil.
    private func stamp(for request: Request) throws -> SignatureAppearance? {
        let visible = request.query[String.self, at: "visible"]
        let page = request.query[String.self, at: "page"]
        guard visible == nil || visible == "true" || visible == "false",
              page == nil || (Int(page ?? "").map { $0 >= 1 } ?? false) else {
            throw LicnaHTTPError.sealParameters
        }
        guard visible == "true" else { return nil }
        let font: TrueTypeFont
        do { font = try TrueTypeFont.load() } catch let error as FontError {
            throw LicnaHTTPError.sealFontMissing(error.detail)
        }
        return SignatureAppearance(pageIndex: (page.flatMap { Int($0) } ?? 1) - 1, font: font,
                                   caption: request.t("stamp.sealed"), notice: request.t("stamp.notice.seal"))
    }

    struct Upload: Content {
        var file: File
        var detached: File?
    }

    struct Answer: Content {
        /// One report per signature; each finding carries its code, its arguments and its sentence in the request's
        /// language (`message`).
        var signatures: [SignatureValidationReport]
    }

    func validate(_ request: Request) async throws -> Answer {
        let (file, detached) = try upload(request)
        let reports = try await reports(file, detached: detached, on: request)
        return Answer(signatures: reports.map { $0.translatingFindings { request.t($0, $1) } })
    }

    func page(_ request: Request) async throws -> View {
        try await request.view.render("verify", LicnaPage(request, title: request.t("verify.title"), body: VerifyPage(results: nil, error: nil)))
    }

    func results(_ request: Request) async throws -> View {
        var body = VerifyPage(results: nil, error: nil)
        do {
            let (file, detached) = try upload(request)
            let reports = try await reports(file, detached: detached, on: request)
            body.results = VerifyPage.Results(reports: reports, request: request, fileName: try request.content.decode(Upload.self).file.filename,
                                              sha256: SHA256.hash(data: file).hexString)
        } catch let error as any LicnaError where error.category != .internal {
            body.error = request.t(error.messageKey, error.arguments)
        }
        return try await request.view.render("verify", LicnaPage(request, title: request.t("verify.title"), body: body))
    }

    private func upload(_ request: Request) throws -> ([UInt8], [UInt8]?) {
        let upload: Upload
        do { upload = try request.content.decode(Upload.self) } catch {
            throw LicnaHTTPError.verifyUpload
        }
        let file = Array(upload.file.data.readableBytesView)
        guard !file.isEmpty else { throw LicnaHTTPError.verifyUpload }
        let detached = upload.detached.map { Array($0.data.readableBytesView) }.flatMap { $0.isEmpty ? nil : $0 }
        return (file, detached)
    }

    private func reports(_ file: [UInt8], detached: [UInt8]?, on request: Request) async throws -> [SignatureValidationReport] {
        let authority = request.application.licna.trust.authority(on: request.db)
        var anchors: [Certificate] = []
        var listed: [Certificate] = []
        if let root = try? Certificate(pemEncoded: try await authority.export(.root)) { anchors.append(root) }
        if let chain = try? await authority.export(.chain) {
            listed = (try? PEMDocument.parseMultiple(pemString: chain).map { try Certificate(pemDocument: $0) }) ?? []
        }
        guard !anchors.isEmpty else { throw LicnaHTTPError.verifyNoCA }
        var hosts: Set<String> = []
        if let address = try? await authority.publicURL(), let host = URL(string: address)?.host { hosts.insert(host.lowercased()) }
        if let host = URL(string: request.application.licna.configuration.publicURL)?.host { hosts.insert(host.lowercased()) }
        // A hostile upload ends in a report whose note names the limit it reached (`ValidationLimits`), never in an
        // exhausted server.
        let configuration = request.application.licna.configuration
        let policy = ValidationPolicy(trustAnchors: anchors, trustedListIssuers: listed,
                                      revocationSource: HTTPRevocationSource(allowedHosts: hosts, timeout: 5, maximumSize: 2 * 1024 * 1024),
                                      now: configuration.clock.now, clock: ContinuousClock(), limits: configuration.validationLimits)
        if file.starts(with: Array("%PDF".utf8)) {
            do {
                return try await PDFSignatureValidator(policy: policy).validate(file)
            } catch let error as SigningError {
                throw LicnaHTTPError.notValidatable(error)
            }
        }
        guard let detached else { throw LicnaHTTPError.verifyDetached }
        var report = await CMSSignatureValidator(policy: policy).validate(contentInfoDER: file, content: .bytes(detached), format: "CAdES")
        report.signedContent = .init(of: detached)
        return [report]
    }
}

/// What the `/verify` page shows.
struct VerifyPage: Encodable, Sendable {
    struct Row: Encodable, Sendable {
        var passed: Bool
        var indication: String
        var signer: String
        var issuer: String
        var claimed: String
        var proven: String
        var status: String
        var level: String
        var coverage: String
        var signedContent: String
        var findings: [String]
    }

    struct Results: Encodable, Sendable {
        var fileName: String
        var sha256: String
        var rows: [Row]

        init(reports: [SignatureValidationReport], request: Request, fileName: String, sha256: String) {
            self.fileName = fileName
            self.sha256 = sha256
            let formatter = ISO8601DateFormatter()
            rows = reports.map { report in
                Row(passed: report.passed,
                    indication: report.indication.rawValue + (report.subIndication.map { " / \($0.rawValue)" } ?? ""),
                    signer: [report.signerName, report.signerIdentifier].compactMap { $0 }.joined(separator: " · "),
                    issuer: report.issuer ?? "—",
                    claimed: report.claimedSigningTime.map(formatter.string(from:)) ?? "—",
                    proven: report.provenSigningTime.map(formatter.string(from:)) ?? request.t("verify.no-proof"),
                    status: report.certificateStatusMessage.map { request.t($0.key, $0.arguments) } ?? "—",
                    level: [report.format, report.qualification.rawValue].compactMap { $0 }.joined(separator: " · "),
                    coverage: report.coverage ?? "—",
                    signedContent: report.signedContent.map { content in
                        request.t(content.revision == nil ? "verify.signed-file" : "verify.signed-revision",
                                  ["length": "\(content.length)", "sha256": content.sha256, "revision": "\(content.revision ?? 1)",
                                   "revisions": "\(content.revisions ?? 1)"])
                    } ?? "—",
                    findings: report.findings.map { $0.message { request.t($0, $1) } })
            }
        }
    }

    var results: Results?
    var error: String?
}
