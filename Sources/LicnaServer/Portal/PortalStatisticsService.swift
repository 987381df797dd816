import Fluent
import Foundation
import LicnaCore
import NIOConcurrencyHelpers
import SQLKit
import Vapor

/// The portal's public usage statistics (issue 14, item 7; `GET /api/stats/portal`, `/stats`): accounts by the level
/// they can reach, monthly active users, services viewed, documents issued, downloaded and verified, cards
/// activated. Aggregates only; per municipality a count from 1 to 4 is not shown (null), so that no small group can
/// be singled out.
struct PortalStatisticsService: Sendable {
    let database: any Database
    let services: LicnaServices

    struct Municipality: Content {
        /// Null: fewer than ``PortalStatistics/smallestShown``.
        var documentsIssued: Int?
        var cardsActivated: Int?
    }

    struct PortalStatistics: Content {
        static let smallestShown = 5
        var generatedAt: Date
        var accounts: Int
        /// `low`, `substantial`, `high`: the highest level each account can sign in at today.
        var accountsByLevel: [String: Int]
        /// `YYYY-MM` → accounts that signed in that month (the last twelve months).
        var monthlyActiveUsers: [String: Int]
        /// Service id → views of its page, all time.
        var servicesViewed: [String: Int]
        /// Document type → documents issued.
        var documentsIssued: [String: Int]
        /// `YYYY-MM` → documents issued.
        var documentsIssuedByMonth: [String: Int]
        var documentsDownloaded: Int
        var documentsVerified: Int
        var cardsActivated: Int
        var byMunicipality: [String: Municipality]
        var smallestShownPerMunicipality: Int
    }

    private var sql: any SQLDatabase { database.sql }

    /// Counts a view of a service's page (one row per service and month).
    func countView(service: String) async {
        let key = "view/\(service)/\(month(services.configuration.clock.now))"
        typealias Counters = PortalCountersTable
        // One statement, on both engines (SQLite 3.24+ and PostgreSQL): the row is made or counted up atomically.
        _ = try? await sql.raw("""
            INSERT INTO \(ident: Counters.table.name) (\(ident: Counters.key.name), \(ident: Counters.count.name)) VALUES (\(bind: key), 1)
            ON CONFLICT (\(ident: Counters.key.name)) DO UPDATE SET \(ident: Counters.count.name) = \(ident: Counters.table.name).\(ident: Counters.count.name) + 1
            """).run()
    }

    private func month(_ date: Date) -> String { services.configuration.clock.month(of: date) }

    private func count(_ query: SQLQueryString) async throws -> Int {
        try await sql.raw(query).first()?.decode(column: "n", as: Int.self) ?? 0
    }

    func statistics() async throws -> PortalStatistics {
        typealias Accounts = AccountsTable
        typealias Cards = CardApplicationsTable
        typealias Documents = IssuedDocumentsTable
        let accounts = try await count("SELECT COUNT(*) AS n FROM \(ident: Accounts.table.name)")
        let withCard = "SELECT \(Cards.personID.name) FROM \(Cards.table.name) WHERE \(Cards.activatedAt.name) IS NOT NULL AND \(Cards.state.name) NOT IN ('revoked', 'expired', 'replaced')"
        let high = try await count("SELECT COUNT(*) AS n FROM \(ident: Accounts.table.name) WHERE \(ident: Accounts.personID.name) IN (\(unsafeRaw: withCard))")
        let substantial = try await count("""
            SELECT COUNT(*) AS n FROM \(ident: Accounts.table.name) WHERE \(ident: Accounts.personID.name) IS NOT NULL \
            AND \(ident: Accounts.totpSealed.name) IS NOT NULL AND \(ident: Accounts.personID.name) NOT IN (\(unsafeRaw: withCard))
            """)
        let since = Int64(services.configuration.clock.now.timeIntervalSince1970 - 366 * 86_400) * 1000
        var active: [String: Set<String>] = [:]
        for row in try await sql.raw("""
            SELECT object_id, time_ms FROM audit_entries WHERE action = 'account.sign-in' AND time_ms >= \(bind: since)
            """).all() {
            guard let account = try row.decode(column: "object_id", as: String?.self) else { continue }
            let time = Date(timeIntervalSince1970: Double(try row.decode(column: "time_ms", as: Int64.self)) / 1000)
            active[month(time), default: []].insert(account)
        }
        var viewed: [String: Int] = [:]
        for row in try await sql.select().columns(PortalCountersTable.key, PortalCountersTable.count).from(PortalCountersTable.table).all() {
            let parts = try row.decode(column: PortalCountersTable.key.name, as: String.self).split(separator: "/")
            guard parts.count == 3, parts[0] == "view" else { continue }
            viewed[String(parts[1]), default: 0] += try row.decode(column: PortalCountersTable.count.name, as: Int.self)
        }
        var issued: [String: Int] = [:], issuedByMonth: [String: Int] = [:], downloads = 0, verifications = 0
        var documentsByMunicipality: [String: Int] = [:]
        // `persons.id` is a uuid column on PostgreSQL, which compares no uuid with text: there the document's person id
        // (`UUID.uuidString`) is read as a uuid. SQLite keeps `persons.id` as that same text.
        let documentPerson: SQLQueryString = sql.dialect.name == "postgresql"
            ? "CAST(d.\(ident: Documents.personID.name) AS uuid)" : "d.\(ident: Documents.personID.name)"
        for row in try await sql.raw("""
            SELECT d.\(ident: Documents.type.name) AS type, d.\(ident: Documents.issuedAt.name) AS issued, d.\(ident: Documents.downloads.name) AS downloads,
                   d.\(ident: Documents.verifications.name) AS verifications, p.municipality AS municipality
            FROM \(ident: Documents.table.name) d LEFT JOIN persons p ON p.id = \(documentPerson)
            """).all() {
            issued[try row.decode(column: "type", as: String.self), default: 0] += 1
            issuedByMonth[month(Date(timeIntervalSince1970: Double(try row.decode(column: "issued", as: Int64.self)))), default: 0] += 1
            downloads += try row.decode(column: "downloads", as: Int.self)
            verifications += try row.decode(column: "verifications", as: Int.self)
            documentsByMunicipality[(try? row.decode(column: "municipality", as: String?.self)) ?? "?", default: 0] += 1
        }
        let cards = try await services.cards(on: database).statistics()
        var byMunicipality: [String: Municipality] = [:]
        func shown(_ value: Int) -> Int? { value == 0 || value >= PortalStatistics.smallestShown ? value : nil }
        for name in Set(documentsByMunicipality.keys).union(cards.activatedByMunicipality.keys) {
            byMunicipality[name] = Municipality(documentsIssued: shown(documentsByMunicipality[name] ?? 0),
                                                cardsActivated: shown(cards.activatedByMunicipality[name] ?? 0))
        }
        return PortalStatistics(generatedAt: services.configuration.clock.now, accounts: accounts,
                                accountsByLevel: ["low": max(0, accounts - high - substantial), "substantial": substantial, "high": high],
                                monthlyActiveUsers: active.mapValues(\.count), servicesViewed: viewed, documentsIssued: issued,
                                documentsIssuedByMonth: issuedByMonth, documentsDownloaded: downloads, documentsVerified: verifications,
                                cardsActivated: cards.activated, byMunicipality: byMunicipality,
                                smallestShownPerMunicipality: PortalStatistics.smallestShown)
    }
}

extension LicnaServices {
    func portalStatistics(on database: any Database) -> PortalStatisticsService {
        PortalStatisticsService(database: database, services: self)
    }
}
