import Fluent
import Foundation
import LicnaBasics
import LicnaCore
import LicnaPKI
import NIOConcurrencyHelpers
import SQLKit
import X509

/// The timestamp authority (RFC 3161). Serial numbers come from a database counter, so they are unique and
/// increase across restarts and across servers sharing the database; genTime is read after the serial is
/// drawn, so a later serial never carries an earlier time from the same server.
final class TimestampService: Sendable {
    private let responder = NIOLockedValueBox<TimeStampResponder?>(nil)
    let clock: any WallClock
    /// Timestamps per client over HTTP (`TrustConfiguration.timestampRequestsPerSecond`).
    let limiter: ClientRateLimiter

    init(clock: any WallClock, requestsPerSecond: Double) {
        self.clock = clock
        limiter = ClientRateLimiter(rate: requestsPerSecond)
    }

    func install(_ hierarchy: TrustHierarchy?) throws {
        var made: TimeStampResponder?
        if let hierarchy, let unit = hierarchy.timestamping, let institution = hierarchy.authorities[.institution] {
            made = try TimeStampResponder(
                certificate: unit.certificate, chain: [institution.certificate],
                signer: SoftwareSignatureProducer(privateKey: unit.privateKey),
                defaultPolicy: .licnaTimestampPolicy,
                accuracy: TSTAccuracy(seconds: 1))
        }
        responder.withLockedValue { $0 = made }
    }

    /// A TimeStampResp for the request bytes: granted, or a rejection with the right PKIFailureInfo.
    func respond(to body: [UInt8], on database: any Database) async -> [UInt8] {
        guard let responder = responder.withLockedValue({ $0 }) else {
            return (try? TimeStampResponder.rejection(.systemFailure, statusString: "the timestamp authority is not set up")) ?? []
        }
        let request: TimeStampRequest
        do {
            request = try TimeStampRequest(derEncoded: body)
            try responder.check(request)
        } catch {
            return (try? TimeStampResponder.rejection(PKIFailureInfo(error: error), statusString: "\(error)")) ?? []
        }
        do {
            let sql = database.sql
            typealias Counters = PKICountersTable
            guard let row = try await sql.raw("""
                UPDATE \(Counters.table) SET \(Counters.value) = \(Counters.value) + 1 WHERE \(Counters.id) = \(bind: Counters.timestampSerial) RETURNING \(Counters.value)
                """).first() else {
                return try TimeStampResponder.rejection(.systemFailure, statusString: "the timestamp serial counter is missing")
            }
            let serial = try row.decode(column: PKICountersTable.value.name, as: Int64.self)
            return try await responder.response(for: request, serialNumber: UInt64(serial), genTime: clock.now)
        } catch {
            return (try? TimeStampResponder.rejection(.timeNotAvailable, statusString: "the timestamp authority could not answer; try again")) ?? []
        }
    }
}
