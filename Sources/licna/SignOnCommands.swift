import ArgumentParser
import Foundation
import LicnaBasics
import LicnaCommandLine
import LicnaCore
import LicnaIdentityProvider
import LicnaServer

/// `licna clients`: relying parties of the OpenID Connect provider (docs/signon.md).
struct Clients: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Relying parties (OpenID Connect clients) of the installation's sign-on.",
        subcommands: [Add.self, List.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Register a relying party; prints {\"clientId\", \"clientSecret\"} (the secret only for confidential clients, once).",
            discussion: """
                Redirect URIs are matched exactly. A public client (a browser or mobile app) must use PKCE; a confidential \
                one authenticates with client_secret_basic; with --jwks-file it authenticates with private_key_jwt against \
                the keys in that JWKS. --claims limits what it may receive (identification_number only for public \
                institutions; the JMBG never).
                """)

        @OptionGroup var storage: StorageOptions
        @Option(help: "The name people see on the consent page.") var name: String
        @Option(name: .customLong("redirect-uri"), help: "An exact redirect URI (repeat for several).") var redirectURIs: [String] = []
        @Option(name: .customLong("post-logout-redirect-uri"), help: "Where logout may return (repeat for several).") var postLogoutRedirectURIs: [String] = []
        @Flag(name: .customLong("public"), help: "A public client: no secret, PKCE required.") var isPublic = false
        @Flag(help: "A confidential client with a secret (client_secret_basic).") var confidential = false
        @Option(name: .customLong("jwks-file"), help: "A JWKS file: the client authenticates with private_key_jwt.") var jwksFile: String?
        @Option(name: .customLong("jwks-uri"), help: "Where the client publishes its JWKS (https): private_key_jwt with keys it may rotate.") var jwksURI: String?
        @Option(name: .customLong("sector-identifier"), help: "Sector for pairwise subjects (default: the redirect URI's host).") var sectorIdentifier: String?
        @Option(parsing: .upToNextOption, help: "Scopes it may ask for (openid is always allowed).") var scopes: [String] = []
        @Option(parsing: .upToNextOption, help: "Claims it may receive.") var claims: [String] = []
        @Option(name: .customLong("min-acr"), help: "The lowest level of its sign-ins: low, substantial or high.") var minimumLevel = "low"

        func run() async throws {
            let kinds = [isPublic, confidential, jwksFile != nil, jwksURI != nil].filter { $0 }.count
            guard kinds == 1 else { throw explained(Exit.usage, "cli.clients.kind") }
            guard let level = LevelOfAssurance(acr: minimumLevel) else { throw explained(Exit.usage, "cli.clients.level", ["level": minimumLevel]) }
            var kind = SignOnService.ClientKind.public
            if confidential { kind = .confidential }
            if let jwksFile {
                guard let data = FileManager.default.contents(atPath: jwksFile) else { throw explained(Exit.failed, "cli.import.unreadable", ["file": jwksFile]) }
                kind = .jwks(data)
            }
            if let jwksURI { kind = .jwksURI(jwksURI) }
            let made = try await withInstallation(storage) { [kind] app in
                try await app.licna.signOn(on: app.db).registerClient(
                    name: name, redirectURIs: redirectURIs, kind: kind, sectorIdentifier: sectorIdentifier, scopes: scopes.isEmpty ? nil : Set(scopes),
                    claims: claims.isEmpty ? nil : Set(claims), minimumLevel: level, postLogoutRedirectURIs: postLogoutRedirectURIs,
                    context: AuditContext(actor: commandLineActor, purpose: .signOn))
            }
            struct Made: Encodable { let clientId: String; let clientSecret: String? }
            Terminal.print(try jsonText(Made(clientId: made.clientID, clientSecret: made.secret)))
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the relying parties as JSON (secrets are never shown).")

        @OptionGroup var storage: StorageOptions

        func run() async throws {
            let parties = try await withInstallation(storage) { app in try await app.licna.signOn(on: app.db).clients() }
            struct Listed: Encodable {
                let clientId, name, authentication, minimumAcr, sectorIdentifier: String
                let redirectUris, scopes, claims: [String]
            }
            Terminal.print(try jsonText(parties.map { party in
                let method = switch party.authentication {
                case .none: "none"
                case .secretBasic: "client_secret_basic"
                case .privateKeyJWT, .privateKeyJWTURI: "private_key_jwt"
                }
                return Listed(clientId: party.id, name: party.name, authentication: method, minimumAcr: party.minimumLevel.uri,
                              sectorIdentifier: party.sectorIdentifier, redirectUris: party.redirectURIs, scopes: party.scopes.sorted(),
                              claims: party.claims.sorted())
            }))
        }
    }
}

/// `licna accounts`: sign-on accounts, for operators and tests.
struct Accounts: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Sign-on accounts.", subcommands: [Add.self, Link.self, Authenticator.self, Consents.self, Roles.self, Token.self])

    struct Link: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Link an account to a registry person, as an officer at a service point who has seen the person's identity document.",
            discussion: "A linked account that also gives a TOTP code signs in at level substantial. The link is audited.")

        @OptionGroup var storage: StorageOptions
        @Option(help: "The account's email address.") var email: String
        @Option(name: .customLong("identification-number"), help: "The person's 9-digit identification number.") var identificationNumber: String

        func run() async throws {
            try await withInstallation(storage) { app in
                try await app.licna.signOn(on: app.db).linkAccount(email: email, identificationNumber: identificationNumber,
                                                                   context: AuditContext(actor: commandLineActor, purpose: .signOn))
            }
            Terminal.print(try jsonText(["linked": email.lowercased()]))
        }
    }

    struct Roles: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set an account's officer roles (replacing the ones before; none with no --role): prints {\"roles\"}.",
            discussion: "Roles: \(OfficerRole.allCases.map(\.rawValue).joined(separator: ", ")). Audited. Tokens the officer made keep only the roles the account still holds.")

        @OptionGroup var storage: StorageOptions
        @Option(help: "The account's email address.") var email: String
        @Option(name: .customLong("role"), help: "A role (repeatable).") var roles: [String] = []

        func validate() throws {
            guard OfficerRole.parse(roles.joined(separator: " ")) != nil else { throw explained(Exit.usage, "cli.accounts.unknown-role") }
        }

        func run() async throws {
            let roles = OfficerRole.parse(self.roles.joined(separator: " ")) ?? []
            try await withInstallation(storage) { app in
                try await app.licna.signOn(on: app.db).setRoles(email: email, roles: roles, context: AuditContext(actor: commandLineActor, purpose: .signOn))
            }
            Terminal.print(try jsonText(["roles": roles.map(\.rawValue).sorted()]))
        }
    }

    struct Token: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make a personal officer token for an account: prints {\"token\", \"expiresAt\"} (the token once).",
            discussion: """
                The token carries the roles given with --role (all the account holds without one) and works as long as the \
                account holds them, until it expires or is revoked on the account page. Officers normally make their own \
                after signing in with the eID card; this command is for operators, tests and installations without card \
                sign-in yet. Commands with --server read it from LICNA_OFFICER_TOKEN. Audited under the operator.
                """)

        @OptionGroup var storage: StorageOptions
        @Option(help: "The account's email address.") var email: String
        @Option(help: "What the token is for (shown on the account page).") var name = "command line"
        @Option(name: .customLong("role"), help: "A role the token carries (repeatable; default: all the account holds).") var roles: [String] = []
        @Option(help: "Days until it expires (1 to 90).") var days = 30

        func validate() throws {
            guard OfficerRole.parse(roles.joined(separator: " ")) != nil else { throw explained(Exit.usage, "cli.accounts.unknown-role") }
        }

        func run() async throws {
            let roles = roles.isEmpty ? nil : OfficerRole.parse(self.roles.joined(separator: " "))
            let made = try await withInstallation(storage) { app in
                try await app.licna.signOn(on: app.db).issueOfficerToken(email: email, name: name, roles: roles, days: days,
                                                                         context: AuditContext(actor: commandLineActor, purpose: .signOn))
            }
            struct Made: Encodable { let token: String; let expiresAt: Date }
            Terminal.print(try jsonText(Made(token: made.token, expiresAt: made.expiresAt)))
        }
    }

    struct Consents: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the relying parties an account consented to give its data (JSON), or withdraw a consent with --withdraw.",
            discussion: "After a withdrawal the relying party's next sign-in asks the person again; prompt=none answers consent_required. Audited.")

        @OptionGroup var storage: StorageOptions
        @Option(help: "The account's email address.") var email: String
        @Option(help: "Withdraw the consent given to this client id.") var withdraw: String?

        func run() async throws {
            let context = AuditContext(actor: commandLineActor, purpose: .signOn)
            if let withdraw {
                let removed = try await withInstallation(storage) { app in
                    try await app.licna.signOn(on: app.db).withdrawConsent(email: email, clientID: withdraw, context: context)
                }
                Terminal.print(try jsonText(["withdrawn": removed ? withdraw : ""]))
                if !removed { throw explained(Exit.no, "cli.accounts.no-consent", ["client": String(withdraw.prefix(100))]) }
                return
            }
            let consents = try await withInstallation(storage) { app in try await app.licna.signOn(on: app.db).consents(email: email) }
            Terminal.print(try jsonText(consents))
        }
    }

    struct Authenticator: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Give an account a new TOTP authenticator (replacing any before); prints {\"uri\"} for the authenticator app.",
            discussion: "The otpauth:// URI holds the secret: hand it to the account's holder only (as a QR code at a service point).")

        @OptionGroup var storage: StorageOptions
        @Option(help: "The account's email address.") var email: String
        @Option(help: "The name the authenticator app shows.") var issuer = "Licna"

        func run() async throws {
            let uri = try await withInstallation(storage) { app in
                try await app.licna.signOn(on: app.db).enrollAuthenticator(email: email, issuer: issuer,
                                                                           context: AuditContext(actor: commandLineActor, purpose: .signOn))
            }
            Terminal.print(try jsonText(["uri": uri]))
        }
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create an account whose email is verified (an operator vouches for it); prints {\"accountId\"}.",
            discussion: """
                The password is read from standard input (--password-stdin), hashed with scrypt and not kept. With --level \
                substantial the account is also linked to the person with --identification-number (the operator has seen \
                the person's identity document) and given a TOTP authenticator, whose otpauth:// URI is printed as \
                "authenticatorUri" (hand it to the holder only): password and code then sign in at level substantial.
                """)

        @OptionGroup var storage: StorageOptions
        @Option(help: "The account's email address.") var email: String
        @Flag(name: .customLong("password-stdin"), help: "Read the password from the first line of standard input.") var passwordStdin = false
        @Option(help: "The level its sign-ins can reach: low (email and password) or substantial (also linked and with an authenticator).")
        var level = "low"
        @Option(name: .customLong("identification-number"), help: "With --level substantial: the person's 9-digit identification number.")
        var identificationNumber: String?
        @Option(name: .customLong("role"), help: "An officer role: \(OfficerRole.allCases.map(\.rawValue).joined(separator: ", ")) (repeatable).")
        var roles: [String] = []

        func validate() throws {
            guard OfficerRole.parse(roles.joined(separator: " ")) != nil else { throw explained(Exit.usage, "cli.accounts.unknown-role") }
            guard ["low", "substantial"].contains(level) else { throw explained(Exit.usage, "cli.accounts.level", ["level": String(level.prefix(40))]) }
            guard level == "low" || identificationNumber != nil else { throw explained(Exit.usage, "cli.accounts.level-needs-person") }
        }

        func run() async throws {
            var password: String?
            if passwordStdin {
                guard let line = Swift.readLine(strippingNewline: true), !line.isEmpty else { throw explained(Exit.usage, "cli.accounts.password-missing") }
                password = line
            }
            let roles = OfficerRole.parse(self.roles.joined(separator: " ")) ?? []
            let substantialFor = level == "substantial" ? identificationNumber : nil
            let made = try await withInstallation(storage) { [password] app in
                let signOn = app.licna.signOn(on: app.db)
                let context = AuditContext(actor: commandLineActor, purpose: .signOn)
                // An unknown person is refused before the account is made.
                if let substantialFor { try await signOn.requirePerson(identificationNumber: substantialFor) }
                let id = try await signOn.addAccount(email: email, password: password, emailVerified: true, context: context)
                if !roles.isEmpty { try await signOn.setRoles(email: email, roles: roles, context: context) }
                var uri: String?
                if let substantialFor {
                    try await signOn.linkAccount(email: email, identificationNumber: substantialFor, context: context)
                    uri = try await signOn.enrollAuthenticator(email: email, issuer: "Licna", context: context)
                }
                return (id, uri)
            }
            struct Made: Encodable { let accountId: String; let authenticatorUri: String? }
            Terminal.print(try jsonText(Made(accountId: made.0, authenticatorUri: made.1)))
        }
    }
}

/// `licna signon`: the identity provider's own keys.
struct SignOnKeys: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "signon", abstract: "The identity provider's signing keys.",
                                                    subcommands: [RotateKey.self])

    struct RotateKey: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rotate-key",
            abstract: "Make a new ES256 signing key for ID tokens; prints {\"keyId\"}.",
            discussion: """
                The new key is published in the JWKS at once and signs a day later, so that relying parties that cache \
                the JWKS have it first (OpenID Connect Core §10.1.1); the key before is published for a day after it \
                stops. Keys also rotate by themselves every 90 days. After a suspected compromise, --immediately makes \
                the new key sign at once and takes every older key out of the JWKS at once (ID tokens signed with them \
                stop verifying). Servers sharing the database follow within a minute. Audited.
                """)

        @OptionGroup var storage: StorageOptions
        @Flag(help: "Sign with the new key at once and withdraw the older keys at once (a suspected compromise).") var immediately = false

        func run() async throws {
            let keyID = try await withInstallation(storage) { app in
                try await app.licna.signOn(on: app.db).rotateSigningKey(immediately: immediately,
                                                                         context: AuditContext(actor: commandLineActor, purpose: .signOn))
            }
            Terminal.print(try jsonText(["keyId": keyID]))
        }
    }
}
