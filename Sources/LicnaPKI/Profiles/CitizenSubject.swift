import SwiftASN1
import X509

extension DistinguishedName {
    /// A citizen's subject as `SubjectRules` wants it for the authentication and signature profiles (ETSI EN 319
    /// 412-2 §4.2.4): C, GN, SN, CN "Given Surname" and serialNumber `PNO<C>-<identification number>`
    /// (EN 319 412-1 §5.1.3). Never the JMBG.
    public static func citizen(country: String, givenName: String, surname: String, identificationNumber: String) throws -> DistinguishedName {
        DistinguishedName([
            RelativeDistinguishedName(try .init(type: .NameAttributes.countryName, printableString: country)),
            RelativeDistinguishedName(.init(type: .NameAttributes.givenName, utf8String: givenName)),
            RelativeDistinguishedName(.init(type: .NameAttributes.surname, utf8String: surname)),
            RelativeDistinguishedName(.init(type: .NameAttributes.commonName, utf8String: "\(givenName) \(surname)")),
            RelativeDistinguishedName(try .init(type: .NameAttributes.serialNumber, printableString: "PNO\(country)-\(identificationNumber)")),
        ])
    }
}
