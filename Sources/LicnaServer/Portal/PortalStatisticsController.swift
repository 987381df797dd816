import Foundation
import LicnaPortal
import Vapor

/// The portal's public statistics: `GET /api/stats/portal` (JSON) and `GET /stats` (charts drawn on the server).
struct PortalStatisticsController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("api", "stats", "portal", use: json)
        routes.get("stats", use: page)
    }

    func json(request: Request) async throws -> Response {
        let statistics = try await request.application.licna.portalStatistics(on: request.db).statistics()
        let response = try await statistics.encodeResponse(for: request)
        response.headers.replaceOrAdd(name: .cacheControl, value: "public, max-age=60")
        return response
    }

    struct Row: Encodable, Sendable {
        let label: String
        let value: String
    }

    struct Chart: Encodable, Sendable {
        let title: String
        let svg: String
        let rows: [Row]
    }

    struct Page: Encodable, Sendable {
        let charts: [Chart]
        let totals: [Row]
    }

    func page(request: Request) async throws -> View {
        let statistics = try await request.application.licna.portalStatistics(on: request.db).statistics()
        let catalogue = request.application.licna.catalogue.current.catalogue
        let locale = request.serviceLocale
        let withheld = request.t("stats.withheld")
        func chart(_ titleKey: String, _ bars: [BarChart.Bar]) -> Chart {
            let title = request.t(titleKey)
            return Chart(title: title, svg: BarChart(title: title, bars: bars, withheld: withheld).svg(),
                         rows: bars.map { Row(label: $0.label, value: $0.value.map(String.init) ?? withheld) })
        }
        let levels = ["low", "substantial", "high"].map { BarChart.Bar(label: request.t("portal.level.\($0)"), value: statistics.accountsByLevel[$0] ?? 0) }
        let months = statistics.monthlyActiveUsers.keys.sorted().suffix(12).map { BarChart.Bar(label: $0, value: statistics.monthlyActiveUsers[$0]) }
        let viewed = statistics.servicesViewed.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(10)
            .map { BarChart.Bar(label: catalogue.service($0.key)?.text(locale).name ?? $0.key, value: $0.value) }
        let issued = statistics.documentsIssued.sorted { $0.key < $1.key }
            .map { BarChart.Bar(label: catalogue.service($0.key)?.text(locale).name ?? $0.key, value: $0.value) }
        let municipalities = statistics.byMunicipality.keys.sorted().map {
            BarChart.Bar(label: request.script($0), value: statistics.byMunicipality[$0]?.cardsActivated ?? 0)
        }
        let documentsByMunicipality = statistics.byMunicipality.keys.sorted().map {
            BarChart.Bar(label: request.script($0), value: statistics.byMunicipality[$0]?.documentsIssued ?? 0)
        }
        let charts = [chart("stats.accounts-by-level", levels), chart("stats.monthly-active", months), chart("stats.services-viewed", viewed),
                      chart("stats.documents-issued", issued), chart("stats.documents-by-municipality", documentsByMunicipality),
                      chart("stats.cards-by-municipality", municipalities)]
        let totals = [Row(label: request.t("stats.accounts"), value: String(statistics.accounts)),
                      Row(label: request.t("stats.documents-downloaded"), value: String(statistics.documentsDownloaded)),
                      Row(label: request.t("stats.documents-verified"), value: String(statistics.documentsVerified)),
                      Row(label: request.t("stats.cards-activated"), value: String(statistics.cardsActivated))]
        return try await request.view.render("stats", LicnaPage(request, title: request.t("stats.title"), body: Page(charts: charts, totals: totals)))
    }
}
