import Foundation
import LicnaAPI
import LicnaBasics
import LicnaCore
import LicnaIdentityProvider
import Vapor

/// eID-card sign-in on the provider's pages (issue 13, item 3; docs/signon.md): the page's script asks for a
/// sign-in nonce bound to its interaction, has `licna-card agent` on the citizen's computer sign it with the card's
/// authentication key, and posts the token back as a form. The person then sees the consent page, as after a password.
extension SignOnController {
    /// The interaction a card request names, if the cookie, the id and the CSRF token agree and it is not waiting
    /// for a second factor.
    private func cardInteraction(_ request: Request, _ form: FormParameters?) async -> (id: String, SignOnInteractions.Interaction)? {
        let now = request.application.licna.configuration.clock.now
        guard let form, let id = form.values["interaction"], request.cookies[Self.cookieName]?.string == id,
              let interaction = await request.application.licna.signOnInteractions.interaction(id, now: now),
              form.values["csrf"] == interaction.csrf, !interaction.awaitingSecondFactor else { return nil }
        return (id, interaction)
    }

    /// `POST /oidc/card/challenge` (form: interaction, csrf) → `{"nonce", "expiresAt", "agent"}`.
    func cardChallenge(request: Request) async throws -> Response {
        guard let (id, _) = await cardInteraction(request, FormParameters(request.body.string ?? "")) else {
            return try json(["error": "interaction-expired", "message": request.t("signon.interaction-expired")], cache: "no-store", status: .badRequest)
        }
        let services = request.application.licna
        let wait = services.signOnThrottle.wait(for: request.clientLimitKey, now: services.configuration.clock.now)
        guard wait <= 0 else {
            let seconds = String(Int(wait.rounded(.up)))
            let response = try json(["error": "throttled", "message": request.t("signon.throttled", ["seconds": seconds])], cache: "no-store",
                                    status: .tooManyRequests)
            response.headers.replaceOrAdd(name: .retryAfter, value: seconds)
            return response
        }
        let nonce = try await services.cards(on: request.db).signInNonce(binding: id)
        return try json(["nonce": nonce.nonce, "expiresAt": ISO8601DateFormatter().string(from: nonce.expiresAt), "agent": services.configuration.cardAgentURL],
                        cache: "no-store")
    }

    /// `POST /oidc/card/signin` (form: interaction, csrf, token — the agent's Web eID token as JSON).
    func cardSignIn(request: Request) async throws -> Response {
        let form = FormParameters(request.body.string ?? "")
        guard let (id, interaction) = await cardInteraction(request, form) else {
            return try await message(request, "signon.interaction-expired", status: .badRequest)
        }
        let services = request.application.licna
        let now = services.configuration.clock.now
        let client = request.clientLimitKey
        let wait = services.signOnThrottle.wait(for: client, now: now)
        guard wait <= 0 else { return try await throttledSignInPage(request, interaction: id, wait: wait) }
        let holder: CardIssuanceService.CardHolder
        do {
            guard let text = form?.values["token"], text.utf8.count <= 32_768,
                  let token = try? JSONDecoder().decode(CardSignedToken.self, from: Data(text.utf8)) else {
                throw CardIssuanceError.token("the sign-in token is not a Web eID token in JSON")
            }
            holder = try await services.cards(on: request.db).signIn(token, binding: id)
        } catch let error as CardIssuanceError {
            services.signOnThrottle.failed(client, now: now)
            request.logger.notice("card sign-in refused", metadata: ["error": "\(error.code.rawValue)"])
            let text = switch error.code {
            case .cardNonce: request.t("signon.card.expired")
            case .cardWrongState: request.t("signon.card.not-active", ["state": error.arguments["state"] ?? ""])
            default: request.t(error.messageKey, error.arguments)
            }
            return try await signInPage(request, interaction: id, failed: false, wait: nil, cardFailed: text, status: .unauthorized)
        }
        services.signOnThrottle.succeeded(client, now: now)
        let earlier = interaction.signIn
        let accountID = try await services.signOn(on: request.db).cardAccount(holder, passwordAccount: earlier?.accountID,
                                                                              context: AuditContext(actor: "card:" + holder.cardNumber, purpose: .signOn))
        // RFC 8176: a smart card ("sc") holding the key ("hwk"), unlocked by its PIN ("pin"); with the password before it, "mfa".
        var methods = ["sc", "hwk", "pin"]
        if let earlier, earlier.accountID == accountID { methods = earlier.methods.filter { $0 != "mfa" } + methods + ["mfa"] }
        return try await showConsent(request, interaction: id, SignIn(accountID: accountID, level: holder.level, methods: methods, authenticatedAt: now))
    }
}
