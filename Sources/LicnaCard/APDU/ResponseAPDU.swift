/// A response APDU (ISO/IEC 7816-4 §5.2): an optional data field and the status word.
public struct ResponseAPDU: Hashable, Sendable {
    public var data: [UInt8]
    public var status: StatusWord

    public init(data: [UInt8] = [], status: StatusWord = .success) {
        self.data = data
        self.status = status
    }

    public init(_ status: StatusWord) {
        self.init(data: [], status: status)
    }

    /// Parses the bytes a card returned: the last two are the status word.
    public init?(bytes: [UInt8]) {
        guard bytes.count >= 2 else { return nil }
        data = Array(bytes.dropLast(2))
        status = StatusWord(bytes[bytes.count - 2], bytes[bytes.count - 1])
    }

    public var bytes: [UInt8] { data + status.bytes }
}
