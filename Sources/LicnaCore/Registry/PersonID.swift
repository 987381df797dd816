import Foundation
import Tagged

/// A person's internal identifier in the registry: a time-ordered UUID (`TimeOrderedUUID`), never a personal number.
/// The audit trail names persons by it. Stored and sent as the bare UUID (Tagged encodes its raw value).
public typealias PersonID = Tagged<PersonRecord, UUID>
