/// RFC 6960 §4.2.1 `OCSPResponseStatus`.
public enum OCSPResponseStatus: UInt8, Sendable {
    case successful = 0
    case malformedRequest = 1
    case internalError = 2
    case tryLater = 3
    case sigRequired = 5
    case unauthorized = 6

    /// An `OCSPResponse` without response bytes, as every status but `successful` is sent.
    public var unsignedResponse: [UInt8] { [0x30, 0x03, 0x0A, 0x01, rawValue] }
}
