import Tagged

/// The identity card as a kind of thing Licna names: the tag of its identifiers (`CardSerial`).
public enum IdentityCard {}

/// A card's serial number: the manufacturer's number for the chip, which its attestation-key certificate and every
/// attestation it signs name (extension `1.3.6.1.4.1.64512.1.3.2`, docs/card.md "Key attestation") and by which the
/// audit trail names the card (`AuditObjectType.card`). Unique per manufacturer. Stored, written into certificates and
/// sent as the bare text (Tagged encodes its raw value).
public typealias CardSerial = Tagged<IdentityCard, String>

extension Tagged where Tag == IdentityCard, RawValue == String {
    /// A fresh serial of eight random decimal digits, as the development manufacturer numbers virtual cards.
    public static func random() -> CardSerial {
        CardSerial(rawValue: (0..<8).map { _ in String(Int.random(in: 0...9)) }.joined())
    }
}
