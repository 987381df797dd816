import SQLKit

/// The installation's settings: those fixed at `licna ca init` and the facts recorded later (how the keys are
/// sealed, the development card manufacturer). Stored as text pairs in `pki_settings` (id, value), one row each, as
/// they always were; read once into typed fields. Rows this version does not know are left as they are.
struct InstallationSettings: Sendable, Equatable {
    /// The stored name of each setting.
    enum Key: String, CaseIterable, Sendable {
        case publicURL = "public-url"
        case country
        case organization
        case ocspURL = "ocsp-url"
        case organizationIdentifier = "organization-identifier"
        case development
        case keySealing = "key-sealing"
        case developmentCardRootCertificate = "virtual-card-root-certificate"
        case developmentCardRootKey = "virtual-card-root-key"
        case cardPolicy = "card-policy"
    }

    /// The public URL every certificate's AIA and CRL addresses are built from.
    var publicURL: String?
    /// The country of the hierarchy (the root's C), which every subject must carry.
    var country: String?
    /// The institution's name in CA and responder subjects.
    var organization: String?
    /// A separate OCSP address, when the responder does not live under the public URL.
    var ocspURL: String?
    /// The institution's registration identifier (ETSI EN 319 412-1 §5.1.4), needed for the e-seal.
    var organizationIdentifier: String?
    /// True for a hierarchy made with `ca init --dev` (stored as "true").
    var development = false
    /// How the CA keys are sealed (`TrustKeyVault.currentSealing`); nil for keys sealed before it was recorded.
    var keySealing: Int?
    /// The development card manufacturer's root certificate (PEM), made on first use.
    var developmentCardRootCertificate: String?
    /// The development card manufacturer's root key, sealed under the master key (base64).
    var developmentCardRootKey: String?
    /// The country's card policy as JSON (`CardIssuancePolicy`), set with `licna cards policy --set`; nil: the defaults.
    var cardPolicy: String?

    init() {}

    /// Reads the settings from their stored rows; unknown rows and unreadable numbers are ignored.
    init(rows: [(id: String, value: String)]) {
        for (id, value) in rows {
            guard let key = Key(rawValue: id) else { continue }
            switch key {
            case .publicURL: publicURL = value
            case .country: country = value
            case .organization: organization = value
            case .ocspURL: ocspURL = value
            case .organizationIdentifier: organizationIdentifier = value
            case .development: development = value == "true"
            case .keySealing: keySealing = Int(value)
            case .developmentCardRootCertificate: developmentCardRootCertificate = value
            case .developmentCardRootKey: developmentCardRootKey = value
            case .cardPolicy: cardPolicy = value
            }
        }
    }

    /// The rows these settings are stored as, in `Key` order; settings that are not set have no row.
    var rows: [(key: Key, value: String)] {
        Key.allCases.compactMap { key in
            let value: String? = switch key {
            case .publicURL: publicURL
            case .country: country
            case .organization: organization
            case .ocspURL: ocspURL
            case .organizationIdentifier: organizationIdentifier
            case .development: development ? "true" : nil
            case .keySealing: keySealing.map(String.init)
            case .developmentCardRootCertificate: developmentCardRootCertificate
            case .developmentCardRootKey: developmentCardRootKey
            case .cardPolicy: cardPolicy
            }
            return value.map { (key, $0) }
        }
    }

    /// Reads every setting, once.
    static func read(on sql: any SQLDatabase) async throws -> InstallationSettings {
        let rows = try await sql.select().columns(PKISettingsTable.id, PKISettingsTable.value).from(PKISettingsTable.table).all()
        return InstallationSettings(rows: try rows.map {
            (try $0.decode(column: PKISettingsTable.id.name, as: String.self), try $0.decode(column: PKISettingsTable.value.name, as: String.self))
        })
    }

    /// Stores the rows of these settings that are set; a row that exists already is a constraint failure.
    func insert(on sql: any SQLDatabase) async throws {
        for (key, value) in rows { try await Self.insert(key, value, on: sql) }
    }

    /// Stores one setting that has no row yet (a row that exists already is a constraint failure).
    static func insert(_ key: Key, _ value: String, on sql: any SQLDatabase) async throws {
        try await sql.insert(into: PKISettingsTable.table).columns(PKISettingsTable.id, PKISettingsTable.value)
            .values(SQLBind(key.rawValue), SQLBind(value)).run()
    }

    /// Stores one setting, replacing its row if there is one.
    static func replace(_ key: Key, _ value: String, on sql: any SQLDatabase) async throws {
        try await sql.delete(from: PKISettingsTable.table).where(PKISettingsTable.id, .equal, key.rawValue).run()
        try await insert(key, value, on: sql)
    }
}
