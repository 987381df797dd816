import Fluent
import FluentPostgresDriver
import FluentSQLiteDriver
import Foundation
import Leaf
import LeafKit
import LicnaCore
import SQLKit
import Vapor

/// What `configureLicna` should do besides configuring.
public struct LicnaStartOptions: Sendable {
    /// Register routes, views and middleware (the server); off for command-line work on the database.
    public var http: Bool
    /// Seed the demo citizens (`--demo`).
    public var demo: Bool
    public init(http: Bool = true, demo: Bool = false) {
        self.http = http
        self.demo = demo
    }
}

/// Configures an application for an installation: database, migrations (run at start on both engines),
/// interrupted imports undone, the identification-number pool topped up, and for the server the views,
/// middleware and routes.
public func configureLicna(_ app: Application, _ configuration: LicnaConfiguration, options: LicnaStartOptions = .init()) async throws {
    switch configuration.storage {
    case .sqlite(let directory):
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        // SQLite has one writer: under load (an import, a CRL run, a burst of issuance) callers queue for a
        // connection; give them as long as PostgreSQL's pool does rather than failing after 10 s.
        let file = (directory as NSString).appendingPathComponent(StorageLocation.sqliteFileName)
        app.databases.use(.sqlite(.file(file), connectionPoolTimeout: .seconds(30)), as: .sqlite)
    case .postgres(let url):
        // Several connections per event loop: PostgreSQL serves concurrent transactions in parallel (SQLite
        // serializes writers anyway). 4 × cores stays far below the server's default of 100 connections.
        app.databases.use(try .postgres(url: url, maxConnectionsPerEventLoop: 4, connectionPoolTimeout: .seconds(30)), as: .psql)
    }
    app.migrations.add(CreateInstallation())
    app.migrations.add(CreateAuditTrail())
    app.migrations.add(CreateRegistry())
    app.migrations.add(CreateTrustServices())
    app.migrations.add(CreateOfficerSessions())
    app.migrations.add(CreateAuditCheckpoints())
    app.migrations.add(CreateCardIssuance())
    app.migrations.add(CreateCardChips())
    app.migrations.add(CreateSignOn())
    app.migrations.add(CreateAccountAliases())
    app.migrations.add(CreatePortal())
    app.migrations.add(UppercaseCardApplicationPersonIDs())
    app.licna = try LicnaServices(configuration: configuration)

    if case .sqlite = configuration.storage {
        // WAL lets readers work during writes; it is a property of the file and persists.
        _ = try await app.db.sql.raw("PRAGMA journal_mode=WAL").all()
    }
    try await app.autoMigrate()
    try await InstallationModel.verify(configuration.masterKey, at: configuration.clock.now, on: app.db)
    // Keys sealed before they were bound to their rows are re-sealed once; then every key must open in its own row
    // and match its certificate, or the server does not start (a tampered database or restore).
    let resealed = try await app.licna.trust.vault.upgradeSealing(on: app.db)
    if resealed > 0 { app.logger.notice("bound the CA keys to their rows", metadata: ["keys": "\(resealed)"]) }
    try await TrustHierarchy.load(on: app.db, vault: app.licna.trust.vault)?.verifyIntegrity()
    let rolledBack = try await RegistryImporter.rollBackInterrupted(on: app.db, audit: app.licna.audit)
    if rolledBack > 0 {
        app.logger.warning("undid imports interrupted before they committed", metadata: ["imports": "\(rolledBack)"])
    }
    try await app.licna.pool.ensureReserve(on: app.db)
    if options.demo {
        try await DemoCitizens.seed(app.licna.registry(on: app.db))
        try await DemoSignOn.ensure(app)
    }
    if options.http {
        if let token = configuration.adminToken, let weakness = AdminToken.weakness(of: token, development: configuration.isDevelopment) {
            throw WeakAdminToken(weakness: weakness)
        }
        let ended = try await app.licna.officerSessions.revokeOtherTokens(than: configuration.adminTokenHash, on: app.db)
        if ended > 0 { app.logger.notice("ended officer sessions of a previous admin token", metadata: ["sessions": "\(ended)"]) }
        try configureHTTP(app, configuration, demo: options.demo)
    }
}

/// The admin token may not guard a production server (`AdminToken.weakness`); the message says how to make one.
public struct WeakAdminToken: Error, Sendable {
    public let weakness: String
    public let messageKey = "cli.admin-token.weak"
}

private func configureHTTP(_ app: Application, _ configuration: LicnaConfiguration, demo: Bool) throws {
    let views = bundledResource("Views")
    app.views.use(.leaf)
    app.leaf.configuration = LeafConfiguration(rootDirectory: views)
    // The bundle lives under `.build` during development: allow hidden path components, but stay in the sandbox.
    app.leaf.sources = .singleSource(NIOLeafFiles(fileio: app.fileio, limits: [.toSandbox, .requireExtensions],
                                                  sandboxDirectory: views, viewDirectory: views))
    app.leaf.cache.isEnabled = !configuration.isDevelopment

    let publicFiles = bundledResource("Public")
    app.middleware = .init()
    app.middleware.use(SecurityHeadersMiddleware(https: configuration.secureCookies))
    app.middleware.use(LanguageMiddleware(secureCookies: configuration.secureCookies))
    app.middleware.use(LicnaErrorMiddleware())
    app.middleware.use(PublicFilesMiddleware(publicDirectory: publicFiles))
    app.routes.defaultMaxBodySize = "1mb"
    ContentConfiguration.global.use(decoder: GuardedFormDataDecoder(), for: .formData)

    try app.register(collection: PlatformController())
    try app.register(collection: OfficerLoginController())
    try app.register(collection: FirstAdministratorController())
    try app.register(collection: AdministrationController())
    try app.register(collection: RegistryController())
    try app.register(collection: TrustController())
    try app.register(collection: CardController())
    try app.register(collection: SignatureController())
    try app.register(collection: OpenAPIController())
    try app.register(collection: SignOnController())
    try app.register(collection: AccountController())
    try app.register(collection: ServiceController())
    try app.register(collection: DocumentController())
    try app.register(collection: MandateController())
    try app.register(collection: AssistedServiceController())
    try app.register(collection: DataTrackerController())
    try app.register(collection: PortalStatisticsController())
    if demo { try app.register(collection: DemoSignOnController()) }
    app.lifecycle.use(TrustBackgroundWork())
    app.lifecycle.use(PlatformBackgroundWork())
}

/// The path of a folder of the bundled `Resources` (Foundation on Linux may already point `resourceURL` inside it).
func bundledResource(_ folder: String) -> String {
    let candidates = [Bundle.module.resourceURL, Bundle.module.bundleURL].compactMap { $0 }.flatMap {
        [$0.appendingPathComponent(folder), $0.appendingPathComponent("Resources").appendingPathComponent(folder)]
    }
    let found = candidates.first { FileManager.default.fileExists(atPath: $0.path) } ?? candidates[0]
    return found.path + "/"
}
