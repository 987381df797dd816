/// The two byte ranges a signature covers (ISO 32000-1 §12.8.1, Table 252 /ByteRange): from the start of the file
/// to the /Contents hex string, and from after it to the end of the signed revision.
public struct PDFByteRange: Hashable, Sendable {
    /// `0..<b`: the bytes before the /Contents string.
    public let first: Range<Int>
    /// `c..<c+d`: the bytes after it.
    public let second: Range<Int>

    /// The excluded bytes: the /Contents hex string with its angle brackets.
    public var gap: Range<Int> { first.upperBound..<second.lowerBound }
    /// Where the signed bytes end.
    public var end: Int { second.upperBound }
    /// The /ByteRange array as written: `[0 b c d]`.
    public var values: [Int] { [first.lowerBound, first.count, second.lowerBound, second.count] }

    /// Checks `[a b c d]` against a file of `fileSize` bytes: four non-negative integers, `a` = 0, the ranges in
    /// order without overlap, and the end within the file.
    public init(_ values: [Int], fileSize: Int) throws {
        guard values.count == 4 else {
            throw PDFError(.invalidByteRange, "/ByteRange has \(values.count) numbers instead of 4")
        }
        let (a, b, c, d) = (values[0], values[1], values[2], values[3])
        guard a == 0 else { throw PDFError(.invalidByteRange, "/ByteRange does not start at 0") }
        guard b >= 0, c >= 0, d >= 0 else { throw PDFError(.invalidByteRange, "/ByteRange has a negative number") }
        guard c > b else { throw PDFError(.invalidByteRange, "the ranges of /ByteRange overlap or are out of order") }
        guard c <= fileSize, d <= fileSize - c else {
            throw PDFError(.invalidByteRange, "/ByteRange goes past the end of the file (\(fileSize) bytes)")
        }
        first = 0..<b
        second = c..<(c + d)
    }

    /// The signed bytes: both ranges concatenated, as the signature's message digest covers them.
    public func signedBytes(of bytes: [UInt8]) -> [UInt8] {
        guard end <= bytes.count else { return [] }
        return Array(bytes[first]) + Array(bytes[second])
    }
}
