import Foundation

/// `POST /api/pki/certificates`: a certificate for a CSR (officer API).
public struct CertificateIssueRequest: Codable, Sendable, Hashable {
    /// `authentication`, `signature` or `e-seal`.
    public var profile: String
    /// The PKCS #10 request (RFC 2986), PEM.
    public var csr: String
    /// The end of validity asked for; at most the CA's (ISO 8601). Refused when the CA or the card policy cannot give it.
    public var notAfter: Date?
    /// The latest end of validity the caller accepts (ISO 8601): the certificate ends then, or earlier at the CA's end
    /// or the card policy's certificate period (a card's personalization sends its card's limit here).
    public var latestNotAfter: Date?
    /// Read for older clients; it no longer decides QcSSCD.
    public var cardModel: String?
    /// PEM: the card's attestation certificate for the key, then its attestation key's certificate.
    public var attestation: String?
    /// Issue on hold (certificateHold from the start): a card's certificates until its holder activates it.
    public var onHold: Bool?

    public init(profile: String, csr: String, notAfter: Date? = nil, latestNotAfter: Date? = nil, cardModel: String? = nil,
                attestation: String? = nil, onHold: Bool? = nil) {
        self.onHold = onHold
        self.profile = profile
        self.csr = csr
        self.notAfter = notAfter
        self.latestNotAfter = latestNotAfter
        self.cardModel = cardModel
        self.attestation = attestation
    }
}

/// The answer to `POST /api/pki/certificates`.
public struct IssuedCertificate: Codable, Sendable, Hashable {
    /// The serial number, lowercase hex without separators (CONVENTIONS.md).
    public var serial: String
    /// The certificate, PEM.
    public var certificate: String

    public init(serial: String, certificate: String) {
        self.serial = serial
        self.certificate = certificate
    }
}

/// `POST /api/pki/certificates/{serial}/revoke`: the RFC 5280 reason name and, optionally, the invalidity date.
public struct RevocationRequest: Codable, Sendable, Hashable {
    /// An RFC 5280 §5.3.1 reason name (`keyCompromise`, `superseded`, …).
    public var reason: String
    /// When the key is known or suspected to have become unusable (RFC 5280 §5.3.2).
    public var invalidityDate: Date?

    public init(reason: String, invalidityDate: Date? = nil) {
        self.reason = reason
        self.invalidityDate = invalidityDate
    }
}
