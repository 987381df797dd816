import Foundation
import LicnaCore

/// What is to be written to the audit trail: the chain fields (sequence, hashes) are added by `AuditLog`.
public struct AuditEvent: Sendable, Hashable {
    public var actor: String
    public var purpose: AuditPurpose
    public var action: AuditAction
    public var objectType: AuditObjectType
    public var objectID: String?
    public var detail: String?

    public init(actor: String, purpose: AuditPurpose, action: AuditAction, objectType: AuditObjectType, objectID: String? = nil,
                detail: String? = nil) {
        self.actor = actor
        self.purpose = purpose
        self.action = action
        self.objectType = objectType
        self.objectID = objectID
        self.detail = detail
    }
}

/// Who is acting and why; passed down from the command line or the HTTP request to every service call.
public struct AuditContext: Sendable, Hashable {
    public var actor: String
    public var purpose: AuditPurpose
    public init(actor: String, purpose: AuditPurpose) {
        self.actor = actor
        self.purpose = purpose
    }

    func event(_ action: AuditAction, _ objectType: AuditObjectType, _ objectID: String? = nil, detail: String? = nil) -> AuditEvent {
        AuditEvent(actor: actor, purpose: purpose, action: action, objectType: objectType, objectID: objectID, detail: detail)
    }
}
