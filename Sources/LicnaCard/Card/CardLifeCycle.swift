/// The card's life cycle (ISO/IEC 7816-4 §7.4.10, life cycle status byte): personalization ("initialization",
/// `03`) until ACTIVATE, then operational ("activated", `05`) for good.
public enum CardLifeCycle: String, Codable, Sendable {
    /// Guarded by the transport management key: data objects, files, keys and secrets may be written.
    case personalization
    /// In the citizen's hands: personalization commands answer `69 85`.
    case operational
}
