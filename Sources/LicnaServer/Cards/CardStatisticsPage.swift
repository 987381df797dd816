import Foundation
import LicnaAPI
import LicnaPortal
import Vapor

/// The officer's statistics page (`GET /officer/cards`): the card statistics as horizontal bar charts drawn on the
/// server as SVG (no script, nothing fetched by the browser), each bar with its number written beside it and in its
/// `<title>`, and the CSV of cards awaiting activation for the awareness campaign.
struct CardStatisticsPage: Encodable, Sendable {
    struct Chart: Encodable, Sendable {
        var id: String
        var title: String
        /// The chart, drawn by `BarChart` (as the portal's public statistics are).
        var svg: String
        var empty: Bool
    }

    var charts: [Chart]
    var awaitingDays = 30

    /// A chart of `rows` (label, value) in the given order; bars scaled to the largest value.
    static func chart(id: String, title: String, rows: [(String, Int)]) -> Chart {
        Chart(id: id, title: title, svg: BarChart(title: title, bars: rows.map { BarChart.Bar(label: $0.0, value: $0.1) }).svg(), empty: rows.isEmpty)
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
