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

    /// Loads the hierarchy; nil when `licna ca init` has not been run.
    static func load(on database: any Database, vault: TrustKeyVault) async throws -> TrustHierarchy? {
        let sql = database.sql
        let rows = try await sql.select().columns(PKIAuthoritiesTable.id, PKIAuthoritiesTable.certificate, PKIAuthoritiesTable.sealedKey)
            .from(PKIAuthoritiesTable.table).all()
        guard !rows.isEmpty else { return nil }
        var authorities: [AuthorityName: Authority] = [:]
        for row in rows {
            guard let name = AuthorityName(rawValue: try row.decode(column: PKIAuthoritiesTable.id.name, as: String.self)) else { continue }
            let der = [UInt8](try row.decode(column: PKIAuthoritiesTable.certificate.name, as: Data.self))
            let certificate = try Certificate(derEncoded: der)
            let sealed = [UInt8](try row.decode(column: PKIAuthoritiesTable.sealedKey.name, as: Data.self))
            let signer = name == .root ? nil : SigningAuthority(certificate: certificate, privateKey: try vault.open(sealed, at: .authority(name.rawValue)))
            authorities[name] = Authority(name: name, certificate: certificate, der: der, signer: signer, sealedKey: sealed)
        }
        var responders: [AuthorityName: SigningAuthority] = [:]
        var timestamping: SigningAuthority?
        var documentSigner: SigningAuthority?
        var eSeal: SigningAuthority?
        var version: Int64 = 0
        typealias Keys = PKISigningKeysTable
        let keys = try await sql.select().columns(Keys.id, Keys.purpose, Keys.authorityID, Keys.certificate, Keys.sealedKey, Keys.updatedAt)
            .from(Keys.table).all()
        for row in keys {
            let key = SigningAuthority(
                certificate: try Certificate(derEncoded: [UInt8](try row.decode(column: Keys.certificate.name, as: Data.self))),
                privateKey: try vault.open([UInt8](try row.decode(column: Keys.sealedKey.name, as: Data.self)),
                                           at: .signingKey(try row.decode(column: Keys.id.name, as: String.self))))
            version = max(version, try row.decode(column: Keys.updatedAt.name, as: Int64.self))
            switch try row.decode(column: Keys.purpose.name, as: String.self) {
            case CertificateProfile.ocspResponder.rawValue:
                if let name = AuthorityName(rawValue: try row.decode(column: Keys.authorityID.name, as: String.self)) { responders[name] = key }
            case CertificateProfile.timestamping.rawValue: timestamping = key
            case CertificateProfile.documentSigner.rawValue: documentSigner = key
            case CertificateProfile.eSeal.rawValue: eSeal = key
            default: break
            }
        }
        return TrustHierarchy(authorities: authorities, responders: responders, timestamping: timestamping,
                              documentSigner: documentSigner, eSeal: eSeal, keysVersion: version)
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
