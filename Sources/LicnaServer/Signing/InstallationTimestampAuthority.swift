import FluentKit
import LicnaDocuments
import LicnaPKI

/// This installation's own TSA, called in process (no HTTP round trip) for the e-seal's signature timestamps.
public struct InstallationTimestampAuthority: TimestampAuthority {
    let trust: TrustServices
    let database: any Database

    public init(trust: TrustServices, database: any Database) {
        self.trust = trust
        self.database = database
    }

    public func timestamp(_ imprint: MessageImprint, nonce: [UInt8]) async throws -> TimeStampToken {
        let request = try TimeStampRequest(messageImprint: imprint, nonce: nonce, certificateRequested: true).derBytes()
        return try TimeStampToken(responseDER: await trust.timestamp(request, on: database))
    }
}
