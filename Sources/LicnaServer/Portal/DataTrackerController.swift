import Foundation
import LicnaBasics
import LicnaCore
import LicnaDocuments
import LicnaIdentityProvider
import LicnaPortal
import Vapor

/// The data tracker's pages (issue 14, item 4): the person's `/account/data-log` (and its CSV and PDF exports),
/// their "why?" about an entry, and the auditor's `/officer/data-questions` with the open questions and the
/// officers flagged for mass lookups.
struct DataTrackerController: RouteCollection {
    static let formCookie = "licna_tracker_form"

    func boot(routes: any RoutesBuilder) throws {
        routes.get("account", "data-log", use: page)
        routes.get("account", "data-log.csv", use: csv)
        routes.get("account", "data-log.pdf", use: pdf)
        routes.on(.POST, "account", "data-log", "ask", body: .collect(maxSize: "16kb"), use: ask)
        let auditor = routes.grouped(OfficerGuardMiddleware([.auditor])).grouped("officer")
        auditor.get("data-questions", use: questionsPage)
        auditor.on(.POST, "data-questions", body: .collect(maxSize: "16kb"), use: answer)
    }

    /// One entry as shown and exported.
    struct Row: Encodable, Sendable {
        let id: String
        let time: String
        let who: String
        let what: String
        let purpose: String
        let yourself: Bool
        let question: String?
        let answer: String?
        let canAsk: Bool
    }

    private func rows(_ request: Request, personID: String, accountID: String) async throws -> [Row] {
        let services = request.application.licna
        let entries = try await services.dataTracker(on: request.db).entries(personID: personID, accountIDs: [accountID])
        let organization = (try? await services.trust.authority(on: request.db).settings().organization) ?? "Licna"
        let signOn = services.signOn(on: request.db)
        var roleHistories: [String: [(auditID: Int64, roles: [OfficerRole])]] = [:]
        let clients = Dictionary(((try? await signOn.clients()) ?? []).map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
        let formatter = Self.formatter(services.configuration.clock.timeZone)
        // Mandates by id: the proxy who used one, or the other party of one given or received, is named.
        let mandates = try await services.mandates(on: request.db).mandates(personID: personID)
        var parties: [String: String] = [:]
        for mandate in mandates.given { parties[mandate.id] = mandate.proxyID }
        for mandate in mandates.received { parties[mandate.id] = mandate.grantorID }
        let names = try await services.mandates(on: request.db).partyNames(given: mandates.given, received: mandates.received)
        var rows: [Row] = []
        for entry in entries {
            var who: String
            var yourself = false
            if entry.actor == "account:" + accountID {
                who = request.t("tracker.who.you")
                yourself = true
            } else if entry.actor.hasPrefix("account:") {
                who = request.t("tracker.who.representative")
                // A proxy's request under a mandate ("… mandate <id>"), or the other party's act on a mandate.
                let mandate = entry.objectType == AuditObjectType.mandate.rawValue ? entry.objectID
                    : entry.detail?.components(separatedBy: " mandate ").dropFirst().first
                if let mandate, let party = parties[mandate] { who = request.t("tracker.who.proxy", ["name": names[party] ?? "—"]) }
            } else if entry.actor.hasPrefix("officer:") {
                let email = String(entry.actor.dropFirst("officer:".count))
                if roleHistories[email] == nil {
                    if let account = try? await signOn.accountID(email: email) {
                        roleHistories[email] = try await services.dataTracker(on: request.db).roleHistory(accountID: account)
                    } else {
                        roleHistories[email] = []
                    }
                }
                // The roles the officer held when they acted: the last grant before this entry.
                let roles = roleHistories[email]?.last { $0.auditID < entry.auditID }?.roles ?? []
                let named = roles.isEmpty ? request.t("tracker.who.officer") : roles.map { request.t("officer.role.\($0.rawValue)") }.sorted().joined(separator: ", ")
                who = "\(organization) — \(named)"
                if entry.detail?.hasSuffix(" " + DocumentIssuanceService.assistedNote) == true { who += " — " + request.t("tracker.who.assisted") }
            } else {
                who = request.t("tracker.who.system", ["organization": organization])
            }
            if entry.action == AuditAction.signIn.rawValue, let detail = entry.detail,
               let client = detail.split(separator: ",").first?.replacingOccurrences(of: "client ", with: "") {
                // The account page's own sign-in gives nobody any data.
                if client == AccountController.clientID { continue }
                who = request.t("tracker.who.client", ["client": clients[client] ?? client])
                yourself = false
            }
            let actionKey = "tracker.action." + entry.action
            let what = request.t(actionKey) == actionKey ? entry.action : request.t(actionKey)
            rows.append(Row(id: String(entry.auditID), time: formatter.string(from: entry.time), who: who, what: what,
                            purpose: purpose(entry.purpose, request), yourself: yourself, question: entry.question?.text,
                            answer: entry.question?.answer, canAsk: entry.question == nil && !yourself))
        }
        return rows
    }

    /// Times as the region writes them (`04.12.2026. 18:00`), in the installation's time zone.
    private static func formatter(_ timeZone: TimeZone) -> DateFormatter {
        let formatter = DateFormatter()
        formatter.timeZone = timeZone
        formatter.dateFormat = "dd.MM.yyyy. HH:mm"
        return formatter
    }

    /// A legal basis by its name (and reference); a purpose Licna gives itself by its translation; else as written.
    private func purpose(_ text: String, _ request: Request) -> String {
        if let basis = LegalBasis(purpose: text, allowed: request.application.licna.configuration.legalBases) {
            let name = RegistryController.name(ofBasis: basis.id, request)
            return basis.reference.map { "\(name) (\($0))" } ?? name
        }
        let key = "tracker.purpose." + text
        return request.t(key) == key ? text : request.t(key)
    }

    struct Page: Encodable, Sendable {
        let rows: [Row]
        let csrf: String
        let asked: Bool
    }

    /// `GET /account/data-log`: every entry about the person, newest first.
    func page(request: Request) async throws -> Response {
        guard let (signIn, personID) = try await request.signedInPerson() else { return request.redirect(to: "/account/signin", redirectType: .normal) }
        let csrf = SignOnInteractions.random()
        let body = Page(rows: try await rows(request, personID: personID, accountID: signIn.accountID), csrf: csrf,
                        asked: (try? request.query.get(String.self, at: "asked")) != nil)
        let response = try await request.view.render("data-log", LicnaPage(request, title: request.t("tracker.title"), body: body)).encodeResponse(for: request)
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        FormParameters.setCookie(Self.formCookie, csrf, path: "/account", on: response, request)
        return response
    }

    /// `GET /account/data-log.csv`: the same entries as CSV (RFC 4180).
    func csv(request: Request) async throws -> Response {
        guard let (signIn, personID) = try await request.signedInPerson() else { return request.redirect(to: "/account/signin", redirectType: .normal) }
        let rows = try await rows(request, personID: personID, accountID: signIn.accountID)
        var text = CSVWriter.line([request.t("tracker.time"), request.t("tracker.who"), request.t("tracker.what"), request.t("tracker.purpose"),
                                   request.t("tracker.question"), request.t("tracker.answer")])
        for row in rows { text += CSVWriter.line([row.time, row.who, row.what, row.purpose, row.question ?? "", row.answer ?? ""]) }
        var headers = HTTPHeaders()
        headers.contentType = HTTPMediaType(type: "text", subType: "csv", parameters: ["charset": "utf-8"])
        headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"data-log.csv\"")
        headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return Response(status: .ok, headers: headers, body: .init(string: text))
    }

    /// `GET /account/data-log.pdf`: the same entries as a PDF table, in the page's language and script.
    func pdf(request: Request) async throws -> Response {
        guard let (signIn, personID) = try await request.signedInPerson() else { return request.redirect(to: "/account/signin", redirectType: .normal) }
        let rows = try await rows(request, personID: personID, accountID: signIn.accountID)
        var configuration = PDFDocumentWriter.Configuration()
        configuration.title = request.t("tracker.title")
        configuration.language = request.serviceLocale.description
        let writer = try PDFDocumentWriter.withSystemFonts(configuration: configuration)
        let table = DocumentTable(columnWidths: [0.18, 0.3, 0.27, 0.25],
                                  rows: [[request.t("tracker.time"), request.t("tracker.who"), request.t("tracker.what"), request.t("tracker.purpose")]]
                                      + rows.map { [$0.time, $0.who, $0.what, $0.purpose] }, headerRowCount: 1, fontSize: 8)
        let document = try writer.render([.heading(request.t("tracker.title")), .paragraph(request.t("tracker.intro")), .table(table)])
        var headers = HTTPHeaders()
        headers.contentType = HTTPMediaType(type: "application", subType: "pdf")
        headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"data-log.pdf\"")
        headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return Response(status: .ok, headers: headers, body: .init(data: document.data))
    }

    /// `POST /account/data-log/ask` (csrf, entry, question): the person's "why?" about an entry.
    func ask(request: Request) async throws -> Response {
        guard let form = FormParameters.checked(request, cookie: Self.formCookie) else {
            return try await SignOnController().message(request, "account.form-expired", status: .badRequest)
        }
        guard let (signIn, personID) = try await request.signedInPerson() else { return request.redirect(to: "/account/signin", redirectType: .normal) }
        guard let entry = Int64(form.values["entry"] ?? "") else { throw DocumentIssuanceError(.trackerEntryUnknown, "no entry") }
        _ = try await request.application.licna.dataTracker(on: request.db).ask(auditID: entry, personID: personID, accountID: signIn.accountID,
                                                                                 text: form.values["question"] ?? "")
        return request.redirect(to: "/account/data-log?asked=1", redirectType: .normal)
    }

    // MARK: The auditor's page

    struct QuestionRow: Encodable, Sendable {
        let id: String
        let asked: String
        let question: String
        let time: String
        let actor: String
        let action: String
        let purpose: String
    }

    struct Flag: Encodable, Sendable {
        let actor: String
        let hour: String
        let reads: Int
    }

    struct QuestionsPage: Encodable, Sendable {
        let questions: [QuestionRow]
        let flags: [Flag]
        let threshold: Int
        let csrf: String
        let saved: Bool
    }

    /// `GET /officer/data-questions` (auditor): the open questions, with the officer's identity and the recorded
    /// purpose, and the officers who read more records in an hour than the threshold.
    func questionsPage(request: Request) async throws -> Response {
        let services = request.application.licna
        let tracker = services.dataTracker(on: request.db)
        let formatter = Self.formatter(services.configuration.clock.timeZone)
        let questions = try await tracker.openQuestions().map { open in
            QuestionRow(id: open.question.id, asked: formatter.string(from: open.question.askedAt), question: open.question.text,
                        time: open.entry.map { formatter.string(from: $0.time) } ?? "", actor: open.entry?.actor ?? "", action: open.entry?.action ?? "",
                        purpose: open.entry.map { purpose($0.purpose, request) } ?? "")
        }
        let threshold = services.configuration.massLookupThreshold
        let flags = try await tracker.massLookups(threshold: threshold).map { Flag(actor: $0.actor, hour: formatter.string(from: $0.hour), reads: $0.reads) }
        let csrf = SignOnInteractions.random()
        let body = QuestionsPage(questions: questions, flags: flags, threshold: threshold, csrf: csrf, saved: (try? request.query.get(String.self, at: "saved")) != nil)
        let response = try await request.view.render("officer-data-questions", LicnaPage(request, title: request.t("tracker.auditor.title"), body: body))
            .encodeResponse(for: request)
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        FormParameters.setCookie(Self.formCookie, csrf, path: "/officer", on: response, request)
        return response
    }

    /// `POST /officer/data-questions` (csrf, id, answer): the auditor's answer.
    func answer(request: Request) async throws -> Response {
        guard let form = FormParameters.checked(request, cookie: Self.formCookie) else {
            return try await SignOnController().message(request, "account.form-expired", status: .badRequest)
        }
        try await request.application.licna.dataTracker(on: request.db).answer(questionID: form.values["id"] ?? "", text: form.values["answer"] ?? "",
                                                                              auditor: request.officerActor)
        return request.redirect(to: "/officer/data-questions?saved=1", redirectType: .normal)
    }
}
