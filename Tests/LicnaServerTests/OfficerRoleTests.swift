import Foundation
import LicnaBasics
import LicnaCore
import LicnaIdentityProvider
@testable import LicnaServer
import Testing
import VaporTesting

/// Issue 13, item 6 and its acceptance: officers' personal tokens carry roles; an officer without the card-officer
/// role cannot reach card personalization, one with it can, and the audit trail names the officer, not a shared
/// token. Tokens are made only after an eID-card sign-in, only for roles the account holds, lose a role the account
/// loses, and stop at revocation.
@Suite struct OfficerRoleTests {
    @Test func rolesDecideWhatATokenMayDoAndTheAuditNamesTheOfficer() async throws {
        try await TestInstallation.make(.sqlite).withApp(demo: true) { app in
            let signOn = app.licna.signOn(on: app.db)
            let context = AuditContext(actor: "test", purpose: .signOn)
            let registrar = try await signOn.addAccount(email: "registrar@gov.me", password: nil, emailVerified: true, context: context)
            let cardOfficer = try await signOn.addAccount(email: "cards@gov.me", password: nil, emailVerified: true, context: context)
            try await signOn.setRoles(email: "registrar@gov.me", roles: [.registrar], context: context)
            try await signOn.setRoles(email: "cards@gov.me", roles: [.cardOfficer], context: context)
            func card(_ account: String) -> SignIn { SignIn(accountID: account, level: .high, methods: ["sc", "hwk", "pin"], authenticatedAt: Date()) }

            // Made only after a card sign-in, and only for roles held.
            await #expect(throws: SignOnError.self) {
                try await signOn.createOfficerToken(signIn: SignIn(accountID: registrar, level: .substantial, methods: ["pwd", "otp"], authenticatedAt: Date()),
                                                    name: "cli", roles: [.registrar], days: 30)
            }
            await #expect(throws: SignOnError.self) {
                try await signOn.createOfficerToken(signIn: card(registrar), name: "cli", roles: [.cardOfficer], days: 30)
            }
            await #expect(throws: SignOnError.self) {
                try await signOn.createOfficerToken(signIn: card(registrar), name: "cli", roles: [.registrar], days: 365)
            }
            let registrarToken = try await signOn.createOfficerToken(signIn: card(registrar), name: "cli", roles: [.registrar], days: 30)
            let cardToken = try await signOn.createOfficerToken(signIn: card(cardOfficer), name: "station 1", roles: [.cardOfficer], days: 30)

            let personalization = "api/cards/applications/\(UUID().uuidString)/personalization-plan"
            try await app.testing().test(.POST, personalization, headers: ["Authorization": "Bearer \(registrarToken)"]) { response in
                #expect(response.status == .forbidden)
                #expect(response.body.string.contains("card-officer"))
            }
            try await app.testing().test(.POST, personalization, headers: ["Authorization": "Bearer \(cardToken)"]) { response in
                #expect(response.status != .forbidden && response.status != .unauthorized, "\(response.status)")
            }
            try await app.testing().test(.POST, personalization, headers: ["Authorization": "Bearer lo_forged"]) { response in
                #expect(response.status == .unauthorized)
            }
            // The registrar searches the registry: the audit entry names her.
            try await app.testing().test(.POST, "api/registry/search", headers: ["Authorization": "Bearer \(registrarToken)"],
                                         beforeRequest: { try $0.content.encode(["name": "Vuković", "purpose": "citizen-request"]) }) { response in
                #expect(response.status == .ok)
            }
            let actors = try await AuditEntryModel.query(on: app.db).all().map(\.actor)
            #expect(actors.contains("officer:registrar@gov.me"))
            #expect(!actors.contains("admin-token"))

            // A role taken from the account leaves its tokens at once; a revoked token stops.
            try await signOn.setRoles(email: "registrar@gov.me", roles: [], context: context)
            try await app.testing().test(.POST, "api/registry/search", headers: ["Authorization": "Bearer \(registrarToken)"],
                                         beforeRequest: { try $0.content.encode(["name": "Vuković", "purpose": "citizen-request"]) }) { response in
                #expect(response.status == .forbidden)
            }
            // Officer pages: the session of a card sign-in with the role opens them; a password session or
            // another role does not.
            let cardSession = try await signOn.startSession(card(cardOfficer))
            try await app.testing().test(.GET, "officer/cards", headers: ["Cookie": "licna_session=\(cardSession)"]) { response in
                #expect(response.status == .ok)
            }
            let passwordSession = try await signOn.startSession(SignIn(accountID: cardOfficer, level: .substantial, methods: ["pwd", "otp"],
                                                                       authenticatedAt: Date()))
            try await app.testing().test(.GET, "officer/cards", headers: ["Cookie": "licna_session=\(passwordSession)"]) { response in
                #expect(response.status == .seeOther)
            }
            try await signOn.setRoles(email: "registrar@gov.me", roles: [.registrar], context: context)
            let registrarSession = try await signOn.startSession(card(registrar))
            try await app.testing().test(.GET, "officer/cards", headers: ["Cookie": "licna_session=\(registrarSession)"]) { response in
                #expect(response.status == .forbidden)
            }
            try await app.testing().test(.POST, personalization, headers: ["Cookie": "licna_session=\(cardSession)"]) { response in
                #expect(response.status == .unauthorized)  // the API takes tokens, not the browser's session
            }
            let id = try #require(try await signOn.officerTokens(accountID: cardOfficer).first?.id)
            #expect(try await signOn.revokeOfficerToken(accountID: cardOfficer, id: id))
            #expect(!(try await signOn.revokeOfficerToken(accountID: cardOfficer, id: id)))
            try await app.testing().test(.POST, personalization, headers: ["Authorization": "Bearer \(cardToken)"]) { response in
                #expect(response.status == .unauthorized)
            }
        }
    }
}
