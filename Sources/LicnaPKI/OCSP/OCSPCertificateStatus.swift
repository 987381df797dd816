import Foundation

/// RFC 6960 §4.2.1 `CertStatus`. A certificate on hold is `revoked` with reason `certificateHold` (§2.2).
public enum OCSPCertificateStatus: Hashable, Sendable {
    case good
    case revoked(time: Date, reason: RevocationReason?)
    case unknown
}

/// One answer in a response: the CertID as asked, its status and the validity interval (§4.2.2.1).
public struct OCSPSingleAnswer: Sendable {
    public var certID: OCSPCertID
    public var status: OCSPCertificateStatus
    public var thisUpdate: Date
    public var nextUpdate: Date?

    public init(certID: OCSPCertID, status: OCSPCertificateStatus, thisUpdate: Date, nextUpdate: Date?) {
        self.certID = certID
        self.status = status
        self.thisUpdate = thisUpdate
        self.nextUpdate = nextUpdate
    }
}
