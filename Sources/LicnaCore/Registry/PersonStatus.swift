/// Whether a person is alive, as the civil registry records it.
public enum PersonStatus: String, Sendable, Hashable, Codable, CaseIterable {
    case living
    case deceased
}
