import Foundation

/// A card-signed token in Web eID 1.0's format (STANDARDS.md, "The card-signed token"): the card's certificate, the
/// algorithm and the raw `r ‖ s` signature over `H(origin) ‖ H(nonce)`. The server takes neither origin nor nonce
/// from it.
public struct CardSignedToken: Codable, Sendable, Hashable {
    /// The certificate of the key that signed, DER in base64; trusted for nothing until checked.
    public var unverifiedCertificate: String
    /// `ES256` or `ES384`.
    public var algorithm: String
    /// Raw `r ‖ s`, base64.
    public var signature: String
    /// `web-eid:1.0`.
    public var format: String
    public var appVersion: String

    public static let currentFormat = "web-eid:1.0"

    public init(unverifiedCertificate: String, algorithm: String, signature: String, format: String = CardSignedToken.currentFormat,
                appVersion: String) {
        self.unverifiedCertificate = unverifiedCertificate
        self.algorithm = algorithm
        self.signature = signature
        self.format = format
        self.appVersion = appVersion
    }
}

/// `POST /api/cards/activation-nonces` (and `/api/cards/resumption-nonces`): a nonce for the card whose certificates
/// have these serials (lowercase hex, as the card holds them).
public struct CardNonceRequest: Codable, Sendable, Hashable {
    public var authenticationSerial: String
    /// Nil for a card without a signature key (a minor's).
    public var signatureSerial: String?

    public init(authenticationSerial: String, signatureSerial: String?) {
        self.authenticationSerial = authenticationSerial
        self.signatureSerial = signatureSerial
    }
}

/// The answer: the nonce to sign (base64 text, signed as is) and when it expires.
public struct CardNonce: Codable, Sendable, Hashable {
    public var nonce: String
    public var expiresAt: Date

    public init(nonce: String, expiresAt: Date) {
        self.nonce = nonce
        self.expiresAt = expiresAt
    }
}

/// `POST /api/cards/activations` (and `/api/cards/resumptions`): the authentication key's token and, for a card with
/// a signature key, the signature key's token over the same nonce, each after its own PIN verification.
public struct CardPresenceProof: Codable, Sendable, Hashable {
    public var authentication: CardSignedToken
    public var signature: CardSignedToken?

    public init(authentication: CardSignedToken, signature: CardSignedToken?) {
        self.authentication = authentication
        self.signature = signature
    }
}

/// A card as the issuance API shows it: never a personal number beyond the 9-digit identification number the
/// officer works with, never PIN, PUK, CAN or suspension code.
public struct CardView: Codable, Sendable, Hashable {
    /// The application's id.
    public var id: String
    public var identificationNumber: String
    public var state: String
    public var cardNumber: String?
    public var cardExpires: String?
    public var authenticationSerial: String?
    public var signatureSerial: String?
    public var municipality: String
    public var contractVersion: String
    public var contractSHA256: String
    public var submittedAt: Date
    public var personalizedAt: Date?
    public var deliveredAt: Date?
    public var activatedAt: Date?
    public var replaces: String?
    public var replacementReason: String?
    public var closedReason: String?

    public init(id: String, identificationNumber: String, state: String, cardNumber: String?, cardExpires: String?,
                authenticationSerial: String?, signatureSerial: String?, municipality: String, contractVersion: String,
                contractSHA256: String, submittedAt: Date, personalizedAt: Date?, deliveredAt: Date?, activatedAt: Date?,
                replaces: String?, replacementReason: String?, closedReason: String?) {
        self.id = id
        self.identificationNumber = identificationNumber
        self.state = state
        self.cardNumber = cardNumber
        self.cardExpires = cardExpires
        self.authenticationSerial = authenticationSerial
        self.signatureSerial = signatureSerial
        self.municipality = municipality
        self.contractVersion = contractVersion
        self.contractSHA256 = contractSHA256
        self.submittedAt = submittedAt
        self.personalizedAt = personalizedAt
        self.deliveredAt = deliveredAt
        self.activatedAt = activatedAt
        self.replaces = replaces
        self.replacementReason = replacementReason
        self.closedReason = closedReason
    }
}

/// `POST /api/cards/suspensions`: a lost card's number and the suspension code from its envelope (public, throttled).
public struct CardSuspensionRequest: Codable, Sendable, Hashable {
    public var cardNumber: String
    public var code: String

    public init(cardNumber: String, code: String) {
        self.cardNumber = cardNumber
        self.code = code
    }
}

/// `POST /api/cards/blocked-reports`: the citizen's tool reports a card whose PIN and PUK are exhausted, naming it
/// by its authentication certificate (base64 DER). Unverified: counted, nothing revoked.
public struct CardBlockedReport: Codable, Sendable, Hashable {
    public var authenticationCertificate: String

    public init(authenticationCertificate: String) { self.authenticationCertificate = authenticationCertificate }
}

/// `GET /api/stats/cards`: what the ministry lacked. Counts of cards by where they are, and of replacements by reason.
public struct CardStatistics: Codable, Sendable, Hashable {
    public var applications: Int
    public var issued: Int
    public var delivered: Int
    public var activated: Int
    /// Delivered, not activated yet.
    public var awaitingActivation: Int
    /// Reported by citizens (PIN and PUK exhausted); unverified.
    public var blocked: Int
    public var suspended: Int
    public var revoked: Int
    /// Holds that turned into revocations because the card was never activated in the window.
    public var activationWindowExpired: Int
    public var replacedByReason: [String: Int]
    /// Delivered cards awaiting activation, by whole weeks since delivery (`"0"`, `"1"`, …, `"52+"`).
    public var awaitingActivationByWeeks: [String: Int]
    /// Cards issued by month of personalization (`YYYY-MM`).
    public var issuedByMonth: [String: Int]
    public var activatedByMonth: [String: Int]
    /// Cards issued, and activated, by the holder's municipality.
    public var issuedByMunicipality: [String: Int]
    public var activatedByMunicipality: [String: Int]

    public init(applications: Int = 0, issued: Int = 0, delivered: Int = 0, activated: Int = 0, awaitingActivation: Int = 0,
                blocked: Int = 0, suspended: Int = 0, revoked: Int = 0, activationWindowExpired: Int = 0,
                replacedByReason: [String: Int] = [:], awaitingActivationByWeeks: [String: Int] = [:], issuedByMonth: [String: Int] = [:],
                activatedByMonth: [String: Int] = [:], issuedByMunicipality: [String: Int] = [:], activatedByMunicipality: [String: Int] = [:]) {
        self.applications = applications
        self.issued = issued
        self.delivered = delivered
        self.activated = activated
        self.awaitingActivation = awaitingActivation
        self.blocked = blocked
        self.suspended = suspended
        self.revoked = revoked
        self.activationWindowExpired = activationWindowExpired
        self.replacedByReason = replacedByReason
        self.awaitingActivationByWeeks = awaitingActivationByWeeks
        self.issuedByMonth = issuedByMonth
        self.activatedByMonth = activatedByMonth
        self.issuedByMunicipality = issuedByMunicipality
        self.activatedByMunicipality = activatedByMunicipality
    }
}

/// `POST /api/cards/applications`: an application for a registered person (officer API).
public struct CardApplicationRequest: Codable, Sendable, Hashable {
    /// The person's 9-digit identification number.
    public var identificationNumber: String
    /// The contract's and the envelope's language (cnr, sq, mk, sr, en); the request's language when absent.
    public var language: String?
    /// The citizen accepted the contract in that language.
    public var acceptContract: Bool
    /// JPEG, base64.
    public var photo: String?
    /// Fingerprint images, base64.
    public var fingerprints: String?
    /// The type of identity document the citizen presented (the card policy's `documentTypes`), checked for acceptance.
    public var identityDocument: String?

    public init(identificationNumber: String, language: String?, acceptContract: Bool, photo: String? = nil, fingerprints: String? = nil,
                identityDocument: String? = nil) {
        self.identityDocument = identityDocument
        self.identificationNumber = identificationNumber
        self.language = language
        self.acceptContract = acceptContract
        self.photo = photo
        self.fingerprints = fingerprints
    }
}

/// `POST /api/cards/{card}/replace`.
public struct CardReplacementRequest: Codable, Sendable, Hashable {
    /// lost, stolen, damaged, lost-envelope or blocked.
    public var reason: String

    public init(reason: String) { self.reason = reason }
}

/// The answer to `POST /api/cards/applications/{id}/personalization-plan` (officer API): what a personalization station
/// writes on the card of an approved application. It holds the holder's JMBG (for the identity application, behind the
/// PIN) and the card's management key: only over https or on this machine.
public struct CardPersonalizationPlanBody: Codable, Sendable, Hashable {
    public var applicationID: String
    public var cardNumber: String
    public var surname: String
    public var givenNames: String
    public var identificationNumber: String
    public var jmbg: String
    /// ISO 8601 day.
    public var birthDate: String
    /// `M` or `F`.
    public var sex: String
    public var country: String
    /// ISO 8601 days: the card's last day and the travel document's.
    public var cardExpires: String
    public var travelDocumentExpires: String
    public var certificatesNotAfter: Date
    public var signatureCertificate: Bool
    /// JPEG, base64.
    public var photo: String?
    public var language: String
    /// 64 hexadecimal digits.
    public var managementKey: String
    public var managementKeyVersion: Int
    /// Where the envelope sends the citizen.
    public var publicURL: String

    public init(applicationID: String, cardNumber: String, surname: String, givenNames: String, identificationNumber: String, jmbg: String,
                birthDate: String, sex: String, country: String, cardExpires: String, travelDocumentExpires: String,
                certificatesNotAfter: Date, signatureCertificate: Bool, photo: String?, language: String, managementKey: String,
                managementKeyVersion: Int, publicURL: String) {
        self.applicationID = applicationID
        self.cardNumber = cardNumber
        self.surname = surname
        self.givenNames = givenNames
        self.identificationNumber = identificationNumber
        self.jmbg = jmbg
        self.birthDate = birthDate
        self.sex = sex
        self.country = country
        self.cardExpires = cardExpires
        self.travelDocumentExpires = travelDocumentExpires
        self.certificatesNotAfter = certificatesNotAfter
        self.signatureCertificate = signatureCertificate
        self.photo = photo
        self.language = language
        self.managementKey = managementKey
        self.managementKeyVersion = managementKeyVersion
        self.publicURL = publicURL
    }
}

/// `POST /api/cards/applications/{id}/personalization` (officer API): the station's record of a personalized card. The
/// suspension code is sent so that the server keeps its keyed hash; PIN, PUK and CAN are never sent.
public struct CardPersonalizationRecord: Codable, Sendable, Hashable {
    public var cardNumber: String
    public var authenticationSerial: String
    public var signatureSerial: String?
    public var suspensionCode: String
    public var managementKeyVersion: Int
    /// The card's attestation of its authentication key (PEM: the attestation, then the card's attestation key's
    /// certificate), naming the chip a renewal will accept; absent for a card that cannot attest.
    public var attestation: String?

    public init(cardNumber: String, authenticationSerial: String, signatureSerial: String?, suspensionCode: String, managementKeyVersion: Int,
                attestation: String? = nil) {
        self.attestation = attestation
        self.cardNumber = cardNumber
        self.authenticationSerial = authenticationSerial
        self.signatureSerial = signatureSerial
        self.suspensionCode = suspensionCode
        self.managementKeyVersion = managementKeyVersion
    }
}
