import Fluent
import Foundation
import LicnaBasics
import LicnaCore
import LicnaPortal
import Vapor

/// An officer at a service point acts for a citizen who is present (issue 14, item 6): `/officer/assist` (registrar)
/// takes the citizen's identification number, the legal basis and the document they ask for; the document is
/// issued to the citizen (it is in their documents), and the audit entry names the officer and the basis and ends
/// with "assisted", which the citizen's data tracker shows as "assisted at a service point". The officer may then
/// print the PDF they requested, and nobody else's.
struct AssistedServiceController: RouteCollection {
    static let formCookie = "licna_assist_form"

    func boot(routes: any RoutesBuilder) throws {
        let registrar = routes.grouped(OfficerGuardMiddleware([.registrar])).grouped("officer", "assist")
        registrar.get(use: page)
        registrar.on(.POST, body: .collect(maxSize: "16kb"), use: issue)
        registrar.get(":id", "pdf", use: pdf)
    }

    struct Option: Encodable, Sendable {
        let value: String
        let name: String
    }

    struct Issued: Encodable, Sendable {
        let id: String
        let name: String
        let person: String
        let verifyURL: String
    }

    struct Page: Encodable, Sendable {
        let bases: [RegistryController.LegalBasisView]
        let types: [Option]
        let locales: [Option]
        let csrf: String
        let error: String?
        let issued: Issued?
    }

    private func render(_ request: Request, error: String? = nil, issued: Issued? = nil, status: HTTPResponseStatus = .ok) async throws -> Response {
        let catalogue = request.application.licna.catalogue.current.catalogue
        let csrf = SignOnInteractions.random()
        let page = Page(bases: RegistryController().bases(request),
                        types: IssuedDocumentType.allCases.map { Option(value: $0.rawValue, name: catalogue.service($0.rawValue)?.text(request.serviceLocale).name ?? $0.rawValue) },
                        locales: ServiceLocale.all.map { Option(value: $0.description, name: request.t("documents.locale.\($0.description)")) },
                        csrf: csrf, error: error, issued: issued)
        let response = try await request.view.render("officer-assist", LicnaPage(request, title: request.t("assist.title"), body: page))
            .encodeResponse(status: status, for: request)
        FormParameters.setCookie(Self.formCookie, csrf, path: "/officer", on: response, request)
        return response
    }

    /// `GET /officer/assist`.
    func page(request: Request) async throws -> Response {
        try await render(request)
    }

    /// `POST /officer/assist` (csrf, identificationNumber, purpose, reference, type, locale, present): issues the
    /// document to the citizen who is present.
    func issue(request: Request) async throws -> Response {
        guard let form = FormParameters.checked(request, cookie: Self.formCookie) else {
            return try await SignOnController().message(request, "account.form-expired", status: .badRequest)
        }
        let services = request.application.licna
        let reference = (form.values["reference"] ?? "").trimmingCharacters(in: .whitespaces)
        let purpose = (form.values["purpose"] ?? "") + (reference.isEmpty ? "" : ": " + String(reference.prefix(100)))
        guard let basis = LegalBasis(purpose: purpose, allowed: services.configuration.legalBases) else {
            return try await render(request, error: request.t(RegistryError.legalBasisRequired.messageKey), status: .badRequest)
        }
        guard form.values["present"] == "on" else { return try await render(request, error: request.t("assist.present-required"), status: .badRequest) }
        guard let type = form.values["type"].flatMap(IssuedDocumentType.init(rawValue:)) else {
            return try await render(request, error: request.t("error.documents.document-unknown-type"), status: .badRequest)
        }
        let number = (form.values["identificationNumber"] ?? "").trimmingCharacters(in: .whitespaces)
        guard (try? IdentificationNumber(number)) != nil,
              let person = try await PersonModel.query(on: request.db).filter(\.$identificationNumber == number).first(),
              person.status == PersonStatus.living.rawValue else {
            return try await render(request, error: request.t("assist.unknown-person"), status: .badRequest)
        }
        let locale = ServiceLocale.all.first { $0.description == form.values["locale"] } ?? request.serviceLocale
        let documents = services.documents(on: request.db)
        let id = try await documents.issue(type, person: person, locale: locale, requestedBy: request.officerActor,
                                           context: AuditContext(actor: request.officerActor, purpose: basis.purpose), note: DocumentIssuanceService.assistedNote)
        let name = services.catalogue.current.catalogue.service(type.rawValue)?.text(request.serviceLocale).name ?? type.rawValue
        return try await render(request, issued: Issued(id: id, name: name, person: person.fullName, verifyURL: documents.verificationURL(id)))
    }

    /// `GET /officer/assist/{id}/pdf`: the PDF of a document this officer issued at the service point, to print.
    func pdf(request: Request) async throws -> Response {
        let (issued, bytes) = try await request.application.licna.documents(on: request.db).download(request.parameters.get("id") ?? "", requestedBy: request.officerActor)
        return DocumentController.pdfResponse(issued, bytes)
    }
}
