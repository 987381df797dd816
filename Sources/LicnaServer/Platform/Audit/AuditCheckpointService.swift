import Crypto
import Fluent
import Foundation
import LicnaBasics
import LicnaCore
import LicnaPKI
import SQLKit
import X509

/// Writes and checks `AuditCheckpoint`s: the head of the chain, timestamped (and so signed) by the installation's own
/// TSA, kept in `audit_checkpoints` and served at `GET /audit/checkpoint` for anyone to copy elsewhere. Checking a set of
/// saved checkpoints proves that today's chain still extends each of them.
public struct AuditCheckpointService: Sendable {
    static let schema = AuditCheckpointsTable.table.name
    let trust: TrustServices
    let clock: any WallClock

    /// Takes a checkpoint of the current head and stores it.
    public func write(on database: any Database) async throws -> AuditCheckpoint {
        let authority = trust.authority(on: database)
        guard let origin = try await authority.settings().publicURL else { throw TrustError.notInitialized }
        guard let head = try await AuditHeadModel.find(1, on: database) else {
            throw AuditLogError.headMissing
        }
        var checkpoint = AuditCheckpoint(origin: origin, sequence: head.sequence, headHash: head.hash,
                                         time: AuditRecord.truncatedToMilliseconds(clock.now))
        var nonce = [UInt8](repeating: 0, count: 8)
        var generator = SystemRandomNumberGenerator()
        for index in nonce.indices { nonce[index] = UInt8.random(in: 1 ... 0x7F, using: &generator) }
        let token: TimeStampToken
        do {
            token = try await InstallationTimestampAuthority(trust: trust, database: database).timestamp(
                MessageImprint(hashAlgorithm: DigestAlgorithm.sha256.algorithmIdentifier, hashedMessage: checkpoint.bodyDigest), nonce: nonce)
        } catch {
            throw TrustError.timestampUnavailable("the TSA did not timestamp the checkpoint: \(error)")
        }
        _ = try token.verify(digest: checkpoint.bodyDigest, algorithm: .sha256, nonce: nonce)
        checkpoint.timestampToken = token.contentInfoDER
        try await database.sql.insert(into: AuditCheckpointsTable.table)
            .columns(AuditCheckpointsTable.table.columns)
            .values(SQLBind(Int64(checkpoint.sequence)), SQLBind(checkpoint.headHash),
                    SQLBind(Int64((checkpoint.time.timeIntervalSince1970 * 1000).rounded(.down))), SQLBind(checkpoint.text))
            .run()
        return checkpoint
    }

    /// The newest stored checkpoint, as text.
    public func latest(on database: any Database) async throws -> String? {
        typealias Checkpoints = AuditCheckpointsTable
        return try await database.sql.select().column(Checkpoints.checkpoint).from(Checkpoints.table)
            .orderBy(Checkpoints.timeMilliseconds, SQLDirection.descending).limit(1).first()?.decode(column: Checkpoints.checkpoint.name, as: String.self)
    }

    /// Why the chain does not extend a checkpoint, or nil when it does.
    public enum Finding: Sendable, Equatable {
        /// The token does not verify, is not over this body, or its TSA does not chain to the installation's root.
        case badSignature(String)
        /// The checkpoint is of another installation.
        case otherOrigin(String)
        /// The chain is shorter than the checkpoint: entries up to its sequence were removed.
        case truncated(have: Int)
        /// The entry at the checkpoint's sequence has another hash now: the chain was rewritten at or before it.
        case rewritten(now: String)
    }

    /// Checks one checkpoint against the chain in the database (whose own consistency `AuditLog.verify` checks).
    public func check(_ checkpoint: AuditCheckpoint, on database: any Database, rootSHA256: [UInt8]? = nil) async throws -> Finding? {
        let authority = trust.authority(on: database)
        let hierarchy = try await authority.hierarchy()
        let root = try hierarchy.authority(.root)
        if let rootSHA256, Array(SHA256.hash(data: root.der)) != rootSHA256 {
            return .badSignature("the installation's root is not the pinned one")
        }
        if let origin = try await authority.settings().publicURL, origin != checkpoint.origin {
            return .otherOrigin(checkpoint.origin)
        }
        do {
            let authorities = hierarchy.authorities.values.map(\.certificate)
            let verified = try TimeStampToken(tokenDER: checkpoint.timestampToken)
                .verify(digest: checkpoint.bodyDigest, algorithm: .sha256, additionalCertificates: authorities)
            // The TSA's certificate is issued by the root or by a CA the root issued (the institution CA).
            let tsa = verified.tsaCertificate
            guard tsa.isIssued(by: root.certificate)
                    || authorities.contains(where: { $0 != root.certificate && tsa.isIssued(by: $0) && $0.isIssued(by: root.certificate) }) else {
                return .badSignature("the timestamp authority does not chain to the installation's root")
            }
            guard abs(verified.genTime.timeIntervalSince(checkpoint.time)) < 600 else {
                return .badSignature("the timestamp's time is not the checkpoint's")
            }
        } catch {
            return .badSignature("\(error)")
        }
        let head = try await AuditHeadModel.find(1, on: database)?.sequence ?? 0
        guard head >= checkpoint.sequence else { return .truncated(have: head) }
        let hash = checkpoint.sequence == 0 ? AuditRecord.genesisHash
            : try await AuditEntryModel.find(checkpoint.sequence, on: database)?.hash
        guard let hash else { return .truncated(have: head) }
        return hash == checkpoint.headHash ? nil : .rewritten(now: hash)
    }
}

struct CreateAuditCheckpoints: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await AuditCheckpointsTable.table.create(on: database)
    }

    func revert(on database: any Database) async throws {
        try await AuditCheckpointsTable.table.delete(on: database)
    }
}
