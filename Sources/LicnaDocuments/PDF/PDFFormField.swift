/// A terminal field of the interactive form (ISO 32000-1 §12.7.3): the field whose kids, if any, are only its
/// widget annotations. Inheritable attributes (/FT, /V; §12.7.3.1, Table 220) are resolved from its ancestors.
public struct PDFFormField: Sendable {
    /// The fully qualified name: the partial names (/T) of the field and its ancestors joined by periods
    /// (§12.7.3.2).
    public let fullyQualifiedName: String
    /// The field's reference, when it is an indirect object (as it should be).
    public let reference: PDFReference?
    /// The field dictionary as stored.
    public let dictionary: PDFDictionary
    /// The field type (/FT): `Btn`, `Tx`, `Ch` or `Sig`, possibly inherited.
    public let fieldType: String?
    /// The value (/V), possibly inherited; for a signature field a reference to the signature dictionary.
    public let value: PDFObject?
}

extension PDFFile {
    /// The interactive form dictionary (§12.7.2), or nil when the document has none.
    public func acroForm() throws -> PDFDictionary? {
        try self.dictionary(try catalog()["AcroForm"])
    }

    /// Every terminal field of the interactive form, in /Fields order, depth first.
    public func formFields() throws -> [PDFFormField] {
        guard let fields = try self.array(try acroForm()?["Fields"]) else { return [] }
        var result: [PDFFormField] = []
        var visited: Set<PDFReference> = []
        for field in fields {
            try walkField(field, parentName: nil, fieldType: nil, value: nil, depth: 0, visited: &visited, into: &result)
        }
        return result
    }

    private func walkField(
        _ node: PDFObject, parentName: String?, fieldType: String?, value: PDFObject?, depth: Int,
        visited: inout Set<PDFReference>, into result: inout [PDFFormField]
    ) throws {
        guard depth <= options.maximumNestingDepth else {
            throw PDFError(.nestingTooDeep, "form fields nest deeper than \(options.maximumNestingDepth)")
        }
        let reference = node.referenceValue
        if let reference, !visited.insert(reference).inserted { return }
        guard let dictionary = try self.dictionary(node) else { return }
        let partial = try resolve(dictionary["T"] ?? .null).stringValue?.text
        let name: String? =
            switch (parentName, partial) {
            case (let parent?, let partial?): "\(parent).\(partial)"
            case (nil, let partial?): partial
            case (let parent, nil): parent
            }
        let type = try resolve(dictionary["FT"] ?? .null).nameValue ?? fieldType
        let fieldValue = dictionary["V"] ?? value
        var childFields: [PDFObject] = []
        for kid in try self.array(dictionary["Kids"]) ?? [] {
            // A kid without /T is a widget annotation of this field, not a field of its own (§12.7.3.1).
            if let kidDictionary = try self.dictionary(kid), kidDictionary["T"] != nil { childFields.append(kid) }
        }
        guard childFields.isEmpty else {
            for child in childFields {
                try walkField(
                    child, parentName: name, fieldType: type, value: fieldValue, depth: depth + 1, visited: &visited,
                    into: &result)
            }
            return
        }
        result.append(
            PDFFormField(
                fullyQualifiedName: name ?? "", reference: reference, dictionary: dictionary, fieldType: type,
                value: fieldValue))
    }
}
