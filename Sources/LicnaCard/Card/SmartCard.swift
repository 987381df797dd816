/// A card as a reader sees it: an answer to reset, power, and APDUs in and out (ISO/IEC 7816-3 §8, 7816-4 §5).
/// The virtual card and any test double conform; the vpcd reader connection and the in-process channel use it.
public protocol SmartCard: AnyObject, Sendable {
    /// The answer to reset (ISO/IEC 7816-3 §8.2).
    var atr: [UInt8] { get }
    /// Power on or warm reset: the session (verified PIN, selected application, management key) is forgotten.
    func reset()
    /// Power off: as reset, and any chain in progress is dropped.
    func powerOff()
    /// One command APDU in, its response (data then SW1 SW2) out. Never throws: errors are status words.
    func transmit(_ command: [UInt8]) -> [UInt8]
}
