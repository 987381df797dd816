/// A stream object (ISO 32000-1 §7.3.8): its dictionary and its encoded bytes.
///
/// `encodedBytes` is a slice of the buffer the stream was read from (no copy); `PDFFile.decodedData(of:)` or
/// `decodedData(maximumSize:)` applies the /Filter chain on demand.
public struct PDFStream: Hashable, Sendable {
    public var dictionary: PDFDictionary
    /// The bytes between `stream` and `endstream`, still encoded.
    public var encodedBytes: ArraySlice<UInt8>
    /// The offset of the first data byte in the buffer it was read from.
    public var dataOffset: Int { encodedBytes.startIndex }

    public init(dictionary: PDFDictionary, encodedBytes: ArraySlice<UInt8>) {
        self.dictionary = dictionary
        self.encodedBytes = encodedBytes
    }

    /// A stream whose data is `bytes` compressed with FlateDecode, for writers.
    public init(dictionary: PDFDictionary, bytes: [UInt8]) {
        self.init(dictionary: dictionary, encodedBytes: bytes[...])
    }

    /// The decoded data. Filter parameters must be direct objects; use `PDFFile.decodedData(of:)` when they may be
    /// indirect.
    public func decodedData(maximumSize: Int = PDFFile.Options().maximumDecodedStreamSize) throws -> [UInt8] {
        try PDFStreamDecoder(maximumSize: maximumSize).decode(
            encodedBytes, filters: dictionary["Filter"] ?? .null, parameters: dictionary["DecodeParms"] ?? .null)
    }

    /// The decoded data of a structural stream (cross-reference, object stream) within the reader's limits: the
    /// per-stream size and the validation's budget, decoded once per validation however many revisions read it.
    func decodedData(options: PDFFile.Options) throws -> [UInt8] {
        try PDFStreamDecoder(maximumSize: options.maximumDecodedStreamSize, budget: options.decodingBudget).decode(
            encodedBytes, filters: dictionary["Filter"] ?? .null, parameters: dictionary["DecodeParms"] ?? .null, shared: true)
    }
}
