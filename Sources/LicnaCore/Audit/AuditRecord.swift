import Crypto
import Foundation
import LicnaBasics

/// One entry of the audit trail: who did what to which object, why and when, chained to the entry before it.
///
/// Each entry stores the hash of the previous one and its own hash over its fields and that previous hash, so that
/// altering, inserting or deleting an entry breaks the chain at that point (a hash chain, as in RFC 6962's log
/// without the tree). The fields never hold personal numbers: objects are named by their internal identifiers.
public struct AuditRecord: Hashable, Sendable, Codable {
    /// Position in the chain, from 1, without gaps.
    public var sequence: Int
    /// When it happened.
    public var time: Date
    /// Who: `officer:<name>`, `admin-token`, `cli:<user>`, `system`.
    public var actor: String
    /// Why, in the actor's words or a named purpose (`AuditPurpose`: `registry-import`, `officer-search`…).
    public var purpose: String
    /// What: an `AuditAction`'s raw value (`person.read`, `person.create`, `registry.export`…), kept as text so that
    /// entries of a newer version still read and hash (`knownAction`).
    public var action: String
    /// The kind of object touched: an `AuditObjectType`'s raw value (`person`, `registry`, `certificate`…).
    public var objectType: String
    /// The touched object's internal identifier, if any.
    public var objectID: String?
    /// Extra detail, never a personal number.
    public var detail: String?
    /// The hash of the previous entry (64 hexadecimal zeros for the first).
    public var previousHash: String
    /// This entry's hash.
    public var hash: String

    public static let genesisHash = String(repeating: "0", count: 64)

    /// The action as Licna names it, or nil for one this version does not know (a newer version's).
    public var knownAction: AuditAction? { AuditAction(rawValue: action) }
    /// The kind of object as Licna names it, or nil for one this version does not know.
    public var knownObjectType: AuditObjectType? { AuditObjectType(rawValue: objectType) }
    /// The purpose (a named one or one stated by the person acting).
    public var statedPurpose: AuditPurpose { AuditPurpose(rawValue: purpose) }

    /// Makes the entry that follows `previous` (or the first one), computing its hash.
    public init(after previous: (sequence: Int, hash: String)?, time: Date, actor: String, purpose: String,
                action: String, objectType: String, objectID: String?, detail: String? = nil) {
        self.sequence = (previous?.sequence ?? 0) + 1
        self.time = Self.truncatedToMilliseconds(time)
        self.actor = actor
        self.purpose = purpose
        self.action = action
        self.objectType = objectType
        self.objectID = objectID
        self.detail = detail
        self.previousHash = previous?.hash ?? Self.genesisHash
        self.hash = ""
        self.hash = computedHash()
    }

    /// Stored times keep milliseconds, so the hash is computed over milliseconds.
    public static func truncatedToMilliseconds(_ date: Date) -> Date {
        Date(timeIntervalSince1970: (date.timeIntervalSince1970 * 1000).rounded(.down) / 1000)
    }

    /// The hash over every field but `hash`: SHA-256 of the fields, each length-prefixed.
    public func computedHash() -> String {
        var hasher = SHA256()
        func add(_ text: String?) {
            guard let text else { hasher.update(data: [0xff, 0xff, 0xff, 0xff]); return }
            let bytes = Array(text.utf8)
            let length = UInt32(bytes.count)
            hasher.update(data: [UInt8(length >> 24), UInt8(length >> 16 & 0xff), UInt8(length >> 8 & 0xff), UInt8(length & 0xff)])
            hasher.update(data: bytes)
        }
        add("licna.audit.v1")
        add(String(sequence))
        add(String(Int64((time.timeIntervalSince1970 * 1000).rounded(.down))))
        add(actor)
        add(purpose)
        add(action)
        add(objectType)
        add(objectID)
        add(detail)
        add(previousHash)
        return hasher.finalize().hexString
    }
}
