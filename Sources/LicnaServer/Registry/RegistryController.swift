import LicnaBasics
import Fluent
import LicnaCore
import Vapor

/// The officer's registry page and the registry API. Personal numbers travel only in POST bodies.
struct RegistryController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let guarded = routes.grouped(OfficerGuardMiddleware([.registrar]))
        guarded.get("officer", "registry", use: page)
        guarded.post("officer", "registry", use: search)
        let api = guarded.grouped("api", "registry")
        api.post("search", use: apiSearch)
        api.post("births", use: registerBirth)
        api.post("deaths", use: recordDeath)
        api.get("legal-bases", use: legalBases)
    }

    /// A search as typed into the officer page or posted to the API: exactly one criterion.
    struct SearchForm: Content {
        var jmbg: String?
        var identificationNumber: String?
        var name: String?
        var bornBefore: String?
        /// The legal basis (`LegalBasis`): an id of the installation's list, optionally `: ` and a reference.
        var purpose: String?
        /// The page's separate reference field, joined to the basis.
        var reference: String?
        var revealJMBG: Bool?

        func query(today: CivilDate) throws -> RegistryQuery {
            let given = [jmbg, identificationNumber, name, bornBefore].compactMap { $0?.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            guard given.count == 1 else {
                throw LicnaHTTPError.oneCriterion
            }
            if let jmbg = jmbg?.trimmingCharacters(in: .whitespaces), !jmbg.isEmpty {
                // A JMBGInvalidity answers 400 `jmbg-<reason>` through the error middleware.
                return .jmbg(try JMBG(jmbg, today: today))
            }
            if let number = identificationNumber?.trimmingCharacters(in: .whitespaces), !number.isEmpty {
                return .identificationNumber(try IdentificationNumber(number))
            }
            if let text = bornBefore?.trimmingCharacters(in: .whitespaces), !text.isEmpty {
                guard let date = CivilDate(iso8601: text) else {
                    throw LicnaHTTPError.dateFormat
                }
                return .bornBefore(date)
            }
            return .name(name ?? "")
        }
    }

    struct ResultsBody: Encodable, Sendable {
        let searched: Bool
        let persons: [OfficerRow]
        let error: String?
        let bases: [LegalBasisView]
    }

    /// A person as the officer page shows them: status and sex as words of the page's language.
    struct OfficerRow: Encodable, Sendable {
        let person: PersonView
        let status: String
        let sex: String

        init(_ person: PersonView, _ request: Request) {
            self.person = person
            self.status = request.t("registry.status.\(person.status)")
            self.sex = request.t("registry.sex.\(person.sex)")
        }
    }

    func page(request: Request) async throws -> View {
        try await request.view.render("officer-registry", LicnaPage(request, title: request.t("registry.title"),
                                                                    body: ResultsBody(searched: false, persons: [], error: nil, bases: bases(request))))
    }

    func bases(_ request: Request) -> [LegalBasisView] {
        request.application.licna.configuration.legalBases.map { LegalBasisView(id: $0, name: Self.name(ofBasis: $0, request)) }
    }

    func search(request: Request) async throws -> Response {
        let form = try request.content.decode(SearchForm.self)
        let services = request.application.licna
        var persons: [PersonView] = []
        var message: String?
        do {
            let query = try form.query(today: services.configuration.clock.today)
            persons = try await services.registry(on: request.db).find(query, context: try context(request, form))
            services.metrics.searches.increment()
        } catch let error as any LicnaError where error.category == .invalidInput {
            // A mistyped number or criterion is shown on the form, which keeps what the officer typed.
            message = request.t(error.messageKey, error.arguments)
        }
        let view = try await request.view.render("officer-registry", LicnaPage(request, title: request.t("registry.title"),
                                                                               body: ResultsBody(searched: true, persons: persons.map { OfficerRow($0, request) }, error: message,
                                                                                                 bases: bases(request))))
        let response = try await view.encodeResponse(for: request)
        if message != nil { response.status = .badRequest }
        return response
    }

    func apiSearch(request: Request) async throws -> [PersonView] {
        let form = try request.content.decode(SearchForm.self)
        let services = request.application.licna
        let query = try form.query(today: services.configuration.clock.today)
        services.metrics.searches.increment()
        return try await services.registry(on: request.db).find(query, revealJMBG: form.revealJMBG ?? false, context: try context(request, form))
    }

    struct Registered: Content {
        let person: PersonView
        let jmbg: String
    }

    func registerBirth(request: Request) async throws -> Response {
        let registration = try request.content.decode(BirthRegistration.self)
        let services = request.application.licna
        let result = try await services.registry(on: request.db).registerBirth(
            registration, context: AuditContext(actor: request.officerActor, purpose: .birthRegistration))
        services.metrics.birthsRegistered.increment()
        let response = Response(status: .created)
        try response.content.encode(Registered(person: result.person, jmbg: result.jmbg.digits))
        return response
    }

    struct DeathForm: Content {
        let personId: PersonID
        let date: CivilDate
    }

    func recordDeath(request: Request) async throws -> PersonView {
        let form = try request.content.decode(DeathForm.self)
        let services = request.application.licna
        let person = try await services.registry(on: request.db).recordDeath(
            personID: form.personId, date: form.date, context: AuditContext(actor: request.officerActor, purpose: .deathRegistration))
        services.metrics.deathsRecorded.increment()
        // The person's certificates are revoked now; if that fails, the maintenance loop does it from the outbox.
        _ = try? await services.trust.authority(on: request.db).processDeaths(
            context: AuditContext(actor: request.officerActor, purpose: .deathRegistration))
        return person
    }

    /// The search's audit context: the officer and the legal basis given as the purpose (an empty or unknown one is
    /// refused: no read without a basis).
    private func context(_ request: Request, _ form: SearchForm) throws -> AuditContext {
        let allowed = request.application.licna.configuration.legalBases
        let reference = form.reference?.trimmingCharacters(in: .whitespaces) ?? ""
        let purpose = (form.purpose ?? "") + (reference.isEmpty ? "" : ": " + reference)
        guard let basis = LegalBasis(purpose: purpose, allowed: allowed) else {
            throw RegistryError.legalBasisRequired
        }
        return AuditContext(actor: request.officerActor, purpose: basis.purpose)
    }

    struct LegalBasisView: Content {
        let id: String
        let name: String
    }

    /// `GET /api/registry/legal-bases`: the bases a search may give as its purpose, named in the request's language.
    func legalBases(request: Request) async throws -> [LegalBasisView] {
        bases(request)
    }

    static func name(ofBasis id: String, _ request: Request) -> String {
        let key = "legal-basis." + id
        let text = request.t(key)
        return text == key ? id : text
    }
}

