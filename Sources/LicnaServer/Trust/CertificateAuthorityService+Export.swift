import Crypto
import Foundation
import LicnaBasics
import LicnaPKI
import X509

/// What `licna ca export --what` prints.
public enum CAExport: String, Sendable {
    /// The root certificate: the trust anchor relying parties install.
    case root
    /// The country signing CA: the trust anchor of the chip's security object (ICAO 9303-12).
    case csca
    /// Every CA certificate below the root (citizen CA, institution CA), for `openssl verify -untrusted`.
    case chain
    /// The installation's development root for virtual cards' key attestations (made on first use): the anchor
    /// for `openssl verify` of a virtual card's attestation; never a QSCD root outside `--dev`.
    case virtualCardRoot = "virtual-card-root"
}

extension CertificateAuthorityService {
    public func export(_ what: CAExport) async throws -> String {
        if what == .virtualCardRoot { return try await developmentCardManufacturer().root.certificate.serializeAsPEM().pemString + "\n" }
        let hierarchy = try await hierarchy()
        let names: [AuthorityName] = switch what {
        case .root: [.root]
        case .csca: [.csca]
        case .chain: hierarchy.citizenGenerations + [.institution]
        case .virtualCardRoot: []
        }
        var pem = ""
        for name in names { pem += try hierarchy.authority(name).certificate.serializeAsPEM().pemString + "\n" }
        return pem
    }

    /// `root-sha256 <hex>` and `csca-sha256 <hex>`: fingerprints to publish out of band.
    public func exportFingerprints() async throws -> [String] {
        let hierarchy = try await hierarchy()
        return try [AuthorityName.root, .csca].map { name in
            "\(name.rawValue)-sha256 " + SHA256.hash(data: try hierarchy.authority(name).der).hexString
        }
    }

    /// Produces every CRL now (the root's too with its passphrase), renews due responders, and reports each CRL
    /// as `<file> entries=<n> next-update=<ISO 8601>`.
    public func produceCRLs(rootPassphrase: String?) async throws -> [String] {
        let hierarchy = try await hierarchy()
        let root = try rootPassphrase.map { try unlockRoot(passphrase: $0, hierarchy: hierarchy) }
        let publisher = CRLPublisher(authorityService: self)
        try await publisher.publishAll(root: root)
        try await renewResponders()
        let formatter = ISO8601DateFormatter()
        return try await publisher.list().map { "\($0.name) entries=\($0.entries) next-update=\(formatter.string(from: $0.nextUpdate))" }
    }
}

extension CertificateAuthorityService {
    /// The public URL the hierarchy was set up with (nil before `ca init`).
    public func publicURL() async throws -> String? {
        try await settings().publicURL
    }
}

extension CertificateAuthorityService {
    /// One CA's certificate in DER, read without opening any key (for `/pki/ca/NAME.cer`).
    func certificateDER(of name: AuthorityName) async throws -> [UInt8] {
        typealias Authorities = PKIAuthoritiesTable
        guard let row = try await sql.select().column(Authorities.certificate).from(Authorities.table)
            .where(Authorities.id, .equal, name.rawValue).first() else {
            throw TrustError.notInitialized
        }
        return [UInt8](try row.decode(column: Authorities.certificate.name, as: Data.self))
    }
}
