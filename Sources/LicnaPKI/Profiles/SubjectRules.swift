import SwiftASN1
import X509

/// The rules a requested subject must meet for its profile. The subject comes from the CSR; these rules make
/// sure it names what the profile certifies and nothing more (ETSI EN 319 412-2 §4.2.4, EN 319 412-3 §4.2.1).
public struct SubjectRules: Sendable {
    /// The country every subject must carry (ISO 3166 alpha-2).
    public var country: String
    /// Decides whether the nine digits after `PNO<country>-` are a valid identification number.
    public var identificationNumberIsValid: @Sendable (String) -> Bool

    public init(country: String, identificationNumberIsValid: @escaping @Sendable (String) -> Bool) {
        self.country = country
        self.identificationNumberIsValid = identificationNumberIsValid
    }

    /// Checks `subject` against `profile` and throws a `profileViolation` that says what is wrong.
    public func check(_ subject: DistinguishedName, for profile: CertificateProfile) throws {
        var values: [ASN1ObjectIdentifier: [String]] = [:]
        for rdn in subject {
            for attribute in rdn {
                guard let text = String(attribute.value) else {
                    throw PKIError(.profileViolation, "subject attribute \(attribute.type) is not a string")
                }
                if containsThirteenDigitRun(text) {
                    throw PKIError(.profileViolation, "the subject contains a 13-digit number; personal numbers (JMBG) never go into certificates")
                }
                values[attribute.type, default: []].append(text)
            }
        }
        let required: [ASN1ObjectIdentifier]
        let allowed: Set<ASN1ObjectIdentifier>
        typealias T = ASN1ObjectIdentifier.NameAttributes
        switch profile {
        case .authentication, .signature:
            required = [T.countryName, T.givenName, T.surname, T.commonName, T.serialNumber]
            allowed = Set(required)
        case .eSeal:
            required = [T.countryName, T.organizationName, T.commonName, .organizationIdentifier]
            allowed = Set(required + [T.organizationalUnitName, T.localityName])
        default:
            throw PKIError(.profileViolation, "profile \(profile.rawValue) cannot be requested with a CSR")
        }
        for type in required where values[type]?.count != 1 {
            throw PKIError(.profileViolation, "the subject must carry exactly one \(Self.name(of: type))")
        }
        for type in values.keys where !allowed.contains(type) {
            throw PKIError(.profileViolation, "the subject may not carry \(Self.name(of: type)) for profile \(profile.rawValue)")
        }
        guard values[T.countryName]?.first == country else {
            throw PKIError(.profileViolation, "the subject's country must be \(country)")
        }
        if profile.isCitizen {
            let serial = values[T.serialNumber]?.first ?? ""
            let prefix = "PNO\(country)-"
            let digits = serial.hasPrefix(prefix) ? String(serial.dropFirst(prefix.count)) : ""
            guard digits.count == 9, digits.allSatisfy({ $0.isASCII && $0.isNumber }), identificationNumberIsValid(digits) else {
                throw PKIError(.profileViolation, "serialNumber must be \(prefix) followed by a valid 9-digit identification number (ETSI EN 319 412-1 §5.1.3)")
            }
        } else {
            let identifier = values[.organizationIdentifier]?.first ?? ""
            let scheme = identifier.prefix(3)
            guard ["VAT", "NTR", "PSD", "LEI"].contains(scheme), identifier.dropFirst(3).prefix(2) == Substring(country),
                  identifier.dropFirst(5).first == "-", identifier.count > 6 else {
                throw PKIError(.profileViolation, "organizationIdentifier must look like NTR\(country)-<registration number> (ETSI EN 319 412-1 §5.1.4)")
            }
        }
    }

    /// The identification number of a citizen subject's `serialNumber` (`PNO<country>-<digits>`, ETSI EN 319 412-1
    /// §5.1.3), or nil when it carries none.
    public static func identificationNumber(in subject: DistinguishedName, country: String) -> String? {
        for rdn in subject {
            for attribute in rdn where attribute.type == .NameAttributes.serialNumber {
                let prefix = "PNO\(country)-"
                if let text = String(attribute.value), text.hasPrefix(prefix) { return String(text.dropFirst(prefix.count)) }
            }
        }
        return nil
    }

    /// True when 13 or more digits follow each other, counting through spaces, dots, dashes and slashes, so that
    /// a JMBG written as `0101990 210006` or `010199-0210006` is caught too.
    private func containsThirteenDigitRun(_ text: String) -> Bool {
        var run = 0
        for character in text.utf8 {
            if (48...57).contains(character) {
                run += 1
                if run >= 13 { return true }
            } else if ![32, 45, 46, 47].contains(character) {
                run = 0
            }
        }
        return false
    }

    static func name(of type: ASN1ObjectIdentifier) -> String {
        typealias T = ASN1ObjectIdentifier.NameAttributes
        switch type {
        case T.countryName: return "countryName (C)"
        case T.commonName: return "commonName (CN)"
        case T.organizationName: return "organizationName (O)"
        case T.organizationalUnitName: return "organizationalUnitName (OU)"
        case T.localityName: return "localityName (L)"
        case T.givenName: return "givenName (GN)"
        case T.surname: return "surname (SN)"
        case T.serialNumber: return "serialNumber"
        case .organizationIdentifier: return "organizationIdentifier"
        default: return type.description
        }
    }
}

