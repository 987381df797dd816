import Foundation

/// The card's whole state, as the chip's memory would hold it, kept in one file (mode 0600) that the card OS
/// replaces atomically after every change: life cycle, management key, PIN/PUK/CAN with their counters, keys,
/// PIV data objects, eMRTD files and identity data.
///
/// Objects are keyed by their tag or file identifier in upper-case hexadecimal.
public struct CardImage: Codable, Sendable, Equatable {
    /// The format of this file; a later card OS refuses a newer one.
    public static let currentFormat = 1

    public var format = Self.currentFormat
    public var lifeCycle = CardLifeCycle.personalization
    /// The AES-256 management key (reference 9B).
    public var managementKey: [UInt8]
    /// True while the management key is still the transport key the card was made with.
    public var managementKeyIsTransportKey = true
    public var secrets = PINStore()
    /// Private keys by key reference (`9A`, `9C`).
    public var keys: [String: CardKey] = [:]
    /// PIV data objects by tag (`5FC102`…), the value inside the `53` template.
    public var pivObjects: [String: Data] = [:]
    /// eMRTD elementary files by file identifier (`0101`…), whole files.
    public var files: [String: Data] = [:]
    /// Identity data by tag (`01`…).
    public var identity: [String: Data] = [:]
    /// The attestation key (slot `F9`) and what its certificates say, given at manufacture; nil on a card made
    /// without one (it then answers `6A 88` to ATTEST). Its certificate is PIV object `5FFF01`.
    public var attestation: CardAttestationKey?

    public init(transportKey: [UInt8]) {
        managementKey = transportKey
    }

    static func hex(_ value: UInt32, width: Int) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
