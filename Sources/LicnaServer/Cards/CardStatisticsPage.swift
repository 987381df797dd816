import Foundation
import LicnaAPI
import Vapor

/// The officer's statistics page (`GET /officer/cards`): the card statistics as horizontal bar charts drawn on the
/// server as SVG (no script, nothing fetched by the browser), each bar with its number written beside it and in its
/// `<title>`, and the CSV of cards awaiting activation for the awareness campaign.
struct CardStatisticsPage: Encodable, Sendable {
    struct Bar: Encodable, Sendable {
        var label: String
        var value: Int
        var y: Int
        var width: Int
        var textY: Int
        var valueX: Int
    }

    struct Chart: Encodable, Sendable {
        var id: String
        var title: String
        var bars: [Bar]
        var height: Int
        var empty: Bool
    }

    static let labelWidth = 190
    static let barArea = 360
    static let rowHeight = 24
    static let width = labelWidth + barArea + 70

    var charts: [Chart]
    var width = CardStatisticsPage.width
    var labelWidth = CardStatisticsPage.labelWidth
    var awaitingDays = 30

    /// A chart of `rows` (label, value) in the given order; bars scaled to the largest value.
    static func chart(id: String, title: String, rows: [(String, Int)]) -> Chart {
        let largest = max(rows.map(\.1).max() ?? 0, 1)
        let bars = rows.enumerated().map { index, row in
            let width = row.1 == 0 ? 0 : max(2, row.1 * barArea / largest)
            return Bar(label: row.0, value: row.1, y: index * rowHeight + 4, width: width, textY: index * rowHeight + 20,
                       valueX: labelWidth + width + 6)
        }
        return Chart(id: id, title: title, bars: bars, height: max(rows.count, 1) * rowHeight + 8, empty: rows.isEmpty)
    }

    init(_ statistics: CardStatistics, t: (String) -> String) {
        var charts: [Chart] = []
        charts.append(Self.chart(id: "overview", title: t("cards.stats.overview"), rows: [
            (t("cards.stats.issued"), statistics.issued), (t("cards.stats.delivered"), statistics.delivered),
            (t("cards.stats.activated"), statistics.activated), (t("cards.stats.awaiting"), statistics.awaitingActivation),
            (t("cards.stats.blocked"), statistics.blocked), (t("cards.stats.suspended"), statistics.suspended),
            (t("cards.stats.revoked"), statistics.revoked), (t("cards.stats.window-expired"), statistics.activationWindowExpired),
        ]))
        // Weeks in order, the last bucket last.
        let weeks = statistics.awaitingActivationByWeeks.sorted { (Int($0.key) ?? 1_000) < (Int($1.key) ?? 1_000) }
        charts.append(Self.chart(id: "awaiting", title: t("cards.stats.awaiting-by-weeks"),
                                 rows: weeks.map { (t("cards.stats.weeks").replacingOccurrences(of: "{weeks}", with: $0.key), $0.value) }))
        charts.append(Self.chart(id: "replaced", title: t("cards.stats.replaced"), rows: CardReplacementReasonNames.all.map {
            (t("cards.reason." + $0), statistics.replacedByReason[$0] ?? 0)
        }))
        charts.append(Self.chart(id: "issued-month", title: t("cards.stats.issued-by-month"),
                                 rows: statistics.issuedByMonth.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }))
        charts.append(Self.chart(id: "activated-month", title: t("cards.stats.activated-by-month"),
                                 rows: statistics.activatedByMonth.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }))
        charts.append(Self.chart(id: "issued-municipality", title: t("cards.stats.issued-by-municipality"),
                                 rows: statistics.issuedByMunicipality.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }))
        charts.append(Self.chart(id: "activated-municipality", title: t("cards.stats.activated-by-municipality"),
                                 rows: statistics.activatedByMunicipality.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }))
        self.charts = charts
    }
}

/// The replacement reasons in the order the page shows them (lost envelopes among them).
enum CardReplacementReasonNames {
    static let all = ["lost", "stolen", "damaged", "lost-envelope", "blocked"]
}

extension CardController {
    func statisticsPage(_ request: Request) async throws -> View {
        let statistics = try await request.application.licna.cards(on: request.db).statistics()
        let page = CardStatisticsPage(statistics) { request.t($0) }
        return try await request.view.render("officer-cards", LicnaPage(request, title: request.t("cards.stats.title"), body: page))
    }
}
