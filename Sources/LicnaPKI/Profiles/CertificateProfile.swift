import SwiftASN1
import X509

/// What a certificate is for. Each profile fixes the key usage, extended key usage, policies and statements
/// (RFC 5280 §4.2, ETSI EN 319 412-2 for natural persons, EN 319 412-3 for legal persons, EN 319 412-5 for
/// QC statements, RFC 6960 §4.2.2.2 for delegated OCSP responders, RFC 3161 §2.3 for TSA certificates,
/// ICAO 9303-12 §7 for the CSCA and document signer).
public enum CertificateProfile: String, Sendable, CaseIterable, Codable {
    /// A citizen's authentication certificate (card key 9A).
    case authentication
    /// A citizen's qualified signature certificate (card key 9C).
    case signature
    /// An institution's qualified electronic seal.
    case eSeal = "e-seal"
    /// The timestamp authority's unit certificate.
    case timestamping
    /// A delegated OCSP responder.
    case ocspResponder = "ocsp-responder"
    /// The self-signed root of the trust-service hierarchy.
    case rootCA = "root-ca"
    /// A CA under the root (citizen CA, institution CA).
    case issuingCA = "issuing-ca"
    /// The self-signed country signing CA of ICAO 9303-12.
    case csca
    /// The document signer that signs the chip's security object.
    case documentSigner = "document-signer"

    /// True for certificates that may sign other certificates.
    public var isCertificateAuthority: Bool { [.rootCA, .issuingCA, .csca].contains(self) }

    /// True for profiles whose subject is a citizen and follows `SubjectRules.citizen`.
    public var isCitizen: Bool { self == .authentication || self == .signature }

    /// Profiles an operator may request with a CSR (`licna ca issue --profile`).
    public static let requestable: [CertificateProfile] = [.authentication, .signature, .eSeal]

    var keyUsage: KeyUsage {
        switch self {
        case .rootCA, .issuingCA, .csca: KeyUsage(keyCertSign: true, cRLSign: true)
        case .authentication, .timestamping, .ocspResponder, .documentSigner: KeyUsage(digitalSignature: true)
        case .signature: KeyUsage(nonRepudiation: true)
        case .eSeal: KeyUsage(digitalSignature: true, nonRepudiation: true)
        }
    }

    /// The extended key usage and whether it is critical (RFC 3161 §2.3: critical for TSA certificates).
    var extendedKeyUsage: (ExtendedKeyUsage, critical: Bool)? {
        switch self {
        case .authentication: (try! ExtendedKeyUsage([.clientAuth]), false)
        case .timestamping: (try! ExtendedKeyUsage([.timeStamping]), true)
        case .ocspResponder: (try! ExtendedKeyUsage([.ocspSigning]), false)
        default: nil
        }
    }

    /// Certificate policies: ETSI EN 319 411-2 §5.3 identifiers first, then Licna's own.
    func policies(keyOnQSCD: Bool) -> [ASN1ObjectIdentifier] {
        switch self {
        case .authentication: [.licnaCitizenPolicy]
        case .signature: [keyOnQSCD ? .QC.policyQCPnQSCD : .QC.policyQCPn, .licnaCitizenPolicy]
        case .eSeal: [.QC.policyQCPl, .licnaInstitutionPolicy]
        case .timestamping: [.licnaInstitutionPolicy]
        default: []
        }
    }

    /// QC statements (ETSI EN 319 412-5 §4): only for signature and e-seal certificates.
    func qcStatements(keyOnQSCD: Bool, disclosureStatements: [QCStatements.DisclosureStatement]) -> QCStatements? {
        switch self {
        case .signature: QCStatements(keyOnQSCD: keyOnQSCD, type: .eSign, disclosureStatements: disclosureStatements)
        case .eSeal: QCStatements(keyOnQSCD: false, type: .eSeal, disclosureStatements: disclosureStatements)
        default: nil
        }
    }
}
