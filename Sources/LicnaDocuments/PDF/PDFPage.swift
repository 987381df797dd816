/// A page of the document (ISO 32000-1 §7.7.3.3) with the attributes it inherits from the page tree resolved
/// (§7.7.3.4, Table 30: /Resources, /MediaBox, /CropBox, /Rotate).
public struct PDFPage: Sendable {
    /// 0-based position in the document.
    public let index: Int
    /// The page object's reference (nil only for a page given inline, which is not conforming).
    public let reference: PDFReference?
    /// The page dictionary as stored.
    public let dictionary: PDFDictionary
    /// The resources, from the page or an ancestor (possibly a reference).
    public let resources: PDFObject?
    /// The media box `[llx lly urx ury]` in default user space units, from the page or an ancestor.
    public let mediaBox: [Double]?
    /// The crop box, from the page or an ancestor; defaults to the media box.
    public let cropBox: [Double]?
    /// The rotation in degrees, a multiple of 90.
    public let rotate: Int
}

extension PDFFile {
    /// The document catalog (§7.7.2): the trailer's /Root.
    public func catalog() throws -> PDFDictionary {
        guard let root = try self.dictionary(trailer["Root"]) else {
            throw PDFError(.invalidStructure, "the trailer has no /Root dictionary (document catalog)")
        }
        return root
    }

    /// The catalog's reference, which an incremental update rewrites to add /AcroForm or /DSS.
    public var catalogReference: PDFReference? { trailer["Root"]?.referenceValue }

    /// The pages in document order, walking the page tree from the catalog's /Pages (§7.7.3). Cycles in the tree
    /// and nodes that are not dictionaries are errors.
    public func pages() throws -> [PDFPage] {
        guard let root = try catalog()["Pages"] else {
            throw PDFError(.invalidStructure, "the document catalog has no /Pages")
        }
        var pages: [PDFPage] = []
        var visited: Set<PDFReference> = []
        try walkPageTree(root, inherited: Inherited(), depth: 0, visited: &visited, into: &pages)
        return pages
    }

    private struct Inherited {
        var resources: PDFObject?
        var mediaBox: PDFObject?
        var cropBox: PDFObject?
        var rotate: PDFObject?
    }

    private func walkPageTree(
        _ node: PDFObject, inherited: Inherited, depth: Int, visited: inout Set<PDFReference>, into pages: inout [PDFPage]
    ) throws {
        guard depth <= options.maximumNestingDepth else {
            throw PDFError(.nestingTooDeep, "the page tree is deeper than \(options.maximumNestingDepth)")
        }
        let reference = node.referenceValue
        if let reference, !visited.insert(reference).inserted {
            throw PDFError(.referenceCycle, "the page tree visits \(reference) twice")
        }
        guard let dictionary = try self.dictionary(node) else {
            throw PDFError(.invalidStructure, "a page tree node is not a dictionary")
        }
        var attributes = inherited
        attributes.resources = dictionary["Resources"] ?? inherited.resources
        attributes.mediaBox = dictionary["MediaBox"] ?? inherited.mediaBox
        attributes.cropBox = dictionary["CropBox"] ?? inherited.cropBox
        attributes.rotate = dictionary["Rotate"] ?? inherited.rotate
        let kids = try self.array(dictionary["Kids"])
        if dictionary.name("Type") == "Pages" || (dictionary.name("Type") != "Page" && kids != nil) {
            for kid in kids ?? [] {
                try walkPageTree(kid, inherited: attributes, depth: depth + 1, visited: &visited, into: &pages)
            }
            return
        }
        let mediaBox = try rectangle(attributes.mediaBox)
        pages.append(
            PDFPage(
                index: pages.count, reference: reference, dictionary: dictionary, resources: attributes.resources,
                mediaBox: mediaBox, cropBox: try rectangle(attributes.cropBox) ?? mediaBox,
                rotate: try resolve(attributes.rotate ?? .integer(0)).integerValue ?? 0))
    }

    private func rectangle(_ object: PDFObject?) throws -> [Double]? {
        guard let items = try self.array(object), items.count == 4 else { return nil }
        let numbers = try items.compactMap { try resolve($0).numberValue }
        return numbers.count == 4 ? numbers : nil
    }
}
