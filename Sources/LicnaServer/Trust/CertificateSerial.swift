import Tagged
import X509

/// A certificate's serial number as Licna stores and prints it: lowercase hexadecimal without separators
/// (CONVENTIONS). Stored and sent as that text (Tagged encodes its raw value).
public typealias CertificateSerial = Tagged<Certificate, String>

extension Tagged where Tag == Certificate, RawValue == String {
    /// The serial of a certificate.
    public init(_ serial: Certificate.SerialNumber) {
        self.init(rawValue: serial.hex)
    }

    /// Reads a serial number as an operator types it: hexadecimal in any case, with or without `:` separators or a
    /// `0x` prefix (`Certificate.SerialNumber(hex:)`). Nil when the text is not one.
    public init?(hex text: String) {
        guard let serial = Certificate.SerialNumber(hex: text) else { return nil }
        self.init(serial)
    }
}
