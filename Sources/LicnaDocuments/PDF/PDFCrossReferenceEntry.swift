/// Where an object lives, as a cross-reference table (ISO 32000-1 §7.5.4) or stream (§7.5.8.3, Table 18) says.
public enum PDFCrossReferenceEntry: Hashable, Sendable {
    /// A free entry (type 0): the object number is not in use.
    case free
    /// An object at a byte offset of the file (type 1).
    case inFile(offset: Int, generation: Int)
    /// An object compressed in an object stream (type 2, §7.5.7), at `index` among its objects.
    case inObjectStream(streamNumber: Int, index: Int)
}

/// One cross-reference section: a classic table with its trailer, or a cross-reference stream whose dictionary is
/// the trailer (§7.5.8). A hybrid file's table carries the entries of its /XRefStm merged in (§7.5.8.4).
public struct PDFCrossReferenceSection: Sendable {
    /// The byte offset `startxref` or /Prev pointed at.
    public let offset: Int
    /// Whether the section is a cross-reference stream rather than a table.
    public let isStream: Bool
    /// The trailer dictionary (the stream's dictionary for a cross-reference stream).
    public let trailer: PDFDictionary
    /// The entries by object number.
    public let entries: [Int: PDFCrossReferenceEntry]
}
