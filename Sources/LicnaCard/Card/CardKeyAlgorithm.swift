/// Algorithm identifiers of NIST SP 800-78-4 table 6-2 as the card uses them in P1 of GENERAL AUTHENTICATE and
/// in the `80` element of GENERATE ASYMMETRIC KEY PAIR.
public enum CardKeyAlgorithm: UInt8, Codable, Sendable, CaseIterable {
    /// AES-256, for the management key (9B).
    case aes256 = 0x0C
    /// ECDSA on P-256.
    case p256 = 0x11
    /// ECDSA on P-384.
    case p384 = 0x14

    /// The length of the hash the card signs (the curve's order in bytes).
    public var hashLength: Int {
        switch self {
        case .p256: 32
        case .p384: 48
        case .aes256: 16
        }
    }
}
