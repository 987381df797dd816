import Fluent
import Foundation
import LicnaBasics
import LicnaCore
import LicnaPKI
import SQLKit
import X509

/// The certificate authority of an installation: sets up the hierarchy, issues, revokes, holds and releases
/// certificates, and renews the delegated OCSP responders. Every change is one transaction with its audit entry.
public struct CertificateAuthorityService: Sendable {
    let database: any Database
    let vault: TrustKeyVault
    let audit: AuditLog
    let clock: any WallClock
    let configuration: TrustConfiguration

    init(database: any Database, vault: TrustKeyVault, audit: AuditLog, clock: any WallClock, configuration: TrustConfiguration) {
        self.database = database
        self.vault = vault
        self.audit = audit
        self.clock = clock
        self.configuration = configuration
    }

    var sql: any SQLDatabase { database.sql }

    /// The hierarchy as stored now; throws `notInitialized` before `licna ca init`.
    func hierarchy() async throws -> TrustHierarchy {
        guard let hierarchy = try await TrustHierarchy.load(on: database, vault: vault) else { throw TrustError.notInitialized }
        return hierarchy
    }

    /// The installation's settings, fixed at `ca init` and recorded later.
    func settings() async throws -> InstallationSettings {
        try await InstallationSettings.read(on: sql)
    }

    /// Every certificate's AIA and CRL addresses are built from the public URL fixed at `ca init`.
    func urls() async throws -> TrustURLs {
        let settings = try await settings()
        guard let publicURL = settings.publicURL else { throw TrustError.notInitialized }
        return TrustURLs(publicURL: publicURL, ocspURL: settings.ocspURL)
    }

    /// The country of the hierarchy (the root's C), which every subject must carry.
    func country() async throws -> String {
        guard let country = try await settings().country else { throw TrustError.notInitialized }
        return country
    }

    /// Opens the root's key with its passphrase (for CA certificates, the root CRL and the root's responder).
    func unlockRoot(passphrase: String, hierarchy: TrustHierarchy) throws -> SigningAuthority {
        let root = try hierarchy.authority(.root)
        do {
            let inner = try vault.openBytes(root.sealedKey, at: .authority(AuthorityName.root.rawValue))
            let key = try PassphraseProtectedKey(sealed: inner).open(passphrase: passphrase)
            return SigningAuthority(certificate: root.certificate, privateKey: key)
        } catch let error as PKIError where error.code == .wrongPassphrase {
            throw TrustError.wrongPassphrase()
        }
    }

    var now: Date { clock.now.wholeSeconds }
}
