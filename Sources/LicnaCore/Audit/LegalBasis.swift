/// The legal basis an officer gives for reading a person's record: one of the installation's configured list,
/// optionally followed by `: ` and a reference (a case number). Every officer read names one (issue 14, item 4; GDPR
/// art. 6(1)(c) and (e): processing for a legal obligation or a public task must say which), and the person sees it
/// in their data tracker.
public struct LegalBasis: Sendable, Hashable {
    /// The basis's id, e.g. `identity-document`.
    public let id: String
    /// A case number or other reference, if given (at most 100 characters).
    public let reference: String?

    /// The bases an installation starts with; `licna serve --legal-basis` replaces the list.
    public static let standard = [
        "citizen-request", "identity-document", "civil-status", "residence", "social-benefit", "tax", "court-order", "police",
        "audit", "data-correction",
    ]

    /// Reads `purpose` (`id` or `id: reference`) against `allowed`; nil when it names no allowed basis.
    public init?(purpose: String, allowed: [String]) {
        let trimmed = purpose.trimmingCharacters(in: .whitespacesAndNewlines)
        let parts = trimmed.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
        guard let first = parts.first, allowed.contains(first) else { return nil }
        id = first
        let reference = parts.count > 1 ? String(parts[1].prefix(100)) : ""
        guard !reference.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else { return nil }
        self.reference = reference.isEmpty ? nil : reference
    }

    /// As the audit trail records it.
    public var purpose: AuditPurpose { .stated(reference.map { "\(id): \($0)" } ?? id) }
}

import Foundation
