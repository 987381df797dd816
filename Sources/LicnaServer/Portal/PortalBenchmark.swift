import Foundation
import LicnaBasics
import LicnaCore
import LicnaIdentityProvider
import LicnaPortal
import Vapor

/// Issue 14's speed figures, for `licna bench portal` (scripts/benchmark-portal): documents produced, sealed at
/// B-LT and registered per second through the issuance service, and verification pages answered per second. The
/// installation must have a hierarchy whose e-seal names an organization identifier (the demo's does).
public enum PortalBenchmark {
    /// A person with a linked account that may ask for documents: (account id, person id).
    public static func prepare(_ app: Application) async throws -> (String, String) {
        let context = AuditContext(actor: "benchmark", purpose: .benchmark)
        let person = try await app.licna.registry(on: app.db).registerBirth(
            BirthRegistration(givenName: "Bench", surname: "Marković", birthDate: CivilDate(year: 1990, month: 5, day: 5)!, birthPlace: "Podgorica",
                              sex: .female, regionCode: 21, address: "Njegoševa 1", municipality: "Podgorica"), context: context).person
        let email = "bench-\(UUID().uuidString.prefix(8).lowercased())@example.me"
        let signOn = app.licna.signOn(on: app.db)
        let account = try await signOn.addAccount(email: email, password: nil, emailVerified: true, context: context)
        try await signOn.linkAccount(email: email, identificationNumber: person.identificationNumber, context: context)
        return (account, person.id.rawValue.uuidString)
    }

    /// Issues `count` birth extracts (Serbian Cyrillic) with `parallel` workers; returns the ids.
    public static func issue(_ app: Application, account: String, person: String, count: Int, parallel: Int) async throws -> [String] {
        let documents = app.licna.documents(on: app.db)
        let signIn = SignIn(accountID: account, level: .substantial, methods: ["pwd", "otp"], authenticatedAt: app.licna.configuration.clock.now)
        return try await withThrowingTaskGroup(of: [String].self) { group in
            for worker in 0..<parallel {
                group.addTask {
                    var ids: [String] = []
                    for _ in stride(from: worker, to: count, by: parallel) {
                        ids.append(try await documents.request(.birthCertificate, personID: person, signIn: signIn, locale: ServiceLocale.page("sr")))
                    }
                    return ids
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
    }

    /// Whether `id`'s verification page says genuine (a check that the timed requests did real work).
    public static func isGenuine(_ app: Application, id: String) async throws -> Bool {
        try await app.licna.documents(on: app.db).verify(id).map { $0.0.revokedAt == nil } ?? false
    }
}
