import Foundation
import X509

/// Where an OCSP responder learns what it answers (RFC 6960 §2.2): "what is the status of serial S, issued by CA I,
/// at time T". The responder owns parsing, signing and caching; a store only knows certificates and their status,
/// so the same responder can sit on an SQL table, a CA's index file or a test's dictionary.
public protocol OCSPStatusStore: Sendable {
    /// The statuses of `serials`, all issued by the CA the responder calls `issuer`, as they stand at `time` (the
    /// answer's `thisUpdate`). A serial the CA never issued is absent from the result; the responder answers it
    /// `unknown` (§2.2). A certificate on hold is `revoked` with reason `certificateHold`. Throws when the store
    /// cannot answer; the responder then answers `internalError` (§2.3), never `good`.
    func statuses(of serials: [Certificate.SerialNumber], issuer: String, at time: Date) async throws
        -> [Certificate.SerialNumber: OCSPCertificateStatus]
}
