import LicnaIdentityProvider

/// One e-service of the catalogue: who provides it, when in life it is needed, what it takes and costs, and its
/// texts in every language and script.
public struct Service: Sendable, Hashable, Identifiable {
    /// Where the service is used.
    public enum Channel: String, Sendable, Hashable, Codable {
        /// Entirely online.
        case online
        /// Only at an office.
        case office
        /// Online or at an office.
        case both
    }

    /// A fee as the office states it: a decimal amount and an ISO 4217 currency.
    public struct Fee: Sendable, Hashable, Codable {
        public let amount: String
        public let currency: String
    }

    /// Lowercase ASCII letters, digits and hyphens; the service file's name.
    public let id: String
    /// The id of the providing institution (`institutions.json`).
    public let institution: String
    public let lifeEvents: [LifeEvent]
    /// The least level of assurance a sign-in needs to use the service online.
    public let level: LevelOfAssurance
    /// Nil when free.
    public let fee: Fee?
    public let channel: Channel
    /// A path of this portal where the service is requested online, when Licna provides the form.
    public let onlineForm: String?
    /// The texts, one per ``ServiceLocale/all``.
    public let texts: [ServiceLocale: ServiceText]

    public init(id: String, institution: String, lifeEvents: [LifeEvent], level: LevelOfAssurance, fee: Fee?, channel: Channel,
                onlineForm: String?, texts: [ServiceLocale: ServiceText]) {
        self.id = id
        self.institution = institution
        self.lifeEvents = lifeEvents
        self.level = level
        self.fee = fee
        self.channel = channel
        self.onlineForm = onlineForm
        self.texts = texts
    }

    /// The text in `locale`; English when the catalogue lacks it (a loaded catalogue never does).
    public func text(_ locale: ServiceLocale) -> ServiceText {
        texts[locale] ?? texts[ServiceLocale(language: "en", script: .latin)] ?? texts.values.first!
    }
}
