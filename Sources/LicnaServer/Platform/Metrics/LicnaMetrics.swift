import Fluent
import LicnaCore
import SQLKit
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
    let ocspResponses: Counter
    /// Statuses the dedicated OCSP listener read for an answer: on its event loop from the SQLite file, or in a task
    /// through the database driver (PostgreSQL, or a file read that failed: on SQLite, a count here is worth a look).
    let ocspStatusReadsFromFile: Counter
    let ocspStatusReadsThroughDriver: Counter
    let timestamps: Counter
    let certificatesGood: Gauge
    let certificatesOnHold: Gauge
    let certificatesRevoked: Gauge

    init() {
        let registry = PrometheusCollectorRegistry()
        self.registry = registry
        searches = registry.makeCounter(descriptor: .init(namespace: "licna", metricName: "registry_searches", unitName: "total", helpText: "Registry searches by officers and commands."))
        birthsRegistered = registry.makeCounter(descriptor: .init(namespace: "licna", metricName: "registry_births_registered", unitName: "total", helpText: "Births registered by this server."))
        deathsRecorded = registry.makeCounter(descriptor: .init(namespace: "licna", metricName: "registry_deaths_recorded", unitName: "total", helpText: "Deaths recorded by this server."))
        persons = registry.makeGauge(descriptor: .init(namespace: "licna", metricName: "registry_persons", unitName: "", helpText: "Persons in the civil registry."))
        deceased = registry.makeGauge(descriptor: .init(namespace: "licna", metricName: "registry_persons_deceased", unitName: "", helpText: "Persons recorded as deceased."))
        poolAvailable = registry.makeGauge(descriptor: .init(namespace: "licna", metricName: "identification_numbers_available", unitName: "", helpText: "Unissued identification numbers in the pool."))
        auditEntries = registry.makeGauge(descriptor: .init(namespace: "licna", metricName: "audit_entries", unitName: "", helpText: "Entries in the audit trail."))
        ocspResponses = registry.makeCounter(descriptor: .init(namespace: "licna", metricName: "ocsp_responses", unitName: "total", helpText: "OCSP responses sent by this server."))
        let statusReads = MetricNameDescriptor(namespace: "licna", metricName: "ocsp_status_reads", unitName: "total",
                                               helpText: "Status reads of the dedicated OCSP listener, by path: the SQLite file on the event loop, or the database driver in a task.")
        ocspStatusReadsFromFile = registry.makeCounter(descriptor: statusReads, labels: [("path", "file")])
        ocspStatusReadsThroughDriver = registry.makeCounter(descriptor: statusReads, labels: [("path", "driver")])
        timestamps = registry.makeCounter(descriptor: .init(namespace: "licna", metricName: "tsa_replies", unitName: "total", helpText: "Timestamp replies sent by this server."))
        certificatesGood = registry.makeGauge(descriptor: .init(namespace: "licna", metricName: "pki_certificates_good", unitName: "", helpText: "Issued certificates that are good (expired ones included)."))
        certificatesOnHold = registry.makeGauge(descriptor: .init(namespace: "licna", metricName: "pki_certificates_on_hold", unitName: "", helpText: "Certificates on hold (certificateHold)."))
        certificatesRevoked = registry.makeGauge(descriptor: .init(namespace: "licna", metricName: "pki_certificates_revoked", unitName: "", helpText: "Certificates revoked for good."))
    }

    /// Reads the gauges from the database and renders the exposition text.
    func render(database: any Database) async throws -> String {
        persons.set(Double(try await PersonModel.query(on: database).count()))
        deceased.set(Double(try await PersonModel.query(on: database).filter(\.$status == PersonStatus.deceased.rawValue).count()))
        poolAvailable.set(Double(try await IdentificationNumberModel.query(on: database).filter(\.$issuedAt == nil).count()))
        auditEntries.set(Double(try await AuditHeadModel.find(1, on: database)?.sequence ?? 0))
        typealias Certificates = PKICertificatesTable
        let rows = try await database.sql.raw("""
            SELECT \(Certificates.status), COUNT(*) AS n FROM \(Certificates.table) GROUP BY \(Certificates.status)
            """).all()
        var counts: [String: Int] = [:]
        for row in rows { counts[try row.decode(column: Certificates.status.name, as: String.self)] = try row.decode(column: "n", as: Int.self) }
        certificatesGood.set(Double(counts[CertificateRecord.Status.good.rawValue] ?? 0))
        certificatesOnHold.set(Double(counts[CertificateRecord.Status.hold.rawValue] ?? 0))
        certificatesRevoked.set(Double(counts[CertificateRecord.Status.revoked.rawValue] ?? 0))
        return registry.emitToString()
    }
}
