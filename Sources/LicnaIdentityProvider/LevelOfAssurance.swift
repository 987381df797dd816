import Foundation

/// An eIDAS level of assurance (Implementing Regulation (EU) 2015/1502), carried in `acr` as its URI. Ordered:
/// a sign-in at a level also satisfies every lower level.
public enum LevelOfAssurance: Int, Comparable, Sendable, CaseIterable, Codable {
    case low = 1
    case substantial = 2
    case high = 3

    /// The `acr` value (the eIDAS notified URIs).
    public var uri: String {
        switch self {
        case .low: "http://eidas.europa.eu/LoA/low"
        case .substantial: "http://eidas.europa.eu/LoA/substantial"
        case .high: "http://eidas.europa.eu/LoA/high"
        }
    }

    /// The level named by an `acr` URI, or by its short name (`low`, `substantial`, `high`) as TARA accepts.
    public init?(acr: String) {
        guard let level = Self.allCases.first(where: { $0.uri == acr || "\($0)" == acr }) else { return nil }
        self = level
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}
