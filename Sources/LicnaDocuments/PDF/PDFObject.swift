/// A PDF object (ISO 32000-1 §7.3): the eight basic types plus the indirect reference.
///
/// Streams keep their encoded bytes as a slice of the file they came from, so reading a large file does not copy
/// each object's data; `PDFFile.decodedData(of:)` decodes on demand.
public enum PDFObject: Hashable, Sendable {
    /// The null object (§7.3.9); also what a reference to a missing object resolves to.
    case null
    /// `true` or `false` (§7.3.2).
    case boolean(Bool)
    /// An integer (§7.3.3).
    case integer(Int)
    /// A real number (§7.3.3); written without exponent.
    case real(Double)
    /// A string (§7.3.4): literal and hexadecimal forms both decode to bytes.
    case string(PDFString)
    /// A name (§7.3.5), without the leading slash and with `#xx` escapes decoded.
    case name(String)
    /// An array (§7.3.6).
    case array([PDFObject])
    /// A dictionary (§7.3.7) with its keys in file order.
    case dictionary(PDFDictionary)
    /// A stream (§7.3.8): its dictionary and encoded bytes.
    case stream(PDFStream)
    /// An indirect reference (§7.3.10).
    case reference(PDFReference)
}

extension PDFObject {
    /// The integer value; reals with an integral value count too, as some writers emit `612.0` for sizes.
    public var integerValue: Int? {
        switch self {
        case .integer(let value): return value
        case .real(let value) where value.rounded() == value && abs(value) < 1e15: return Int(value)
        default: return nil
        }
    }

    /// The numeric value of an integer or real.
    public var numberValue: Double? {
        switch self {
        case .integer(let value): return Double(value)
        case .real(let value): return value
        default: return nil
        }
    }

    public var booleanValue: Bool? {
        if case .boolean(let value) = self { return value }
        return nil
    }

    public var nameValue: String? {
        if case .name(let value) = self { return value }
        return nil
    }

    public var stringValue: PDFString? {
        if case .string(let value) = self { return value }
        return nil
    }

    public var arrayValue: [PDFObject]? {
        if case .array(let value) = self { return value }
        return nil
    }

    /// The dictionary of a dictionary, or the dictionary of a stream.
    public var dictionaryValue: PDFDictionary? {
        switch self {
        case .dictionary(let value): return value
        case .stream(let stream): return stream.dictionary
        default: return nil
        }
    }

    public var streamValue: PDFStream? {
        if case .stream(let value) = self { return value }
        return nil
    }

    public var referenceValue: PDFReference? {
        if case .reference(let value) = self { return value }
        return nil
    }

    public var isNull: Bool { self == .null }
}

extension PDFObject: ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral, ExpressibleByFloatLiteral,
    ExpressibleByArrayLiteral
{
    public init(integerLiteral value: Int) { self = .integer(value) }
    public init(booleanLiteral value: Bool) { self = .boolean(value) }
    public init(floatLiteral value: Double) { self = .real(value) }
    public init(arrayLiteral elements: PDFObject...) { self = .array(elements) }
}
