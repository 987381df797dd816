import Crypto
import Foundation
import LicnaBasics
import LicnaCore
import LicnaIdentityProvider
import LicnaPortal
import Vapor

/// Documents on request (issue 14, item 3), as pages that work without JavaScript: the request form
/// (`/documents/request/{type}`), the citizen's documents (`/documents`, `/documents/{id}`, the PDF), the public
/// verification page (`/d/{id}`, rate-limited, with a byte-for-byte comparison of an uploaded PDF), and the
/// officer's revocation (`POST /api/documents/{id}/revoke`).
struct DocumentController: RouteCollection {
    static let formCookie = "licna_documents_form"
    /// The largest PDF the verification page compares.
    static let maximumUpload: ByteCount = "20mb"

    func boot(routes: any RoutesBuilder) throws {
        routes.get("documents", use: list)
        routes.get("documents", "request", ":type", use: requestForm)
        routes.on(.POST, "documents", "request", ":type", body: .collect(maxSize: "16kb"), use: request)
        routes.get("documents", ":id", use: show)
        routes.get("documents", ":id", "pdf", use: pdf)
        routes.get("d", ":id", use: verify)
        routes.on(.POST, "d", ":id", body: .collect(maxSize: Self.maximumUpload), use: compare)
        routes.grouped(OfficerGuardMiddleware([.registrar])).on(.POST, "api", "documents", ":id", "revoke", body: .collect(maxSize: "16kb"), use: revoke)
    }

    private func message(_ request: Request, _ key: String, status: HTTPResponseStatus, _ arguments: [String: String] = [:]) async throws -> Response {
        try await SignOnController().message(request, key, status: status, arguments)
    }

    // MARK: Requesting

    struct Option: Encodable, Sendable {
        let value: String
        let name: String
        let selected: Bool
    }

    struct RequestPage: Encodable, Sendable {
        let type: String
        let name: String
        let intro: String
        let subjects: [Option]
        let locales: [Option]
        let csrf: String
    }

    /// `GET /documents/request/{type}`: who the document is for (the account's person or a minor child) and its
    /// language and script. A sign-in below substantial is sent to sign in (or told how to raise its level).
    func requestForm(request: Request) async throws -> Response {
        guard let type = request.parameters.get("type").flatMap(IssuedDocumentType.init(rawValue:)) else {
            throw DocumentIssuanceError(.documentUnknownType, "no such document")
        }
        guard let signIn = try await request.signedIn() else { return request.redirect(to: "/account/signin", redirectType: .normal) }
        guard signIn.level >= DocumentIssuanceService.requiredLevel else {
            return try await message(request, "error.documents.document-level", status: .forbidden)
        }
        let subjects = try await request.application.licna.documents(on: request.db).subjects(accountID: signIn.accountID, type: type)
        guard !subjects.isEmpty else { return try await message(request, "error.documents.document-unlinked", status: .forbidden) }
        let locale = request.serviceLocale
        let csrf = SignOnInteractions.random()
        let service = request.application.licna.catalogue.current.catalogue.service(type.rawValue)
        let page = RequestPage(
            type: type.rawValue, name: service?.text(locale).name ?? type.rawValue, intro: request.t("documents.request.intro"),
            subjects: subjects.map { subject in
                let key = subject.isSelf ? "documents.request.self" : subject.mandateID == nil ? "documents.request.child" : "documents.request.mandate"
                return Option(value: subject.personID, name: request.t(key, ["name": subject.name]), selected: subject.isSelf)
            },
            locales: ServiceLocale.all.map { Option(value: $0.description, name: request.t("documents.locale.\($0.description)"), selected: $0 == locale) },
            csrf: csrf)
        let response = try await request.view.render("documents-request", LicnaPage(request, title: page.name, body: page)).encodeResponse(for: request)
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        FormParameters.setCookie(Self.formCookie, csrf, path: "/documents", on: response, request)
        return response
    }

    /// `POST /documents/request/{type}` (csrf, person, locale): the document is made, sealed and registered, and the
    /// browser goes to its page.
    func request(request: Request) async throws -> Response {
        guard let type = request.parameters.get("type").flatMap(IssuedDocumentType.init(rawValue:)) else {
            throw DocumentIssuanceError(.documentUnknownType, "no such document")
        }
        guard let form = FormParameters.checked(request, cookie: Self.formCookie) else {
            return try await message(request, "account.form-expired", status: .badRequest)
        }
        guard let signIn = try await request.signedIn() else { return request.redirect(to: "/account/signin", redirectType: .normal) }
        let locale = ServiceLocale.all.first { $0.description == form.values["locale"] } ?? request.serviceLocale
        let id = try await request.application.licna.documents(on: request.db)
            .request(type, personID: form.values["person"] ?? "", signIn: signIn, locale: locale)
        return request.redirect(to: "/documents/\(id)", redirectType: .normal)
    }

    // MARK: The citizen's documents

    struct DocumentSummary: Encodable, Sendable {
        let id: String
        let name: String
        let issued: String
        let validUntil: String
        let state: String
        let revoked: Bool
        let verifyURL: String
    }

    func summary(_ issued: DocumentIssuanceService.Issued, _ request: Request) -> DocumentSummary {
        let catalogue = request.application.licna.catalogue.current.catalogue
        let clock = request.application.licna.configuration.clock
        let state = issued.revokedAt != nil ? "revoked" : issued.validUntil < clock.now ? "expired" : "valid"
        return DocumentSummary(
            id: issued.id, name: catalogue.service(issued.type.rawValue)?.text(request.serviceLocale).name ?? issued.type.rawValue,
            issued: DocumentIssuanceService.date(CivilDate(issued.issuedAt, in: clock.timeZone).iso8601),
            validUntil: DocumentIssuanceService.date(CivilDate(issued.validUntil, in: clock.timeZone).iso8601),
            state: request.t("documents.state.\(state)"), revoked: issued.revokedAt != nil,
            verifyURL: request.application.licna.documents(on: request.db).verificationURL(issued.id))
    }

    struct ListPage: Encodable, Sendable {
        let documents: [DocumentSummary]
        let forms: [Option]
    }

    /// `GET /documents`: the documents the account asked for or that are about its person, newest first.
    func list(request: Request) async throws -> Response {
        guard let signIn = try await request.signedIn() else { return request.redirect(to: "/account/signin", redirectType: .normal) }
        let documents = try await request.application.licna.documents(on: request.db).documents(accountID: signIn.accountID)
        let catalogue = request.application.licna.catalogue.current.catalogue
        let page = ListPage(documents: documents.map { summary($0, request) },
                            forms: IssuedDocumentType.allCases.map {
                                Option(value: "/documents/request/\($0.rawValue)", name: catalogue.service($0.rawValue)?.text(request.serviceLocale).name ?? $0.rawValue,
                                       selected: false)
                            })
        let response = try await request.view.render("documents", LicnaPage(request, title: request.t("documents.title"), body: page)).encodeResponse(for: request)
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }

    /// `GET /documents/{id}`: one of the account's documents, with its download and verification links.
    func show(request: Request) async throws -> Response {
        guard let signIn = try await request.signedIn() else { return request.redirect(to: "/account/signin", redirectType: .normal) }
        let issued = try await request.application.licna.documents(on: request.db).issued(request.parameters.get("id") ?? "", accountID: signIn.accountID)
        let body = summary(issued, request)
        let response = try await request.view.render("document", LicnaPage(request, title: body.name, body: body)).encodeResponse(for: request)
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }

    /// `GET /documents/{id}/pdf`: the sealed PDF (counted as a download).
    func pdf(request: Request) async throws -> Response {
        guard let signIn = try await request.signedIn() else { return request.redirect(to: "/account/signin", redirectType: .normal) }
        let (issued, bytes) = try await request.application.licna.documents(on: request.db).download(request.parameters.get("id") ?? "", accountID: signIn.accountID)
        return Self.pdfResponse(issued, bytes)
    }

    /// An issued document's PDF as a download, never cached.
    static func pdfResponse(_ issued: DocumentIssuanceService.Issued, _ bytes: [UInt8]) -> Response {
        var headers = HTTPHeaders()
        headers.contentType = HTTPMediaType(type: "application", subType: "pdf")
        headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"\(issued.type.rawValue)-\(issued.id).pdf\"")
        headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return Response(status: .ok, headers: headers, body: .init(data: Data(bytes)))
    }

    // MARK: Verification (public)

    struct VerifyPage: Encodable, Sendable {
        let id: String
        let found: Bool
        let verdict: String
        let genuine: Bool
        let type: String?
        let holder: String?
        let issued: String?
        let comparison: String?
        let identical: Bool
    }

    private func limited(_ request: Request) throws {
        let services = request.application.licna
        guard services.documentVerificationLimiter.allow(request.clientLimitKey, now: services.configuration.clock.now) else {
            throw DocumentIssuanceError(.documentThrottled, "verification requests per client")
        }
    }

    private func verification(_ request: Request, comparison: Bool? = nil) async throws -> Response {
        try limited(request)
        let id = request.parameters.get("id") ?? ""
        let clock = request.application.licna.configuration.clock
        let found = try await request.application.licna.documents(on: request.db).verify(id)
        var page = VerifyPage(id: DocumentIssuanceService.isWellFormed(id) ? id : "", found: false, verdict: request.t("documents.verify.unknown"),
                              genuine: false, type: nil, holder: nil, issued: nil, comparison: nil, identical: false)
        if let (issued, holder) = found {
            let catalogue = request.application.licna.catalogue.current.catalogue
            let verdict = issued.revokedAt != nil ? "documents.verify.revoked" : issued.validUntil < clock.now ? "documents.verify.expired" : "documents.verify.genuine"
            page = VerifyPage(id: issued.id, found: true, verdict: request.t(verdict), genuine: issued.revokedAt == nil && issued.validUntil >= clock.now,
                              type: catalogue.service(issued.type.rawValue)?.text(request.serviceLocale).name ?? issued.type.rawValue,
                              holder: request.script(holder),
                              issued: DocumentIssuanceService.date(CivilDate(issued.issuedAt, in: clock.timeZone).iso8601),
                              comparison: comparison.map { request.t($0 ? "documents.verify.identical" : "documents.verify.different") },
                              identical: comparison == true)
        }
        let response = try await request.view.render("document-verify", LicnaPage(request, title: request.t("documents.verify.title"), body: page))
            .encodeResponse(for: request)
        response.status = found == nil ? .notFound : .ok
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        response.headers.replaceOrAdd(name: "X-Robots-Tag", value: "noindex")
        return response
    }

    /// `GET /d/{id}`: whether the document is genuine and current, its type, holder and issue date; nothing more.
    func verify(request: Request) async throws -> Response {
        try await verification(request)
    }

    struct Upload: Content {
        var document: File
    }

    /// `POST /d/{id}` (a form upload of `document`, or the PDF as the body): whether the file is byte for byte the
    /// document issued.
    func compare(request: Request) async throws -> Response {
        let id = request.parameters.get("id") ?? ""
        var bytes: ByteBuffer?
        if request.headers.contentType?.type == "multipart" {
            bytes = try? request.content.decode(Upload.self).document.data
        } else {
            bytes = request.body.data
        }
        guard let bytes, let issued = try await request.application.licna.documents(on: request.db).issued(id) else {
            return try await verification(request)
        }
        let digest = SHA256.hash(data: bytes.readableBytesView).hexString
        return try await verification(request, comparison: digest == issued.sha256)
    }

    // MARK: Revocation (officers)

    struct RevokeBody: Content {
        var reason: String
    }

    struct RevokedAnswer: Content {
        var id: String
        var revokedAt: Date
    }

    /// `POST /api/documents/{id}/revoke` `{"reason"}` (registrar): the document's page says revoked from now on.
    func revoke(request: Request) async throws -> RevokedAnswer {
        let body = try request.content.decode(RevokeBody.self)
        let reason = body.reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reason.isEmpty else { throw DocumentIssuanceError(.documentReasonMissing, "a reason is required") }
        let issued = try await request.application.licna.documents(on: request.db).revoke(
            request.parameters.get("id") ?? "", reason: reason, context: AuditContext(actor: request.officerActor, purpose: .documentRequest))
        return RevokedAnswer(id: issued.id, revokedAt: issued.revokedAt ?? request.application.licna.configuration.clock.now)
    }
}
