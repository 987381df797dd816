import Fluent
import Foundation
import LicnaAPI
import LicnaBasics
import LicnaCore
import LicnaPKI
import Vapor

/// Card issuance over HTTP: the officers' API (applications to statistics), the citizen's tool's API (activation,
/// lifting a suspension, reporting a blocked card) and the public suspension of a lost card, as JSON and as a page.
struct CardController: RouteCollection {
    /// The largest body: an application with its photo (2 MiB as base64, and fingerprints) stays under it.
    static let maximumBody: ByteCount = "8mb"

    func boot(routes: any RoutesBuilder) throws {
        let officer = routes.grouped(OfficerGuardMiddleware([.cardOfficer])).grouped("api", "cards")
        officer.on(.POST, "applications", body: .collect(maxSize: Self.maximumBody), use: apply)
        officer.post("applications", ":id", "approve", use: approve)
        officer.post("applications", ":id", "personalization-plan", use: personalizationPlan)
        officer.post("applications", ":id", "personalization", use: recordPersonalization)
        officer.get(use: list)
        officer.get(":id", use: show)
        officer.post(":card", "deliver", use: deliver)
        officer.post(":card", "suspend", use: officerSuspend)
        officer.post(":card", "revoke", use: revoke)
        officer.post(":card", "replace", use: replace)
        routes.grouped(OfficerGuardMiddleware([.cardOfficer, .auditor])).get("api", "stats", "cards", "awaiting-activation.csv", use: awaitingCSV)
        routes.get("api", "stats", "cards", use: statistics)
        routes.grouped(OfficerGuardMiddleware([.cardOfficer, .auditor])).get("officer", "cards", use: statisticsPage)

        let citizen = routes.grouped("api", "cards")
        citizen.post("activation-nonces") { try await nonce($0, .activation) }
        citizen.post("activations") { try await present($0, .activation) }
        citizen.post("resumption-nonces") { try await nonce($0, .resumption) }
        citizen.post("resumptions") { try await present($0, .resumption) }
        citizen.post("blocked-reports", use: reportBlocked)
        citizen.post("renewals", use: startRenewal)
        citizen.post("renewals", ":session", use: continueRenewal)
        citizen.post("suspensions", use: suspendWithCode)
        routes.get("cards", "suspend", use: suspendPage)
        routes.post("cards", "suspend", use: suspendForm)
    }

    func apply(_ request: Request) async throws -> CardView {
        let body = try request.content.decode(CardApplicationRequest.self)
        func bytes(_ text: String?) throws -> [UInt8]? {
            guard let text else { return nil }
            guard let data = Data(base64Encoded: text) else { throw CardIssuanceError(.cardPhoto, ["detail": "not base64"]) }
            return Array(data)
        }
        return try await request.application.licna.cards(on: request.db).apply(
            identificationNumber: body.identificationNumber, photo: try bytes(body.photo), fingerprints: try bytes(body.fingerprints),
            language: body.language ?? request.language, contractAccepted: body.acceptContract, identityDocument: body.identityDocument,
            context: AuditContext(actor: request.officerActor, purpose: .cardIssuance))
    }

    func approve(_ request: Request) async throws -> CardView {
        try await request.application.licna.cards(on: request.db).approve(id: request.parameters.get("id") ?? "", context: officerContext(request))
    }

    /// What the station writes on the card: the holder's data (the JMBG among it, audited as a disclosure) and the
    /// card's derived management key.
    func personalizationPlan(_ request: Request) async throws -> CardPersonalizationPlanBody {
        let cards = request.application.licna.cards(on: request.db)
        let plan = try await cards.personalizationPlan(applicationID: request.parameters.get("id") ?? "",
                                                       context: AuditContext(actor: request.officerActor, purpose: .cardPersonalization))
        return CardPersonalizationPlanBody(
            applicationID: plan.applicationID, cardNumber: plan.cardNumber, surname: plan.surname, givenNames: plan.givenNames,
            identificationNumber: plan.identificationNumber, jmbg: plan.jmbg, birthDate: plan.birthDate.iso8601, sex: String(plan.sex),
            country: plan.country, cardExpires: plan.validity.cardExpires.iso8601, travelDocumentExpires: plan.validity.travelDocumentExpires.iso8601,
            certificatesNotAfter: plan.validity.certificatesNotAfter, signatureCertificate: plan.validity.signatureCertificate,
            photo: plan.photo.map { Data($0).base64EncodedString() }, language: plan.language,
            managementKey: plan.managementKey.hexString, managementKeyVersion: plan.managementKeyVersion,
            publicURL: try await cards.publicAddress())
    }

    func recordPersonalization(_ request: Request) async throws -> CardView {
        let body = try request.content.decode(CardPersonalizationRecord.self)
        guard let code = SuspensionCode(body.suspensionCode) else { throw CardIssuanceError.invalid("the suspension code is not 10 characters of its alphabet") }
        let attestation = try body.attestation.map { text in
            guard text.utf8.count <= 16_384, let attestation = try? KeyAttestation(pemEncoded: text) else {
                throw CardIssuanceError.invalid("the attestation is not two PEM certificates (the attestation, then the card's attestation key's)")
            }
            return attestation
        }
        return try await request.application.licna.cards(on: request.db).recordPersonalization(
            applicationID: request.parameters.get("id") ?? "", cardNumber: body.cardNumber, authenticationSerial: body.authenticationSerial,
            signatureSerial: body.signatureSerial, suspensionCode: code, managementKeyVersion: body.managementKeyVersion, attestation: attestation,
            context: AuditContext(actor: request.officerActor, purpose: .cardPersonalization))
    }

    func list(_ request: Request) async throws -> [CardView] {
        let state = try request.query.get(String?.self, at: "state").map { text -> CardState in
            guard let state = CardState(rawValue: text) else { throw CardIssuanceError.invalid("unknown state \(text.prefix(30))") }
            return state
        }
        let limit = try request.query.get(Int?.self, at: "limit") ?? 100
        guard (1...10_000).contains(limit) else { throw CardIssuanceError.invalid("limit must be between 1 and 10000") }
        return try await request.application.licna.cards(on: request.db).list(state: state, limit: limit)
    }

    func show(_ request: Request) async throws -> CardView {
        try await request.application.licna.cards(on: request.db).find(request.parameters.get("id") ?? "")
    }

    func deliver(_ request: Request) async throws -> CardView {
        try await request.application.licna.cards(on: request.db).deliver(cardNumber: request.parameters.get("card") ?? "", context: officerContext(request))
    }

    func officerSuspend(_ request: Request) async throws -> CardView {
        try await request.application.licna.cards(on: request.db).suspend(
            cardNumber: request.parameters.get("card") ?? "", context: AuditContext(actor: request.officerActor, purpose: .cardSuspension))
    }

    func revoke(_ request: Request) async throws -> CardView {
        try await request.application.licna.cards(on: request.db).revoke(cardNumber: request.parameters.get("card") ?? "", context: officerContext(request))
    }

    func replace(_ request: Request) async throws -> CardView {
        let body = try request.content.decode(CardReplacementRequest.self)
        guard let reason = CardReplacementReason(rawValue: body.reason) else {
            throw CardIssuanceError.invalid("reason must be one of " + CardReplacementReason.allCases.map(\.rawValue).joined(separator: ", "))
        }
        return try await request.application.licna.cards(on: request.db).replace(
            cardNumber: request.parameters.get("card") ?? "", reason: reason, context: officerContext(request))
    }

    func statistics(_ request: Request) async throws -> CardStatistics {
        try await request.application.licna.cards(on: request.db).statistics()
    }

    func awaitingCSV(_ request: Request) async throws -> Response {
        let days = try request.query.get(Int?.self, at: "days") ?? 30
        guard (0...36_500).contains(days) else { throw CardIssuanceError.invalid("days must be between 0 and 36500") }
        let csv = try await request.application.licna.cards(on: request.db).awaitingActivationCSV(olderThanDays: days)
        var headers = HTTPHeaders()
        headers.contentType = HTTPMediaType(type: "text", subType: "csv", parameters: ["charset": "utf-8"])
        headers.add(name: .contentDisposition, value: "attachment; filename=\"cards-awaiting-activation.csv\"")
        return Response(status: .ok, headers: headers, body: .init(string: csv))
    }

    private func officerContext(_ request: Request) -> AuditContext {
        AuditContext(actor: request.officerActor, purpose: .cardIssuance)
    }

    // MARK: The citizen's tool

    /// Refuses a client that sends card-holder requests faster than any citizen's tool does.
    private func limit(_ request: Request) throws {
        let services = request.application.licna
        let client = request.clientLimitKey
        guard services.cardHolderLimiter.allow(client, now: services.configuration.clock.now) else {
            throw CardIssuanceError(.cardThrottled, ["seconds": "1"])
        }
    }

    func nonce(_ request: Request, _ purpose: CardIssuanceService.PresencePurpose) async throws -> CardNonce {
        try limit(request)
        return try await request.application.licna.cards(on: request.db).nonce(for: try request.content.decode(CardNonceRequest.self), purpose: purpose)
    }

    func present(_ request: Request, _ purpose: CardIssuanceService.PresencePurpose) async throws -> CardView {
        try limit(request)
        return try await request.application.licna.cards(on: request.db).present(
            try request.content.decode(CardPresenceProof.self), purpose: purpose,
            context: AuditContext(actor: "citizen", purpose: purpose == .activation ? .cardActivation : .cardSuspension))
    }

    func startRenewal(_ request: Request) async throws -> CardRenewalStep {
        try limit(request)
        let body = try request.content.decode(CardRenewalStart.self)
        return try await request.application.licna.cards(on: request.db).startRenewal(
            cardNumber: body.cardNumber, context: AuditContext(actor: "citizen", purpose: .cardRenewal))
    }

    /// Each answer of the card: not limited like the other holder requests (a renewal is a dozen quick steps), but
    /// only a live session's holder, who knows its 256-bit identifier, gets past the lookup.
    func continueRenewal(_ request: Request) async throws -> CardRenewalStep {
        let body = try request.content.decode(CardRenewalAnswer.self)
        return try await request.application.licna.cards(on: request.db).continueRenewal(
            session: request.parameters.get("session") ?? "", response: body.response, context: AuditContext(actor: "citizen", purpose: .cardRenewal))
    }

    func reportBlocked(_ request: Request) async throws -> HTTPStatus {
        try limit(request)
        try await request.application.licna.cards(on: request.db).reportBlocked(
            try request.content.decode(CardBlockedReport.self), context: AuditContext(actor: "citizen", purpose: .cardIssuance))
        return .accepted
    }

    // MARK: Suspension of a lost card (public)

    func suspendWithCode(_ request: Request) async throws -> CardView {
        let body = try request.content.decode(CardSuspensionRequest.self)
        return try await suspend(request, cardNumber: body.cardNumber, code: body.code)
    }

    /// Checks the client's throttle (wrong codes from one address wait longer and longer, as at the officers' sign-in),
    /// then the card's own.
    private func suspend(_ request: Request, cardNumber: String, code: String) async throws -> CardView {
        let services = request.application.licna
        let client = request.clientLimitKey
        let now = services.configuration.clock.now
        let wait = services.suspensionThrottle.wait(for: client, now: now)
        guard wait <= 0 else { throw CardIssuanceError(.cardThrottled, ["seconds": String(Int(wait.rounded(.up)))]) }
        do {
            let view = try await services.cards(on: request.db).suspend(
                cardNumber: cardNumber, code: code, context: AuditContext(actor: "citizen", purpose: .cardSuspension))
            services.suspensionThrottle.succeeded(client, now: now)
            return view
        } catch let error as CardIssuanceError where error.code == .cardSuspensionRefused {
            services.suspensionThrottle.failed(client, now: now)
            throw error
        }
    }

    struct SuspendPage: Encodable, Sendable {
        var done: Bool
        var error: String?
        var cardNumber: String
    }

    func suspendPage(_ request: Request) async throws -> View {
        try await request.view.render("card-suspend", LicnaPage(request, title: request.t("suspend.title"),
                                                                 body: SuspendPage(done: false, error: nil, cardNumber: "")))
    }

    struct SuspendForm: Content {
        var cardNumber: String
        var code: String
    }

    func suspendForm(_ request: Request) async throws -> Response {
        let form = try request.content.decode(SuspendForm.self)
        var page = SuspendPage(done: false, error: nil, cardNumber: String(form.cardNumber.prefix(20)))
        var status = HTTPResponseStatus.ok
        do {
            _ = try await suspend(request, cardNumber: form.cardNumber, code: form.code)
            page.done = true
        } catch let error as CardIssuanceError {
            page.error = request.t(error.messageKey, error.arguments)
            status = error.code == .cardThrottled ? .tooManyRequests : .unprocessableEntity
        }
        let view = try await request.view.render("card-suspend", LicnaPage(request, title: request.t("suspend.title"), body: page))
        let response = try await view.encodeResponse(for: request)
        response.status = status
        return response
    }
}
