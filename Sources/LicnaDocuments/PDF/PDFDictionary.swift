/// A PDF dictionary (ISO 32000-1 §7.3.7) that keeps its keys in the order they were read or added, so that a
/// re-serialized dictionary reads like the original.
///
/// A key given twice keeps its first position and its last value. Setting a key to `.null` removes it (§7.3.7: a
/// null value is equivalent to an absent entry).
public struct PDFDictionary: Hashable, Sendable, Sequence {
    private var keyOrder: [String] = []
    private var values: [String: PDFObject] = [:]

    public init() {}

    public init(_ entries: KeyValuePairs<String, PDFObject>) {
        for (key, value) in entries { self[key] = value }
    }

    /// The keys in order.
    public var keys: [String] { keyOrder }
    public var count: Int { keyOrder.count }
    public var isEmpty: Bool { keyOrder.isEmpty }

    public subscript(key: String) -> PDFObject? {
        get { values[key] }
        set {
            guard let newValue, newValue != .null else {
                if values.removeValue(forKey: key) != nil { keyOrder.removeAll { $0 == key } }
                return
            }
            if values.updateValue(newValue, forKey: key) == nil { keyOrder.append(key) }
        }
    }

    /// The value of a name entry, e.g. `dictionary.name("Type") == "Sig"`.
    public func name(_ key: String) -> String? { values[key]?.nameValue }

    public func makeIterator() -> AnyIterator<(key: String, value: PDFObject)> {
        var index = 0
        return AnyIterator {
            while index < keyOrder.count {
                let key = keyOrder[index]
                index += 1
                if let value = values[key] { return (key, value) }
            }
            return nil
        }
    }

    /// Equal when the same keys map to the same values, whatever their order.
    public static func == (lhs: PDFDictionary, rhs: PDFDictionary) -> Bool { lhs.values == rhs.values }
    public func hash(into hasher: inout Hasher) { hasher.combine(values) }
}

extension PDFDictionary: ExpressibleByDictionaryLiteral {
    public init(dictionaryLiteral elements: (String, PDFObject)...) {
        for (key, value) in elements { self[key] = value }
    }
}
