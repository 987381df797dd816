import Crypto
import Foundation
import LicnaBasics
import LicnaCore
import Vapor

/// `licna serve --demo`: when the installation has no CA hierarchy, a development one (every CA name says TEST,
/// as `licna ca init --dev` makes), so that a newcomer's first command shows signature validation, OCSP, CRLs,
/// timestamps and the e-seal working, not "this server has no certification authority yet".
///
/// Its root passphrase is random and kept nowhere: the root, which signs only CA certificates and its own CRL,
/// cannot be used again, which suits a demonstration. An installation that already has a hierarchy is left as it
/// is; two servers starting at once create one hierarchy (the second finds it).
public enum DemoHierarchy {
    /// Creates the development hierarchy if there is none; true when it did.
    public static func ensure(_ app: Application, publicURL: String) async throws -> Bool {
        let trust = app.licna.trust
        guard try await TrustHierarchy.load(on: app.db, vault: trust.vault) == nil else { return false }
        var setup = TrustSetup(country: "ME", organization: "Licna demo", publicURL: publicURL,
                               rootPassphrase: SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }.hexString)
        setup.development = true
        // The e-seal of the documents the demo portal issues names the institution by a registration identifier
        // (ETSI EN 319 412-1 §5.1.4); this one is made up.
        setup.organizationIdentifier = "NTRME-0000000"
        do {
            try await trust.authority(on: app.db).initialize(setup, context: AuditContext(actor: "demo", purpose: .caInit))
        } catch let error as TrustError where error.code == TrustError.alreadyInitialized.code {
            return false
        }
        try await trust.reload(on: app.db)
        return true
    }
}
