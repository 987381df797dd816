/// An indirect reference `N G R` to an indirect object (ISO 32000-1 §7.3.10).
public struct PDFReference: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The object number, a positive integer.
    public let objectNumber: Int
    /// The generation number, 0 for objects never freed and reused.
    public let generation: Int

    public init(objectNumber: Int, generation: Int = 0) {
        self.objectNumber = objectNumber
        self.generation = generation
    }

    public var description: String { "\(objectNumber) \(generation) R" }

    public static func < (lhs: PDFReference, rhs: PDFReference) -> Bool {
        (lhs.objectNumber, lhs.generation) < (rhs.objectNumber, rhs.generation)
    }
}
