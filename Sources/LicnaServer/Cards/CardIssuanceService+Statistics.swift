import Fluent
import Foundation
import LicnaAPI
import LicnaBasics
import LicnaCore
import SQLKit

extension CardIssuanceService {
    /// The statistics the ministry lacked (`GET /api/stats/cards`, `licna cards stats`): cards issued, delivered,
    /// activated, awaiting activation (also by weeks since delivery), reported blocked, suspended, revoked,
    /// replaced by reason, and issued and activated by month and municipality. Counts only; no person is named.
    public func statistics() async throws -> CardStatistics {
        typealias Columns = CardApplicationsTable
        let rows = try await database.sql.select()
            .columns(Columns.state, Columns.municipality, Columns.replacementReason, Columns.closedReason, Columns.personalizedAt,
                     Columns.deliveredAt, Columns.activatedAt, Columns.blockedReportedAt)
            .from(Columns.table).all()
        var statistics = CardStatistics()
        let now = clock.now
        func month(_ seconds: Int64) -> String { clock.month(of: Date(timeIntervalSince1970: Double(seconds))) }
        for row in rows {
            let state = CardState(rawValue: try row.decode(column: Columns.state.name, as: String.self))
            let municipality = try row.decode(column: Columns.municipality.name, as: String.self)
            statistics.applications += 1
            if let personalized = try row.decode(column: Columns.personalizedAt.name, as: Int64?.self) {
                statistics.issued += 1
                statistics.issuedByMonth[month(personalized), default: 0] += 1
                statistics.issuedByMunicipality[municipality, default: 0] += 1
            }
            if let delivered = try row.decode(column: Columns.deliveredAt.name, as: Int64?.self) {
                statistics.delivered += 1
                if state == .delivered {
                    statistics.awaitingActivation += 1
                    let weeks = max(0, Int(now.timeIntervalSince1970 - Double(delivered)) / (7 * 86_400))
                    statistics.awaitingActivationByWeeks[weeks >= 52 ? "52+" : String(weeks), default: 0] += 1
                }
            }
            if let activated = try row.decode(column: Columns.activatedAt.name, as: Int64?.self) {
                statistics.activated += 1
                statistics.activatedByMonth[month(activated), default: 0] += 1
                statistics.activatedByMunicipality[municipality, default: 0] += 1
            }
            if try row.decode(column: Columns.blockedReportedAt.name, as: Int64?.self) != nil, !(state?.isFinal ?? true) {
                statistics.blocked += 1
            }
            if state == .suspended { statistics.suspended += 1 }
            if state == .revoked { statistics.revoked += 1 }
            if let reason = try row.decode(column: Columns.replacementReason.name, as: String?.self) {
                statistics.replacedByReason[reason, default: 0] += 1
            }
            if try row.decode(column: Columns.closedReason.name, as: String?.self) == Self.activationWindowExpired {
                statistics.activationWindowExpired += 1
            }
        }
        return statistics
    }

    /// Cards delivered at least `days` ago and still not activated, for an awareness campaign: card number,
    /// municipality, delivery day and weeks waiting, as CSV (RFC 4180). No personal number and no name.
    public func awaitingActivationCSV(olderThanDays days: Int) async throws -> String {
        let cutoff = nowSeconds - Int64(days) * 86_400
        let models = try await CardApplicationModel.query(on: database).filter(\.$stateText == CardState.delivered.rawValue)
            .sort(\.$deliveredAt).all()
        var lines = ["card_number,municipality,delivered_on,weeks_waiting"]
        for model in models {
            guard let delivered = model.deliveredAt, delivered <= cutoff else { continue }
            let day = CivilDate(Date(timeIntervalSince1970: Double(delivered)), in: clock.timeZone).iso8601
            lines.append([model.cardNumber ?? "", model.municipality, day, String((nowSeconds - delivered) / (7 * 86_400))]
                .map(Self.csvField).joined(separator: ","))
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    static func csvField(_ text: String) -> String {
        // A leading =, +, - or @ would be a formula to a spreadsheet (CWE-1236): quoted with an apostrophe.
        let safe = text.first.map { "=+-@".contains($0) } == true ? "'" + text : text
        guard safe.contains(where: { ",\"\r\n".contains($0) }) else { return safe }
        return "\"" + safe.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    static let activationWindowExpired = "activation-window-expired"

    /// The scheduled work of card issuance: certificates of cards never activated within the window are revoked
    /// (cessationOfOperation) and the card closed, counted as `activationWindowExpired`. (Cards of persons recorded
    /// dead are closed by the death's consumer, `processDeaths`.) Returns how many cards closed.
    @discardableResult
    public func maintain(context: AuditContext = AuditContext(actor: "system", purpose: .cardIssuance)) async throws -> Int {
        let cutoff = nowSeconds - Int64(configuration.activationWindow)
        let stale = try await CardApplicationModel.query(on: database)
            .filter(\.$stateText ~~ [CardState.personalized.rawValue, CardState.delivered.rawValue])
            .filter(\.$personalizedAt < cutoff).all()
        var closed = 0
        for model in stale {
            let didClose: Bool = try await database.retryingTransaction { db in
                guard let current = try await CardApplicationModel.find(model.id, on: db), [.personalized, .delivered].contains(current.state) else { return false }
                try await self.revokeCertificates(of: current, reason: .cessationOfOperation, context: context, on: db)
                try self.move(current, to: .revoked)
                current.closedReason = Self.activationWindowExpired
                try await current.save(on: db)
                try await self.audit.append([context.event(.cardActivationWindowExpired, .cardApplication, current.id,
                                                           detail: "card \(current.cardNumber ?? "")")], on: db)
                return true
            }
            if didClose { closed += 1 }
        }
        return closed
    }
}
