import LicnaIdentityProvider
import LicnaPortal
import Vapor

/// The service catalogue for citizens and integrators: `GET /services` (search and browsing, server-rendered, no
/// JavaScript), `GET /services/{id}`, and the same as JSON at `GET /api/services` and `GET /api/services/{id}`.
struct ServiceController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("services", use: list)
        routes.get("services", ":id", use: show)
        routes.get("api", "services", use: apiSearch)
        routes.get("api", "services", ":id", use: apiShow)
    }

    /// What a list or search asks: a query, a life event or an institution (the first given wins).
    struct Selection {
        var query = ""
        var event: LifeEvent?
        var institution: String?

        init(_ request: Request) {
            query = String(((try? request.query.get(String.self, at: "q")) ?? "").prefix(ServiceSearch.maximumQueryLength))
                .trimmingCharacters(in: .whitespacesAndNewlines)
            event = (try? request.query.get(String.self, at: "event")).flatMap(LifeEvent.init(rawValue:))
            institution = try? request.query.get(String.self, at: "institution")
        }
    }

    struct Found {
        var services: [(Service, Double?)]
        var suggestion: String?
    }

    static func find(_ selection: Selection, in snapshot: ServiceCatalogueStore.Snapshot, language: String, limit: Int) -> Found {
        let catalogue = snapshot.catalogue
        if !selection.query.isEmpty {
            let outcome = snapshot.search.search(selection.query, language: language, limit: limit)
            return Found(services: outcome.hits.compactMap { hit in catalogue.service(hit.id).map { ($0, hit.score) } }, suggestion: outcome.suggestion)
        }
        let locale = ServiceLocale.page(language)
        var services = catalogue.services
        if let event = selection.event { services = services.filter { $0.lifeEvents.contains(event) } }
        if let institution = selection.institution { services = services.filter { $0.institution == institution } }
        services.sort { $0.text(locale).name.localizedStandardCompare($1.text(locale).name) == .orderedAscending }
        return Found(services: services.prefix(limit).map { ($0, nil) }, suggestion: nil)
    }

    // MARK: Pages

    struct ServiceSummary: Encodable, Sendable {
        let id: String
        let name: String
        let description: String
        let institution: String
        let online: Bool
    }

    struct Link: Encodable, Sendable {
        let href: String
        let name: String
        let current: Bool
    }

    struct ListBody: Encodable, Sendable {
        let query: String
        let heading: String?
        let services: [ServiceSummary]
        let nothing: String?
        let suggestion: String?
        let suggestionHref: String?
        let events: [Link]
        let institutions: [Link]
    }

    func list(request: Request) async throws -> View {
        let snapshot = request.application.licna.catalogue.current
        let selection = Selection(request)
        let locale = request.serviceLocale
        let found = Self.find(selection, in: snapshot, language: locale.language, limit: 50)
        let catalogue = snapshot.catalogue
        var heading: String?
        if !selection.query.isEmpty {
            heading = request.t("portal.services.results", ["count": String(found.services.count), "query": selection.query])
        } else if let event = selection.event {
            heading = request.t("portal.services.event.results", ["event": request.t("portal.event.\(event.rawValue)")])
        } else if let institution = selection.institution {
            heading = request.t("portal.services.institution.results", ["institution": catalogue.institutionName(institution, language: locale.language)])
        }
        let summaries = found.services.map { service, _ in
            let text = service.text(locale)
            return ServiceSummary(id: service.id, name: text.name, description: text.description,
                                  institution: request.script(catalogue.institutionName(service.institution, language: locale.language)),
                                  online: service.onlineForm != nil)
        }
        let events = LifeEvent.allCases.map {
            Link(href: "/services?event=\($0.rawValue)", name: request.t("portal.event.\($0.rawValue)"), current: selection.event == $0)
        }
        let institutions = catalogue.institutions.keys.sorted().map {
            Link(href: "/services?institution=\($0)", name: request.script(catalogue.institutionName($0, language: locale.language)),
                 current: selection.institution == $0)
        }.sorted { $0.name.localizedStandardCompare($1.name) == .orderedAscending }
        let body = ListBody(
            query: selection.query, heading: heading, services: summaries,
            nothing: !selection.query.isEmpty && summaries.isEmpty ? request.t("portal.services.none", ["query": selection.query]) : nil,
            suggestion: found.suggestion,
            suggestionHref: found.suggestion.map { "/services?q=" + ($0.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "") },
            events: events, institutions: institutions)
        return try await request.view.render("services", LicnaPage(request, title: request.t("portal.services.title"), body: body))
    }

    struct DetailBody: Encodable, Sendable {
        let id: String
        let name: String
        let description: String
        let institution: String
        let institutionHref: String
        let events: [Link]
        let level: String
        let fee: String
        let channel: String
        let bring: [String]
        let onlineForm: String?
    }

    func show(request: Request) async throws -> View {
        let snapshot = request.application.licna.catalogue.current
        guard let id = request.parameters.get("id"), let service = snapshot.catalogue.service(id) else {
            throw CatalogueError(.catalogueUnknownService, "no service has this id")
        }
        await request.application.licna.portalStatistics(on: request.db).countView(service: service.id)
        let locale = request.serviceLocale
        let text = service.text(locale)
        let body = DetailBody(
            id: service.id, name: text.name, description: text.description,
            institution: request.script(snapshot.catalogue.institutionName(service.institution, language: locale.language)),
            institutionHref: "/services?institution=\(service.institution)",
            events: service.lifeEvents.map { Link(href: "/services?event=\($0.rawValue)", name: request.t("portal.event.\($0.rawValue)"), current: false) },
            level: request.t("portal.level.\(service.level)"),
            fee: service.fee.map { "\($0.amount) \($0.currency)" } ?? request.t("portal.service.free"),
            channel: request.t("portal.channel.\(service.channel.rawValue)"),
            bring: text.bring, onlineForm: service.onlineForm)
        return try await request.view.render("service", LicnaPage(request, title: text.name, body: body))
    }

    // MARK: JSON

    struct APIHit: Content {
        let id: String
        let score: Double?
        let name: String
        let description: String
        let institution: String
        let url: String
    }

    struct APIResults: Content {
        let query: String
        let language: String
        let results: [APIHit]
        let suggestion: String?
    }

    func apiSearch(request: Request) async throws -> APIResults {
        let snapshot = request.application.licna.catalogue.current
        let locale = request.apiServiceLocale
        var limit = 20
        if let text = try? request.query.get(String.self, at: "limit") {
            guard let number = Int(text) else { throw CatalogueError(.catalogueBadLimit, "limit is not an integer") }
            limit = min(max(number, 1), 100)
        }
        let selection = Selection(request)
        let found = Self.find(selection, in: snapshot, language: locale.language, limit: limit)
        let base = request.application.licna.configuration.publicURL
        return APIResults(
            query: selection.query, language: locale.description,
            results: found.services.map { service, score in
                let text = service.text(locale)
                return APIHit(id: service.id, score: score.map { ($0 * 1000).rounded() / 1000 }, name: text.name, description: text.description,
                              institution: service.institution, url: base + "/services/" + service.id)
            },
            suggestion: found.suggestion)
    }

    struct APIService: Content {
        struct Fee: Content {
            let amount: String
            let currency: String
        }

        let id: String
        let language: String
        let name: String
        let description: String
        let bring: [String]
        let institution: String
        let institutionName: String
        let lifeEvents: [String]
        let level: String
        let fee: Fee?
        let channel: String
        let onlineForm: String?
    }

    func apiShow(request: Request) async throws -> APIService {
        let snapshot = request.application.licna.catalogue.current
        guard let id = request.parameters.get("id"), let service = snapshot.catalogue.service(id) else {
            throw CatalogueError(.catalogueUnknownService, "no service has this id")
        }
        let locale = request.apiServiceLocale
        let text = service.text(locale)
        let base = request.application.licna.configuration.publicURL
        let institutionName = snapshot.catalogue.institutionName(service.institution, language: locale.language)
        return APIService(id: service.id, language: locale.description, name: text.name, description: text.description, bring: text.bring,
                          institution: service.institution,
                          institutionName: locale.transliterated(institutionName),
                          lifeEvents: service.lifeEvents.map(\.rawValue), level: service.level.uri,
                          fee: service.fee.map { APIService.Fee(amount: $0.amount, currency: $0.currency) },
                          channel: service.channel.rawValue, onlineForm: service.onlineForm.map { base + $0 })
    }
}

extension Request {
    /// The locale of a JSON answer: `?lang=` may name a script too (`sr-Latn`, `cnr-Cyrl`, `mk-Latn`); else the
    /// page language and script.
    var apiServiceLocale: ServiceLocale {
        if let tag = try? query.get(String.self, at: "lang"), let locale = ServiceLocale.all.first(where: { $0.description.lowercased() == tag.lowercased() }) {
            return locale
        }
        return serviceLocale
    }
}
