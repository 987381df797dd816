import Fluent
import Foundation
import LicnaBasics
import LicnaCore
import LicnaPKI
import SQLKit
import X509

/// What an operator or the card-issuance flow asks for.
public struct CertificateRequest: Sendable {
    public var profile: CertificateProfile
    /// The subject to certify (the CSR's, or for an attested key the name it is renewed under).
    public var subject: DistinguishedName
    /// The key to certify.
    public var publicKey: Certificate.PublicKey
    /// Proof of possession: the CSR, signed with the key; nil for a key the card attested (`attestedKey`), whose
    /// attestation is then the proof.
    public var csr: CertificateSigningRequest?
    public var notAfter: Date?
    /// The latest end the caller accepts: the certificate ends then, or earlier at the CA's end or the card policy's
    /// period (a card's personalization: never past the card). `notAfter`, when given, wins.
    public var latestNotAfter: Date?
    /// The card model the caller says the key lives on. Only a claim: it is still read (older clients send it) but
    /// never decides QcSSCD; `attestation` does.
    public var cardModel: String?
    /// The card's proof that it generated the key: QcSSCD is stated for a signature certificate only when it
    /// verifies for a certified model (`TrustConfiguration.qscdModels`) and attests the CSR's key.
    public var attestation: KeyAttestation?
    /// Issue the certificate on hold (certificateHold from its first second): a card's certificates until the holder
    /// activates the card with the envelope's PIN.
    public var onHold = false

    public init(profile: CertificateProfile, csr: CertificateSigningRequest, notAfter: Date? = nil, latestNotAfter: Date? = nil,
                cardModel: String? = nil, attestation: KeyAttestation? = nil, onHold: Bool = false) {
        self.onHold = onHold
        self.profile = profile
        self.csr = csr
        self.subject = csr.subject
        self.publicKey = csr.publicKey
        self.notAfter = notAfter
        self.latestNotAfter = latestNotAfter
        self.cardModel = cardModel
        self.attestation = attestation
    }

    /// A request for a key generated on a card, whose attestation proves possession (a renewal, where the card
    /// signs nothing before its certificates exist): `issue` checks that the attestation chains to the roots of the
    /// model it names and attests this key.
    public init(profile: CertificateProfile, subject: DistinguishedName, attestedKey attestation: KeyAttestation, latestNotAfter: Date?,
                onHold: Bool) {
        self.profile = profile
        self.subject = subject
        self.publicKey = attestation.publicKey
        self.csr = nil
        self.latestNotAfter = latestNotAfter
        self.attestation = attestation
        self.onHold = onHold
    }

    /// Reads a CSR in PEM or DER.
    public static func parseCSR(_ bytes: [UInt8]) throws -> CertificateSigningRequest {
        if let text = String(bytes: bytes, encoding: .utf8), text.contains("-----BEGIN") {
            return try CertificateSigningRequest(pemEncoded: text)
        }
        return try CertificateSigningRequest(derEncoded: bytes)
    }
}

extension CertificateAuthorityService {
    /// Issues a certificate of a requestable profile from a CSR. The subject must meet the profile's rules; the
    /// serial is 128 random bits, unique by the primary key; the row and its audit entry commit before the
    /// certificate is returned.
    public func issue(_ request: CertificateRequest, context: AuditContext) async throws -> Certificate {
        guard CertificateProfile.requestable.contains(request.profile) else {
            throw TrustError.invalidRequest("profile \(request.profile.rawValue) cannot be requested; use authentication, signature or e-seal")
        }
        if let csr = request.csr {
            guard csr.publicKey.isValidSignature(csr.signature, for: csr) else {
                throw TrustError.invalidRequest("the CSR's signature does not verify: it was not made with the key it contains")
            }
        } else {
            guard let attestation = request.attestation, try await verifiedChip(attestation, publicKey: request.publicKey) != nil else {
                throw TrustError.invalidRequest("a key without a CSR needs the card's attestation of it, under its manufacturer's root")
            }
        }
        try checkKey(request.publicKey)
        // The installation's settings, read once for the country, the addresses, the card policy and the kind of hierarchy.
        let settings = try await settings()
        guard let country = settings.country, let publicURL = settings.publicURL else { throw TrustError.notInitialized }
        let rules = SubjectRules(country: country) { (try? IdentificationNumber($0)) != nil }
        do { try rules.check(request.subject, for: request.profile) } catch let error as PKIError {
            throw TrustError.invalidRequest(error.detail)
        }
        let hierarchy = try await hierarchy()
        let authorityName: AuthorityName = request.profile == .eSeal ? .institution : hierarchy.currentCitizen
        guard let authority = try hierarchy.authority(authorityName).signer else { throw TrustError.notInitialized }
        let urls = TrustURLs(publicURL: publicURL, ocspURL: settings.ocspURL)
        let now = self.now
        let caEnd = authority.certificate.notValidAfter
        // Citizen certificates follow the card policy: at most its period, signature certificates for adults only.
        let policyEnd = request.profile.isCitizen ? try await checkCitizenCertificate(request, now: now, settings: settings) : caEnd
        let notAfter: Date
        if let asked = request.notAfter {
            // Certificates carry whole seconds: a fraction would be rounded, perhaps past what was asked.
            let requested = asked.wholeSeconds
            guard requested > now else { throw TrustError.invalidRequest("--not-after must be in the future") }
            guard requested <= caEnd else {
                throw TrustError.invalidRequest("the certificate may not outlast its CA, which expires \(Self.day(caEnd)); choose an earlier date")
            }
            notAfter = requested
        } else {
            let latest = request.latestNotAfter?.wholeSeconds ?? caEnd
            guard latest > now else { throw TrustError.invalidRequest("the latest end of validity asked for has passed") }
            notAfter = min(now + configuration.defaultValidity, caEnd, policyEnd, latest)
        }
        var qscd: (model: String, serial: CardSerial)?
        if request.profile == .signature { qscd = try await attestedQSCD(request, settings: settings) }
        let keyOnQSCD = qscd != nil
        let detail = "\(request.profile.rawValue) by \(authorityName.rawValue)" + (qscd.map { ", key on QSCD \($0.model) \($0.serial.rawValue) (attested)" } ?? "")
        // The certificate is signed before the write transaction, so that SQLite's one writer is not held through a
        // P-384 signature. Its CRL partition comes from the authority's count as read now: counts only grow, so the
        // partition is always one the CRL publisher already publishes; issuances in flight at once may share a
        // partition, which then holds at most that many certificates more than `crlPartitionSize`.
        typealias Authorities = PKIAuthoritiesTable
        guard let countRow = try await sql.select().column(Authorities.issuedCount).from(Authorities.table)
            .where(Authorities.id, .equal, authorityName.rawValue).first() else { throw TrustError.notInitialized }
        let issuedBefore = try countRow.decode(column: Authorities.issuedCount.name, as: Int64.self)
        let partition = Int(issuedBefore / Int64(configuration.crlPartitionSize))
        let locations = TrustServiceLocations(ocsp: urls.ocsp, caIssuers: urls.caIssuers(authorityName),
                                              crl: urls.crl(authorityName, partition: partition))
        for attempt in 1...3 {
            let certificate = try CertificateIssuer().issue(
                profile: request.profile, subject: request.subject, publicKey: request.publicKey,
                serialNumber: CertificateSerialNumberGenerator().next(), notBefore: now, notAfter: notAfter,
                authority: authority,
                options: .init(keyOnQSCD: keyOnQSCD, disclosureStatements: [.init(url: urls.disclosureStatement, language: "en")],
                               locations: locations))
            do {
                return try await database.retryingTransaction { db in
                    let sql = db.sql
                    try await sql.raw("""
                        UPDATE \(Authorities.table) SET \(Authorities.issuedCount) = \(Authorities.issuedCount) + 1 WHERE \(Authorities.id) = \(bind: authorityName.rawValue)
                        """).run()
                    try await CertificateRecord.insert(certificate, authority: authorityName, profile: request.profile,
                                                       partition: partition, issuedAt: now, status: request.onHold ? .hold : .good, on: sql)
                    var events = [context.event(.caIssue, .certificate, certificate.serialNumber.hex, detail: detail)]
                    if request.onHold {
                        typealias Changes = PKIStatusChangesTable
                        try await sql.insert(into: Changes.table).columns(Changes.serial, Changes.authorityID, Changes.changedAt)
                            .values(SQLBind(certificate.serialNumber.hex), SQLBind(authorityName.rawValue), SQLBind(Int64(now.timeIntervalSince1970))).run()
                        events.append(context.event(.caHold, .certificate, certificate.serialNumber.hex, detail: "on hold from issue"))
                    }
                    try await audit.append(events, on: db)
                    return certificate
                }
            } catch let error as any DatabaseError where error.isConstraintFailure && attempt < 3 {
                continue  // a serial collision (2^-127): draw another
            }
        }
        throw TrustError.issueFailed()
    }

    private func checkKey(_ key: Certificate.PublicKey) throws {
        if P256.Signing.PublicKey(key) != nil || P384.Signing.PublicKey(key) != nil || P521.Signing.PublicKey(key) != nil { return }
        if let rsa = _RSA.Signing.PublicKey(key), rsa.keySizeInBits >= 2048 { return }
        throw TrustError.invalidRequest("the key must be ECDSA P-256, P-384 or P-521, or RSA of at least 2048 bits")
    }

    static func day(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd"
        return formatter.string(from: date)
    }
}

import Crypto
import _CryptoExtras
