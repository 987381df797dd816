/// vsmartcard's vpcd protocol, the card's side (STANDARDS.md "vsmartcard vpcd"): pcscd and the card exchange
/// frames of a 2-byte big-endian length and a payload. One-byte payloads from pcscd are control messages; any
/// longer payload is a command APDU, answered with one frame holding the response APDU.
public struct VPCDFrameDecoder: Sendable {
    /// What pcscd asks of the card.
    public enum Message: Hashable, Sendable {
        case powerOff
        case powerOn
        case reset
        case getATR
        /// A command APDU, as bytes (the transport parses it).
        case apdu([UInt8])
        /// A one-byte control message vpcd does not define; ignored.
        case unknownControl(UInt8)
    }

    private var buffer: [UInt8] = []

    public init() {}

    /// Adds bytes read from the socket and returns every complete message they finish, in order.
    public mutating func feed(_ bytes: some Collection<UInt8>) -> [Message] {
        buffer.append(contentsOf: bytes)
        var messages: [Message] = []
        var start = 0
        while buffer.count - start >= 2 {
            let length = Int(buffer[start]) << 8 | Int(buffer[start + 1])
            guard buffer.count - start - 2 >= length else { break }
            let payload = Array(buffer[(start + 2)..<(start + 2 + length)])
            start += 2 + length
            if payload.count == 1 {
                switch payload[0] {
                case 0x00: messages.append(.powerOff)
                case 0x01: messages.append(.powerOn)
                case 0x02: messages.append(.reset)
                case 0x04: messages.append(.getATR)
                default: messages.append(.unknownControl(payload[0]))
                }
            } else if !payload.isEmpty {
                messages.append(.apdu(payload))
            }
        }
        buffer.removeFirst(start)
        return messages
    }

    /// One frame: the length, then the payload (a response APDU or the ATR).
    public static func frame(_ payload: [UInt8]) -> [UInt8] {
        precondition(payload.count <= 0xFFFF, "a vpcd frame holds at most 65,535 bytes")
        return [UInt8(payload.count >> 8), UInt8(payload.count & 0xFF)] + payload
    }
}
