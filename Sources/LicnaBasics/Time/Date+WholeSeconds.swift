import Foundation

extension Date {
    /// This instant without its fraction of a second: certificates, OCSP and CRL times carry whole seconds
    /// (RFC 5280 §4.1.2.5), so a time that will be encoded is cut to the second first, never rounded past itself.
    public var wholeSeconds: Date { Date(timeIntervalSince1970: timeIntervalSince1970.rounded(.down)) }
}
