import Fluent
import Prometheus

/// Prometheus metrics of one installation: counters updated as things happen, and gauges read from the database
/// when `/metrics` is scraped (so every server behind a load balancer reports the same registry figures).
public struct LicnaMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    let searches: Counter
    let birthsRegistered: Counter
    let deathsRecorded: Counter
    let persons: Gauge
    let deceased: Gauge
    let poolAvailable: Gauge
    let auditEntries: Gauge

    init() {
        let registry = PrometheusCollectorRegistry()
        self.registry = registry
        searches = registry.makeCounter(name: "licna_registry_searches_total", help: "Registry searches by officers and commands.")
        birthsRegistered = registry.makeCounter(name: "licna_registry_births_registered_total", help: "Births registered by this server.")
        deathsRecorded = registry.makeCounter(name: "licna_registry_deaths_recorded_total", help: "Deaths recorded by this server.")
        persons = registry.makeGauge(name: "licna_registry_persons", help: "Persons in the civil registry.")
        deceased = registry.makeGauge(name: "licna_registry_persons_deceased", help: "Persons recorded as deceased.")
        poolAvailable = registry.makeGauge(name: "licna_identification_numbers_available", help: "Unissued identification numbers in the pool.")
        auditEntries = registry.makeGauge(name: "licna_audit_entries", help: "Entries in the audit trail.")
    }

    /// Reads the gauges from the database and renders the exposition text.
    func render(database: any Database) async throws -> String {
        persons.set(Double(try await PersonModel.query(on: database).count()))
        deceased.set(Double(try await PersonModel.query(on: database).filter(\.$status == "deceased").count()))
        poolAvailable.set(Double(try await IdentificationNumberModel.query(on: database).filter(\.$issuedAt == nil).count()))
        auditEntries.set(Double(try await AuditHeadModel.find(1, on: database)?.sequence ?? 0))
        return registry.emitToString()
    }
}
