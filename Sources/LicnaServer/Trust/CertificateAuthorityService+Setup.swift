import Crypto
import Fluent
import Foundation
import LicnaCore
import LicnaPKI
import SQLKit
import X509

/// What `licna ca init` is given.
public struct TrustSetup: Sendable {
    public var country: String
    public var organization: String
    public var publicURL: String
    public var rootPassphrase: String
    /// A dedicated OCSP address for AIA (default `<publicURL>/pki/ocsp`).
    public var ocspURL: String?
    /// scrypt cost of the root key's passphrase protection (2^15; tests lower it).
    public var rootKeyCostLog2: UInt8
    /// The institution's registration identifier for its e-seal (ETSI EN 319 412-1 §5.1.4), e.g. `NTRME-02012345`.
    public var organizationIdentifier: String?
    /// A development hierarchy (`ca init --dev`): every CA name says TEST, and it alone may certify cards whose PINs
    /// everyone knows (`card create --test-identity`).
    public var development = false

    public init(country: String, organization: String, publicURL: String, rootPassphrase: String, ocspURL: String? = nil,
                rootKeyCostLog2: UInt8 = 15) {
        self.ocspURL = ocspURL
        self.country = country
        self.organization = organization
        self.publicURL = publicURL
        self.rootPassphrase = rootPassphrase
        self.rootKeyCostLog2 = rootKeyCostLog2
    }
}

extension CertificateAuthorityService {
    /// The word every CA name of a development hierarchy carries.
    public static let developmentMarker = "TEST"

    /// True for a hierarchy made with `ca init --dev`: the only kind that may certify development cards.
    public func isDevelopmentHierarchy() async throws -> Bool {
        try await settings().development
    }

    /// True when a root certificate (fetched from a server) names a development hierarchy.
    public static func namesDevelopmentHierarchy(_ root: Certificate) -> Bool {
        root.subject.contains { rdn in
            rdn.contains { attribute in
                guard attribute.type == .RDNAttributeType.organizationName, let name = String(attribute.value) else { return false }
                return name == developmentMarker || name.hasSuffix(" " + developmentMarker)
            }
        }
    }

    /// Creates the hierarchy once: root (P-384, 20 years), citizen and institution CAs under it, a separate
    /// self-signed CSCA with its document signer (ICAO 9303-12 §5), a TSA unit certificate and a delegated OCSP
    /// responder for each online CA (citizen, institution, CSCA). The root, offline, publishes status by its CRL
    /// alone. Refuses when a hierarchy exists.
    public func initialize(_ setup: TrustSetup, context: AuditContext) async throws {
        guard setup.country.count == 2, setup.country.allSatisfy({ $0.isASCII && $0.isUppercase }) else {
            throw TrustError.invalidRequest("the country must be two capital letters (ISO 3166), e.g. ME")
        }
        guard let url = URL(string: setup.publicURL), ["http", "https"].contains(url.scheme ?? ""), url.host != nil else {
            throw TrustError.invalidRequest("the public URL must be an http(s) address, e.g. https://eid.example.me")
        }
        if let ocspURL = setup.ocspURL {
            guard let url = URL(string: ocspURL), ["http", "https"].contains(url.scheme ?? ""), url.host != nil else {
                throw TrustError.invalidRequest("the OCSP URL must be an http(s) address, e.g. http://ocsp.example.me")
            }
        }
        if try await TrustHierarchy.load(on: database, vault: vault) != nil { throw TrustError.alreadyInitialized }
        let urls = TrustURLs(publicURL: setup.publicURL, ocspURL: setup.ocspURL)
        let now = self.now
        // Key types and lifetimes: the hierarchy roles of LicnaPKI (root P-384 20 years, CAs P-384, services P-256).
        let hierarchy = CertificateHierarchyBuilder(now: now)
        // A development hierarchy says so in every CA's name, where any relying party sees it.
        var marked = setup
        if marked.development, !marked.organization.contains(Self.developmentMarker) {
            marked.organization += " " + Self.developmentMarker
        }
        let setup = marked
        func name(_ commonName: String) throws -> DistinguishedName {
            try DistinguishedName {
                CountryName(setup.country)
                OrganizationName(setup.organization)
                CommonName(commonName)
            }
        }

        let root = try hierarchy.selfSigned(.root, subject: try name("\(setup.organization) Root CA"))
        let (rootCertificate, rootKey) = (root.certificate, root.privateKey)

        var issued: [(AuthorityName, CertificateProfile, Certificate, Int)] = []  // certificates the root and CSCA issue
        var authorities: [(AuthorityName, CertificateProfile, SigningAuthority)] = [(.root, .rootCA, root)]
        // The root key signs only CA certificates and its own CRL (ARCHITECTURE.md): CA certificates carry no OCSP
        // address, their status is the root's CRL.
        let underRoot = TrustServiceLocations(ocsp: nil, caIssuers: urls.caIssuers(.root), crl: urls.crl(.root, partition: 0))
        for (authorityName, commonName) in [(AuthorityName.citizen, "Citizen CA"), (.institution, "Institution CA")] {
            let authority = try hierarchy.issue(.issuingCA, subject: try name("\(setup.organization) \(commonName)"), under: root,
                                                locations: underRoot)
            authorities.append((authorityName, .issuingCA, authority))
            issued.append((.root, .issuingCA, authority.certificate, 0))
        }
        let csca = try hierarchy.selfSigned(.csca, subject: try name("\(setup.organization) CSCA"))
        authorities.append((.csca, .csca, csca))

        // End-entity keys of the services themselves.
        var signingKeys: [(id: String, authority: AuthorityName, profile: CertificateProfile, key: SigningAuthority)] = []
        guard let institution = authorities.first(where: { $0.0 == .institution })?.2 else { throw TrustError.issueFailed() }
        let tsa = try hierarchy.issue(
            .timestamping, subject: try name("\(setup.organization) Timestamp Authority"), under: institution,
            locations: .init(ocsp: urls.ocsp, caIssuers: urls.caIssuers(.institution), crl: urls.crl(.institution, partition: 0)))
        signingKeys.append(("timestamping", .institution, .timestamping, tsa))
        issued.append((.institution, .timestamping, tsa.certificate, 0))
        let documentSigner = try hierarchy.issue(
            .documentSigner, subject: try name("\(setup.organization) Document Signer"), under: csca,
            locations: .init(ocsp: urls.ocsp, caIssuers: urls.caIssuers(.csca), crl: urls.crl(.csca, partition: 0)))
        signingKeys.append(("document-signer", .csca, .documentSigner, documentSigner))
        issued.append((.csca, .documentSigner, documentSigner.certificate, 0))
        for (authorityName, _, authority) in authorities where authorityName != .root {
            let responder = try makeResponder(for: authorityName, authority: authority, organization: setup.organization, now: now)
            signingKeys.append(("responder-\(authorityName.rawValue)", authorityName, .ocspResponder, responder))
            issued.append((authorityName, .ocspResponder, responder.certificate, 0))
        }

        let (authorityList, keyList, issuedList) = (authorities, signingKeys, issued)
        let protectedRoot = try PassphraseProtectedKey(sealing: rootKey, passphrase: setup.rootPassphrase, costLog2: setup.rootKeyCostLog2)
        try await database.retryingTransaction { db in
            let sql = db.sql
            var settings = InstallationSettings()
            settings.publicURL = urls.base
            settings.country = setup.country
            settings.organization = setup.organization
            settings.ocspURL = setup.ocspURL
            settings.organizationIdentifier = setup.organizationIdentifier
            settings.development = setup.development
            settings.keySealing = TrustKeyVault.currentSealing
            try await settings.insert(on: sql)
            for (authorityName, profile, authority) in authorityList {
                let location = SealedKeyLocation.authority(authorityName.rawValue)
                let sealed = authorityName == .root ? try vault.seal(bytes: protectedRoot.sealed, at: location)
                    : try vault.seal(authority.privateKey, at: location)
                // The TSA certificate is the institution CA's first issued certificate (partition 0).
                let issuedCount: Int64 = authorityName == .institution ? 1 : 0
                typealias Authorities = PKIAuthoritiesTable
                try await sql.insert(into: Authorities.table)
                    .columns(Authorities.id, Authorities.profile, Authorities.certificate, Authorities.sealedKey, Authorities.keyProtection,
                             Authorities.issuedCount, Authorities.crlNumber, Authorities.createdAt)
                    .values(SQLBind(authorityName.rawValue), SQLBind(profile.rawValue), SQLBind(Data(try DEREncoding.encode(authority.certificate))),
                            SQLBind(Data(sealed)), SQLBind(authorityName == .root ? "passphrase+master" : "master"),
                            SQLBind(issuedCount), SQLBind(Int64(0)), SQLBind(Int64(now.timeIntervalSince1970)))
                    .run()
            }
            for entry in keyList {
                try await insertSigningKey(id: entry.id, authority: entry.authority, profile: entry.profile, key: entry.key, now: now, on: sql)
            }
            for (authorityName, profile, certificate, partition) in issuedList {
                try await CertificateRecord.insert(certificate, authority: authorityName, profile: profile, partition: partition, issuedAt: now, on: sql)
            }
            try await audit.append([context.event(.caInit, .certificateAuthority, AuthorityName.root.rawValue,
                                                  detail: "root \(rootCertificate.serialNumber.hex)")], on: db)
        }
        let publisher = CRLPublisher(authorityService: self)
        try await publisher.publishAll(root: root)
    }

    func makeResponder(for name: AuthorityName, authority: SigningAuthority, organization: String, now: Date) throws -> SigningAuthority {
        let notAfter = min(now + configuration.responderValidity, authority.certificate.notValidAfter)
        return try CertificateHierarchyBuilder(now: now).issue(
            .ocspResponder,
            subject: try DistinguishedName {
                CountryName(authority.certificate.subject.countryName ?? "ME")
                OrganizationName(organization)
                CommonName("\(organization) OCSP Responder (\(name.rawValue))")
            },
            under: authority, notAfter: notAfter)
    }

    func insertSigningKey(id: String, authority: AuthorityName, profile: CertificateProfile, key: SigningAuthority, now: Date,
                          on sql: any SQLDatabase) async throws {
        typealias Keys = PKISigningKeysTable
        try await sql.insert(into: Keys.table)
            .columns(Keys.id, Keys.authorityID, Keys.purpose, Keys.certificate, Keys.sealedKey, Keys.notAfter, Keys.updatedAt)
            .values(SQLBind(id), SQLBind(authority.rawValue), SQLBind(profile.rawValue), SQLBind(Data(try DEREncoding.encode(key.certificate))),
                    SQLBind(Data(try vault.seal(key.privateKey, at: .signingKey(id)))), SQLBind(Int64(key.certificate.notValidAfter.timeIntervalSince1970)),
                    SQLBind(Int64(now.timeIntervalSince1970)))
            .run()
    }
}

extension DistinguishedName {
    var countryName: String? {
        for rdn in self { for attribute in rdn where attribute.type == .RDNAttributeType.countryName { return String(attribute.value) } }
        return nil
    }
}
