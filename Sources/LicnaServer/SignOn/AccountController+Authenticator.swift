import Foundation
import LicnaBasics
import LicnaCore
import LicnaIdentityProvider
import Vapor

/// Adding an authenticator on the account page (issue 13, item 2): the page offers a new TOTP secret (RFC 6238) as a
/// QR code of its `otpauth://` URI and as text, and puts it in force only when the person's app shows a right code
/// for it. Only a sign-in at level substantial (with the present authenticator) or high (with the eID card) may add
/// or replace one: a password alone must not be able to give itself a second factor.
extension AccountController {
    struct AuthenticatorPage: Encodable, Sendable {
        var qr: String
        var secret: String
        var pending: String
        var csrf: String
        var error: String?
    }

    /// `POST /account/authenticator` (csrf): a new secret to scan, not yet in force.
    func offerAuthenticator(request: Request) async throws -> Response {
        guard checkedForm(request) != nil else { return try await message(request, "account.form-expired", status: .badRequest) }
        let signOn = request.application.licna.signOn(on: request.db)
        guard let session = try await request.signedIn() else {
            return request.redirect(to: "/account/signin", redirectType: .normal)
        }
        guard session.level >= .substantial else { return try await message(request, "account.authenticator.needs-card", status: .forbidden) }
        let offer = try signOn.offerAuthenticator(accountID: session.accountID)
        return try await authenticatorPage(request, session: session, secret: offer.secret, pending: offer.pending, error: nil, status: .ok)
    }

    /// `POST /account/authenticator/confirm` (csrf, pending, code).
    func confirmAuthenticator(request: Request) async throws -> Response {
        guard let form = checkedForm(request) else { return try await message(request, "account.form-expired", status: .badRequest) }
        let signOn = request.application.licna.signOn(on: request.db)
        guard let session = try await request.signedIn() else {
            return request.redirect(to: "/account/signin", redirectType: .normal)
        }
        guard session.level >= .substantial else { return try await message(request, "account.authenticator.needs-card", status: .forbidden) }
        let pending = form.values["pending"] ?? ""
        guard let secret = signOn.pendingAuthenticator(pending, accountID: session.accountID) else {
            return try await message(request, "account.authenticator.expired", status: .badRequest)
        }
        let code = (form.values["code"] ?? "").filter { !$0.isWhitespace }
        let context = AuditContext(actor: "account:" + session.accountID, purpose: .signOn)
        guard try await signOn.confirmAuthenticator(accountID: session.accountID, pending: pending, code: code, context: context) else {
            return try await authenticatorPage(request, session: session, secret: secret, pending: pending,
                                               error: request.t("account.authenticator.wrong-code"), status: .badRequest)
        }
        return try await message(request, "account.authenticator.done", status: .ok)
    }

    private func authenticatorPage(_ request: Request, session: SignIn, secret: [UInt8], pending: String, error: String?,
                                   status: HTTPResponseStatus) async throws -> Response {
        let name = try await request.application.licna.signOn(on: request.db).accountName(accountID: session.accountID)
        let uri = TimeBasedOneTimePassword(secret: secret).uri(issuer: "Licna", account: name)
        guard let code = QRCode(text: uri, errorCorrection: .medium) else { throw Abort(.internalServerError) }
        let base32 = TimeBasedOneTimePassword.base32(secret)
        // Groups of four, as authenticator apps show them for typing.
        let grouped = stride(from: 0, to: base32.count, by: 4).map { offset in
            String(base32.dropFirst(offset).prefix(4))
        }.joined(separator: " ")
        let csrf = SignOnInteractions.random()
        let page = AuthenticatorPage(qr: code.svg(moduleSize: 5, title: request.t("account.authenticator.qr")), secret: grouped, pending: pending,
                                     csrf: csrf, error: error)
        let response = try await request.view.render("account-authenticator", LicnaPage(request, title: request.t("account.authenticator.title"), body: page))
            .encodeResponse(for: request)
        response.status = status
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        setFormCookie(response, csrf, request)
        return response
    }
}
