import Crypto
import Fluent
import Foundation
import LicnaPKI
import SQLKit
import SwiftASN1
import Vapor
import X509

/// The CA certificates and the online keys of an installation's hierarchy, as loaded from the database.
/// The root's key is never loaded here: it needs its passphrase (`CertificateAuthorityService.unlockRoot`).
struct TrustHierarchy: Sendable {
    struct Authority: Sendable {
        let name: AuthorityName
        let certificate: Certificate
        let der: [UInt8]
        /// The signing key, for every CA but the root.
        let signer: SigningAuthority?
        /// The sealed key as stored (the root's is passphrase-protected inside).
        let sealedKey: [UInt8]
    }

    let authorities: [AuthorityName: Authority]
    /// Delegated OCSP responders, by the CA they answer for.
    let responders: [AuthorityName: SigningAuthority]
    let timestamping: SigningAuthority?
    let documentSigner: SigningAuthority?
    /// The institution's e-seal for the documents the state issues (made at its first use).
    let eSeal: SigningAuthority?
    /// `max(updated_at)` of the signing keys when loaded; a change means another process renewed one.
    let keysVersion: Int64

    func authority(_ name: AuthorityName) throws -> Authority {
        guard let authority = authorities[name] else { throw TrustError.notInitialized }
        return authority
    }

    /// The citizen CAs, newest generation first: the first issues, all answer OCSP and publish CRLs.
    var citizenGenerations: [AuthorityName] {
        authorities.keys.filter(\.isCitizen).sorted { $0.generation > $1.generation }
    }

    /// The citizen CA that issues now: the newest generation (`licna ca rollover`).
    var currentCitizen: AuthorityName { citizenGenerations.first ?? .citizen }

    /// The online CAs that publish CRLs at `time`: every citizen CA generation until its own end (none of its
    /// certificates outlives it), the institution CA and the CSCA.
    func publishingCRLs(at time: Date) -> [AuthorityName] {
        citizenGenerations.reversed().filter { authorities[$0].map { $0.certificate.notValidAfter > time } ?? false } + [.institution, .csca]
    }

    /// The CA whose certificate issued `certificate`, if it is one of this hierarchy's.
    func issuer(of certificate: Certificate) -> Authority? {
        authorities.values.first { $0.certificate.subject == certificate.issuer && $0.certificate.publicKey.isValidSignature(certificate.signature, for: certificate) }
    }

    /// Loads the hierarchy; nil when `licna ca init` has not been run. Opening the sealed keys (AES-GCM, then each
    /// private key parsed and its public key derived) costs more than reading the rows, and every issuance needs the
    /// hierarchy: a hierarchy opened from exactly these rows under this master key is kept (`TrustHierarchyCache`),
    /// and any change of a row — a renewed responder, a rollover, a restore — opens it afresh.
    static func load(on database: any Database, vault: TrustKeyVault) async throws -> TrustHierarchy? {
        let sql = database.sql
        let rows = try await sql.select().columns(PKIAuthoritiesTable.id, PKIAuthoritiesTable.certificate, PKIAuthoritiesTable.sealedKey)
            .from(PKIAuthoritiesTable.table).all()
        guard !rows.isEmpty else { return nil }
        typealias Keys = PKISigningKeysTable
        let keys = try await sql.select().columns(Keys.id, Keys.purpose, Keys.authorityID, Keys.certificate, Keys.sealedKey, Keys.updatedAt)
            .from(Keys.table).all()
        struct AuthorityRow { let id: String; let der: [UInt8]; let sealed: [UInt8] }
        struct KeyRow { let id: String; let purpose: String; let authority: String; let der: [UInt8]; let sealed: [UInt8]; let updatedAt: Int64 }
        let authorityRows = try rows.map { row in
            AuthorityRow(id: try row.decode(column: PKIAuthoritiesTable.id.name, as: String.self),
                         der: [UInt8](try row.decode(column: PKIAuthoritiesTable.certificate.name, as: Data.self)),
                         sealed: [UInt8](try row.decode(column: PKIAuthoritiesTable.sealedKey.name, as: Data.self)))
        }
        let keyRows = try keys.map { row in
            KeyRow(id: try row.decode(column: Keys.id.name, as: String.self), purpose: try row.decode(column: Keys.purpose.name, as: String.self),
                   authority: try row.decode(column: Keys.authorityID.name, as: String.self),
                   der: [UInt8](try row.decode(column: Keys.certificate.name, as: Data.self)),
                   sealed: [UInt8](try row.decode(column: Keys.sealedKey.name, as: Data.self)),
                   updatedAt: try row.decode(column: Keys.updatedAt.name, as: Int64.self))
        }
        var digest = SHA256()
        digest.update(data: vault.cacheIdentity)
        func add(_ field: some Collection<UInt8>) {
            withUnsafeBytes(of: UInt64(field.count).bigEndian) { digest.update(bufferPointer: $0) }
            digest.update(data: Array(field))
        }
        for row in authorityRows { add(Array(row.id.utf8)); add(row.der); add(row.sealed) }
        for row in keyRows {
            add(Array(row.id.utf8)); add(Array(row.purpose.utf8)); add(Array(row.authority.utf8)); add(row.der); add(row.sealed)
            add(Array(String(row.updatedAt).utf8))
        }
        let fingerprint = Array(digest.finalize())
        if let cached = TrustHierarchyCache.shared.hierarchy(for: fingerprint) { return cached }

        var authorities: [AuthorityName: Authority] = [:]
        for row in authorityRows {
            guard let name = AuthorityName(rawValue: row.id) else { continue }
            let certificate = try Certificate(derEncoded: row.der)
            let signer = name == .root ? nil : SigningAuthority(certificate: certificate, privateKey: try vault.open(row.sealed, at: .authority(name.rawValue)))
            authorities[name] = Authority(name: name, certificate: certificate, der: row.der, signer: signer, sealedKey: row.sealed)
        }
        var responders: [AuthorityName: SigningAuthority] = [:]
        var timestamping: SigningAuthority?
        var documentSigner: SigningAuthority?
        var eSeal: SigningAuthority?
        var version: Int64 = 0
        for row in keyRows {
            let key = SigningAuthority(certificate: try Certificate(derEncoded: row.der), privateKey: try vault.open(row.sealed, at: .signingKey(row.id)))
            version = max(version, row.updatedAt)
            switch row.purpose {
            case CertificateProfile.ocspResponder.rawValue:
                if let name = AuthorityName(rawValue: row.authority) { responders[name] = key }
            case CertificateProfile.timestamping.rawValue: timestamping = key
            case CertificateProfile.documentSigner.rawValue: documentSigner = key
            case CertificateProfile.eSeal.rawValue: eSeal = key
            default: break
            }
        }
        let hierarchy = TrustHierarchy(authorities: authorities, responders: responders, timestamping: timestamping,
                                       documentSigner: documentSigner, eSeal: eSeal, keysVersion: version)
        TrustHierarchyCache.shared.keep(hierarchy, for: fingerprint)
        return hierarchy
    }

    /// Every online key belongs to its certificate, and every CA certificate is signed by the root (the CSCA by
    /// itself): a row changed behind the server's back — a swapped key, a replaced CA certificate — stops it here,
    /// at start, when the keys are reloaded and after a restore, instead of signing under a name that is not its own.
    /// (A key sealed for another row already fails to open in `load`.)
    func verifyIntegrity() throws {
        func check(_ key: SigningAuthority, _ what: String) throws {
            guard key.privateKey.publicKey == key.certificate.publicKey else {
                throw TrustError.keyMismatch("the private key of \(what) does not belong to its certificate")
            }
        }
        for (name, authority) in authorities {
            if let signer = authority.signer { try check(signer, "the \(name.rawValue) CA") }
        }
        for (name, responder) in responders { try check(responder, "the \(name.rawValue) OCSP responder") }
        if let timestamping { try check(timestamping, "the timestamp authority") }
        if let documentSigner { try check(documentSigner, "the document signer") }
        if let eSeal { try check(eSeal, "the e-seal") }
        guard let root = authorities[.root] else { return }
        guard root.certificate.isSelfSigned else {
            throw TrustError.keyMismatch("the root certificate is not self-signed")
        }
        for name in citizenGenerations + [.institution] {
            guard let ca = authorities[name] else { continue }
            guard ca.certificate.isIssued(by: root.certificate) else {
                throw TrustError.keyMismatch("the \(name.rawValue) CA certificate is not signed by the stored root")
            }
        }
    }

    static func keysVersion(on database: any Database) async throws -> Int64 {
        let sql = database.sql
        let row = try await sql.raw("SELECT MAX(\(PKISigningKeysTable.updatedAt)) AS version FROM \(PKISigningKeysTable.table)").first()
        return (try? row?.decode(column: "version", as: Int64?.self)) ?? 0
    }
}

/// Hierarchies opened from their rows, by a SHA-256 of the master key's identity and every row's bytes: the same
/// rows under the same key open to the same keys, so the work is done once per change. A handful are kept (tests
/// run several installations in one process).
final class TrustHierarchyCache: @unchecked Sendable {
    static let shared = TrustHierarchyCache()
    private let lock = NSLock()
    private var entries: [(fingerprint: [UInt8], hierarchy: TrustHierarchy)] = []
    private static let capacity = 8

    func hierarchy(for fingerprint: [UInt8]) -> TrustHierarchy? {
        lock.withLock { entries.first { $0.fingerprint == fingerprint }?.hierarchy }
    }

    func keep(_ hierarchy: TrustHierarchy, for fingerprint: [UInt8]) {
        lock.withLock {
            entries.removeAll { $0.fingerprint == fingerprint }
            entries.insert((fingerprint, hierarchy), at: 0)
            if entries.count > Self.capacity { entries.removeLast() }
        }
    }
}
