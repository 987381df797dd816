/// Why something was done, as the audit trail records it (`AuditRecord.purpose`). The purposes Licna gives itself
/// are named here; a purpose stated by the person acting (an officer's reason for a search, `--purpose` on the
/// command line) is recorded as given, through `stated(_:)`. The raw value is what the trail stores.
public struct AuditPurpose: RawRepresentable, Sendable, Hashable, Codable {
    public let rawValue: String

    public init(rawValue: String) { self.rawValue = rawValue }

    /// A purpose in the acting person's own words.
    public static func stated(_ text: String) -> AuditPurpose { AuditPurpose(rawValue: text) }

    /// A birth registration.
    public static let birthRegistration = AuditPurpose(rawValue: "birth-registration")
    /// A death registration.
    public static let deathRegistration = AuditPurpose(rawValue: "death-registration")
    /// An officer's search that stated no reason.
    public static let officerSearch = AuditPurpose(rawValue: "officer-search")
    /// The command line's default for `licna registry import`.
    public static let registryImport = AuditPurpose(rawValue: "registry-import")
    /// The command line's default for `licna registry export`.
    public static let registryExport = AuditPurpose(rawValue: "registry-export")
    /// The command line's default for `licna registry find`.
    public static let registryLookup = AuditPurpose(rawValue: "registry-lookup")
    /// Undoing an interrupted import.
    public static let importRollback = AuditPurpose(rawValue: "import-rollback")
    /// Reading a person's audit entries (`licna audit person`).
    public static let auditReview = AuditPurpose(rawValue: "audit-review")
    /// Setting up the CA hierarchy.
    public static let caInit = AuditPurpose(rawValue: "ca-init")
    /// Issuing a certificate.
    public static let certificateIssuance = AuditPurpose(rawValue: "certificate-issuance")
    /// Changing a certificate's status.
    public static let certificateStatus = AuditPurpose(rawValue: "certificate-status")
    /// The scheduled renewal of the OCSP responders.
    public static let responderRenewal = AuditPurpose(rawValue: "responder-renewal")
    /// Personalizing a card (its certificates and security object).
    public static let cardPersonalization = AuditPurpose(rawValue: "card-personalization")
    /// Setting the country's card policy.
    public static let cardPolicy = AuditPurpose(rawValue: "card-policy")
    /// Card issuance: applications, approval, delivery, replacement.
    public static let cardIssuance = AuditPurpose(rawValue: "card-issuance")
    /// The holder's activation of a card.
    public static let cardActivation = AuditPurpose(rawValue: "card-activation")
    /// Suspending or lifting the suspension of a lost card.
    public static let cardSuspension = AuditPurpose(rawValue: "card-suspension")
    /// Renewing a card's keys and certificates.
    public static let cardRenewal = AuditPurpose(rawValue: "card-renewal")
    /// Making a virtual card.
    public static let cardManufacture = AuditPurpose(rawValue: "card-manufacture")
    /// Sealing a document.
    public static let documentSeal = AuditPurpose(rawValue: "document-seal")
    /// Demonstration data (`--dev`).
    public static let demoData = AuditPurpose(rawValue: "demo-data")
    /// A benchmark run.
    public static let benchmark = AuditPurpose(rawValue: "benchmark")
    /// Single sign-on: accounts, relying parties and sign-ins.
    public static let signOn = AuditPurpose(rawValue: "sign-on")
    /// A citizen's request for a document of the registry (issue 14, item 3), and its revocation.
    public static let documentRequest = AuditPurpose(rawValue: "document-request")
    /// Giving, using and withdrawing a mandate to act for another adult (issue 14, item 6).
    public static let mandate = AuditPurpose(rawValue: "mandate")

    /// Every purpose Licna gives itself.
    public static let named: [AuditPurpose] = [
        .birthRegistration, .deathRegistration, .officerSearch, .registryImport, .registryExport, .registryLookup, .importRollback,
        .auditReview, .caInit, .certificateIssuance, .certificateStatus, .responderRenewal, .cardPersonalization, .cardPolicy, .cardManufacture,
        .cardIssuance, .cardActivation, .cardSuspension, .cardRenewal, .documentSeal, .demoData, .benchmark,
        .signOn, .documentRequest, .mandate,
    ]

    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
