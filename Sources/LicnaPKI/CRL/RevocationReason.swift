/// RFC 5280 §5.3.1 `CRLReason`, named as the RFC names them (CONVENTIONS: the names the command line accepts).
public enum RevocationReason: Int, CaseIterable, Sendable, Codable {
    case unspecified = 0
    case keyCompromise = 1
    case cACompromise = 2
    case affiliationChanged = 3
    case superseded = 4
    case cessationOfOperation = 5
    case certificateHold = 6
    case removeFromCRL = 8
    case privilegeWithdrawn = 9
    case aACompromise = 10

    /// The RFC 5280 name, e.g. `keyCompromise`.
    public var name: String {
        switch self {
        case .unspecified: "unspecified"
        case .keyCompromise: "keyCompromise"
        case .cACompromise: "cACompromise"
        case .affiliationChanged: "affiliationChanged"
        case .superseded: "superseded"
        case .cessationOfOperation: "cessationOfOperation"
        case .certificateHold: "certificateHold"
        case .removeFromCRL: "removeFromCRL"
        case .privilegeWithdrawn: "privilegeWithdrawn"
        case .aACompromise: "aACompromise"
        }
    }

    /// The reason with this RFC 5280 name, matched without regard to case.
    public init?(name: String) {
        guard let found = Self.allCases.first(where: { $0.name.lowercased() == name.lowercased() }) else { return nil }
        self = found
    }

    /// Reasons an operator may give to `revoke`: a hold is its own command, removeFromCRL is only for delta CRLs.
    public static let revocationReasons: [RevocationReason] = allCases.filter { $0 != .certificateHold && $0 != .removeFromCRL }
}
