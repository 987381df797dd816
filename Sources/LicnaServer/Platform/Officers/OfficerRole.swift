/// What an officer may do (issue 13, item 6). Officer pages and APIs each name the roles that may use them; the
/// admin token holds them all.
public enum OfficerRole: String, Sendable, CaseIterable, Codable, Hashable {
    /// Registers births and deaths and searches the registry.
    case registrar
    /// Takes applications and personalizes, delivers, suspends, revokes and replaces cards.
    case cardOfficer = "card-officer"
    /// Issues and revokes certificates, signs security objects.
    case caOperator = "ca-operator"
    /// Reads statistics and the audit trail.
    case auditor
    /// Gives roles to accounts.
    case administrator

    /// Roles from their names (space- or comma-separated); nil for an unknown name.
    public static func parse(_ text: String) -> Set<OfficerRole>? {
        var roles: Set<OfficerRole> = []
        for name in text.split(whereSeparator: { $0 == " " || $0 == "," }) {
            guard let role = OfficerRole(rawValue: String(name)) else { return nil }
            roles.insert(role)
        }
        return roles
    }

    public static func text(_ roles: Set<OfficerRole>) -> String { roles.map(\.rawValue).sorted().joined(separator: " ") }
}
