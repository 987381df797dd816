import Crypto
import Fluent
import Foundation
import LicnaBasics
import LicnaCore
import LicnaIdentityProvider
import SQLKit

/// Single sign-on on one database: accounts and their passwords, relying parties, the provider's signing keys, and
/// the OpenID Connect provider (`LicnaIdentityProvider`) wired to them.
public struct SignOnService: Sendable {
    let database: any Database
    let services: LicnaServices

    var clock: any WallClock { services.configuration.clock }
    var storage: SQLIdentityProviderStorage { SQLIdentityProviderStorage(database: database, clock: clock, rotator: services.tokenRotator) }

    // MARK: The provider

    /// The provider's storage, for `licna bench signon` to mint refresh tokens as sign-ins would leave them.
    public var benchmarkStorage: any TokenStorage { storage }

    /// The provider, its issuer the installation's public URL.
    public func provider() async throws -> OpenIDProvider {
        OpenIDProvider(configuration: .init(issuer: services.configuration.publicURL), codes: storage, tokens: storage, parties: storage,
                       replays: storage, claims: AccountClaims(database: database), keys: try await signingKeys(),
                       pairwise: PairwiseSubject(key: services.configuration.masterKey.derive(purpose: "oidc-pairwise-subject", version: 1)),
                       clock: clock, clientKeys: clientKeys)
    }

    /// Where clients registered with a `jwks_uri` publish their keys.
    var clientKeys: ClientKeyFetcher { ClientKeyFetcher(cache: services.clientKeyCache, clock: clock) }

    // MARK: Relying parties

    /// Registers a relying party; for a confidential client the secret is returned once and only its hash stored.
    public func registerClient(name: String, redirectURIs: [String], kind: ClientKind, sectorIdentifier: String? = nil,
                               scopes: Set<String>? = nil, claims: Set<String>? = nil, minimumLevel: LevelOfAssurance = .low,
                               postLogoutRedirectURIs: [String] = [], context: AuditContext) async throws -> (clientID: String, secret: String?) {
        try Self.validateClient(name: name, redirectURIs: redirectURIs, postLogoutRedirectURIs: postLogoutRedirectURIs)
        var secret: String?
        let authentication: RelyingParty.Authentication
        switch kind {
        case .public: authentication = .none
        case .confidential:
            let made = RelyingParty.newSecret()
            secret = made.secret
            authentication = made.stored
        case .jwks(let data):
            guard try !JSONWebKey.set(from: data).isEmpty else {
                throw SignOnError.invalid("the JWKS holds no EC P-256 or RSA (2048 bits or more) signing key")
            }
            authentication = .privateKeyJWT(jwks: data)
        case .jwksURI(let uri):
            guard ClientKeyFetcher.isAcceptable(uri) else {
                throw SignOnError.invalid("the jwks_uri \(uri.prefix(200)) must be an absolute https URL (http only for 127.0.0.1 or localhost)")
            }
            // Read once now: a wrong address or an empty set is better said at registration than at the first sign-in.
            let document: Data
            do { document = try await clientKeys.jwks(at: uri, fresh: true) } catch {
                throw SignOnError.invalid("the jwks_uri \(uri.prefix(200)) cannot be read: \(error)")
            }
            guard (try? JSONWebKey.set(from: document))?.isEmpty == false else {
                throw SignOnError.invalid("the JWKS at \(uri.prefix(200)) holds no EC P-256 or RSA (2048 bits or more) signing key")
            }
            authentication = .privateKeyJWTURI(uri)
        }
        let id = Data(SymmetricKey(size: .bits128).withUnsafeBytes { Array($0) }).base64URLEncoded
        var party = RelyingParty(id: id, name: name, authentication: authentication, redirectURIs: redirectURIs,
                                 postLogoutRedirectURIs: postLogoutRedirectURIs, sectorIdentifier: sectorIdentifier, minimumLevel: minimumLevel)
        if let scopes { party.scopes = scopes.union(["openid"]) }
        if let claims { party.claims = claims }
        try Self.validateEntitlements(scopes: party.scopes, claims: party.claims)
        try await storage.register(party)
        try await services.audit.append(context.event(.clientRegister, .client, id, detail: "\(name), \(kind.description)"), on: database)
        return (id, secret)
    }

    public enum ClientKind: Sendable, CustomStringConvertible {
        case `public`, confidential
        case jwks(Data)
        case jwksURI(String)

        public var description: String {
            switch self {
            case .public: "public (PKCE)"
            case .confidential: "confidential (client_secret_basic)"
            case .jwks: "private_key_jwt"
            case .jwksURI(let uri): "private_key_jwt, keys at \(uri.prefix(200))"
            }
        }
    }

    public func clients() async throws -> [RelyingParty] { try await storage.relyingParties() }

    /// The scopes a relying party may be registered for, and the claims it may be entitled to (discovery's lists,
    /// less the claims every ID token carries). The JMBG is none of them.
    public static let registrableScopes: [String] = ["openid", "profile", "email", "identification_number", "offline_access"]
    public static let entitlableClaims: [String] = ["given_name", "family_name", "birthdate", "email", "email_verified", "identification_number"]

    static func validateClient(name: String, redirectURIs: [String], postLogoutRedirectURIs: [String]) throws {
        guard !name.isEmpty, name.count <= 200 else { throw SignOnError.invalid("the client's name must be 1 to 200 characters") }
        guard !redirectURIs.isEmpty else { throw SignOnError.invalid("give at least one redirect URI") }
        guard redirectURIs.count + postLogoutRedirectURIs.count <= 50 else { throw SignOnError.invalid("a client has at most 50 redirect URIs") }
        for uri in redirectURIs + postLogoutRedirectURIs {
            guard uri.utf8.count <= 2000, let url = URL(string: uri), let scheme = url.scheme?.lowercased(), url.host != nil, url.fragment == nil,
                  scheme == "https" || (scheme == "http" && ["127.0.0.1", "localhost", "[::1]", "::1"].contains(url.host ?? "")) else {
                throw SignOnError.invalid("redirect URI \(uri.prefix(200)) must be an absolute https URL without a fragment (http only for 127.0.0.1 or localhost)")
            }
        }
    }

    static func validateEntitlements(scopes: Set<String>, claims: Set<String>) throws {
        guard !claims.contains("jmbg") else { throw SignOnError.invalid("the JMBG is never released to a relying party") }
        if let unknown = scopes.subtracting(registrableScopes).sorted().first {
            throw SignOnError.invalid("unknown scope \(unknown.prefix(100)): use \(registrableScopes.joined(separator: ", "))")
        }
        if let unknown = claims.subtracting(entitlableClaims).sorted().first {
            throw SignOnError.invalid("unknown claim \(unknown.prefix(100)): use \(entitlableClaims.joined(separator: ", "))")
        }
    }

    /// Changes what a relying party may do (the administrator's page): its name, redirect URIs, scopes, claims and
    /// lowest level. Its id, how it authenticates and its sector identifier stay: a new sector would change every
    /// pairwise `sub` it knows. Audited (`client.update`, with what changed).
    public func updateClient(id: String, name: String, redirectURIs: [String], postLogoutRedirectURIs: [String], scopes: Set<String>,
                             claims: Set<String>, minimumLevel: LevelOfAssurance, context: AuditContext) async throws {
        guard var party = try await storage.relyingParty(id: id) else { throw SignOnError(.signOnUnknownClient) }
        try Self.validateClient(name: name, redirectURIs: redirectURIs, postLogoutRedirectURIs: postLogoutRedirectURIs)
        let scopes = scopes.union(["openid"])
        try Self.validateEntitlements(scopes: scopes, claims: claims)
        var changed: [String] = []
        if party.name != name { changed.append("name") }
        if party.redirectURIs != redirectURIs { changed.append("redirect URIs") }
        if party.postLogoutRedirectURIs != postLogoutRedirectURIs { changed.append("post-logout redirect URIs") }
        if party.scopes != scopes { changed.append("scopes: " + scopes.sorted().joined(separator: " ")) }
        if party.claims != claims { changed.append("claims: " + claims.sorted().joined(separator: " ")) }
        if party.minimumLevel != minimumLevel { changed.append("minimum level: " + minimumLevel.uri) }
        guard !changed.isEmpty else { return }
        party.name = name
        party.redirectURIs = redirectURIs
        party.postLogoutRedirectURIs = postLogoutRedirectURIs
        party.scopes = scopes
        party.claims = claims
        party.minimumLevel = minimumLevel
        guard try await storage.update(party) else { throw SignOnError(.signOnUnknownClient) }
        try await services.audit.append(context.event(.clientUpdate, .client, id, detail: changed.joined(separator: "; ")), on: database)
    }

    /// A new secret for a confidential client (the old one stops at once); returns it, shown once. Audited.
    public func newClientSecret(id: String, context: AuditContext) async throws -> String {
        guard var party = try await storage.relyingParty(id: id) else { throw SignOnError(.signOnUnknownClient) }
        guard case .secretBasic = party.authentication else { throw SignOnError.invalid("only a confidential client (client_secret_basic) has a secret") }
        let made = RelyingParty.newSecret()
        party.authentication = made.stored
        guard try await storage.update(party) else { throw SignOnError(.signOnUnknownClient) }
        try await services.audit.append(context.event(.clientSecret, .client, id, detail: "new client secret"), on: database)
        return made.secret
    }

    // MARK: Accounts

    /// Creates an account with a password (hashed with scrypt; the password is not kept). An operator's account
    /// has its email verified.
    public func addAccount(email: String, password: String?, emailVerified: Bool, context: AuditContext) async throws -> String {
        let address = email.lowercased().trimmingCharacters(in: .whitespaces)
        guard address.utf8.count <= 254, let at = address.firstIndex(of: "@"), at != address.startIndex,
              address[address.index(after: at)...].contains("."), !address.contains(where: { $0.isWhitespace }) else {
            throw SignOnError.invalid("\(email.prefix(100)) is not an email address")
        }
        var hash: String?
        if let password {
            guard password.count >= 10, password.utf8.count <= 1024 else {
                throw SignOnError.invalid("a password must be at least 10 characters (and at most 1024 bytes)")
            }
            let cost = services.configuration.passwordCost
            hash = try await services.passwordHashing.run { try PasswordHash.make(password, cost: cost).stored }
        }
        let id = UUID().uuidString.lowercased()
        typealias Accounts = AccountsTable
        do {
            try await database.retryingTransaction { [hash] db in
                try await db.sql.insert(into: Accounts.table)
                    .columns(Accounts.id, Accounts.email, Accounts.emailVerified, Accounts.passwordHash, Accounts.createdAt)
                    .values(SQLBind(id), SQLBind(address), SQLBind(emailVerified ? 1 : 0), SQLBind(hash), SQLBind(Int64(clock.now.timeIntervalSince1970))).run()
                try await services.audit.append([context.event(.accountCreate, .account, id, detail: emailVerified ? "email verified" : "email not verified")],
                                                on: db)
            }
        } catch let error as any DatabaseError where error.isConstraintFailure {
            throw SignOnError(.signOnAccountExists)
        }
        return id
    }

    /// Checks an email and password. Unknown accounts cost the same scrypt hash as known ones (a fixed dummy), so
    /// that neither the answer nor its time tells which accounts exist.
    public func verifyPassword(email: String, password: String) async throws -> String? {
        typealias Accounts = AccountsTable
        let address = email.lowercased().trimmingCharacters(in: .whitespaces)
        let row = address.utf8.count <= 254 && password.utf8.count <= 1024
            ? try await database.sql.select().columns(Accounts.id, Accounts.passwordHash, Accounts.emailVerified).from(Accounts.table)
                .where(Accounts.email, .equal, address).first()
            : nil
        let stored = try row?.decode(column: Accounts.passwordHash.name, as: String?.self)
        let hash = stored.flatMap(PasswordHash.init(stored:)) ?? Self.dummy(services.configuration.passwordCost)
        let password = String(password.prefix(1024))
        let matches = try await services.passwordHashing.run { try hash.matches(password) }
        guard matches, stored != nil, let row, try row.decode(column: Accounts.emailVerified.name, as: Int.self) == 1 else { return nil }
        return try row.decode(column: Accounts.id.name, as: String.self)
    }

    private static let dummies = DummyHashes()

    static func dummy(_ cost: PasswordHash.Cost) -> PasswordHash { dummies.hash(for: cost) }
}

/// One dummy hash per cost, made once: what an unknown account's sign-in is checked against.
final class DummyHashes: @unchecked Sendable {
    private let lock = NSLock()
    private var hashes: [PasswordHash.Cost: PasswordHash] = [:]

    func hash(for cost: PasswordHash.Cost) -> PasswordHash {
        lock.withLock {
            if let hash = hashes[cost] { return hash }
            let salt = Data(SymmetricKey(size: .bits128).withUnsafeBytes { Array($0) })
            let hash = PasswordHash(cost: cost, salt: salt, hash: Data(SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }))
            hashes[cost] = hash
            return hash
        }
    }
}

/// The claims of an account: its email, and from the registry person it is linked to, the names, birth date and
/// identification number. The JMBG is never among them.
struct AccountClaims: AccountClaimsSource {
    let database: any Database

    func claims(accountID: String, names: [String]) async throws -> [String: String] {
        typealias Accounts = AccountsTable
        func row(_ id: String) async throws -> (any SQLRow)? {
            try await database.sql.select().columns(Accounts.email, Accounts.emailVerified, Accounts.personID).from(Accounts.table)
                .where(Accounts.id, .equal, id).first()
        }
        // A merged account's id is an alias of the account it joined (`account_aliases`): its tokens read that one.
        var found = try await row(accountID)
        if found == nil, let alias = try await database.sql.select().column(AccountAliasesTable.accountID).from(AccountAliasesTable.table)
            .where(AccountAliasesTable.alias, .equal, accountID).first() {
            found = try await row(try alias.decode(column: AccountAliasesTable.accountID.name, as: String.self))
        }
        guard let row = found else { return [:] }
        var claims: [String: String] = [:]
        if let email = try row.decode(column: Accounts.email.name, as: String?.self) {
            claims["email"] = email
            claims["email_verified"] = try row.decode(column: Accounts.emailVerified.name, as: Int.self) == 1 ? "true" : "false"
        }
        if let personID = try row.decode(column: Accounts.personID.name, as: String?.self).flatMap(UUID.init(uuidString:)),
           let person = try await PersonModel.find(personID, on: database) {
            claims["given_name"] = person.givenName
            claims["family_name"] = person.surname
            claims["birthdate"] = person.birthDate
            claims["identification_number"] = person.identificationNumber
        }
        return claims.filter { names.contains($0.key) }
    }
}
