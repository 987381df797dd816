/// What the incremental updates after a signed revision changed, object by object against the object as it was
/// signed, and whether each change is one that may follow a signature.
///
/// Allowed after signing (ISO 32000-2 §12.8.2.2, ETSI EN 319 142-1 §5.4): further signatures and document
/// timestamps with their fields, widgets and appearance streams (and the form XObjects, fonts and other objects
/// only those appearances use), the DSS with its streams and VRI, the form's /Fields (additions), /SigFlags, /DR and
/// /DA, the catalog's /AcroForm, /DSS and /Extensions, a page's /Annots gaining signature widgets, metadata (the
/// trailer's /Info as text only, the catalog's XMP /Metadata stream and /Version: pyHanko updates them with every
/// signature), and cross-reference and object streams. Everything else — content streams, page resources, other annotations,
/// catalog actions, names, removed fields, earlier signatures — is not. A certification signature's DocMDP
/// permissions (Table 254) narrow this: P=1 leaves only validation data and document timestamps, P=3 adds
/// annotations.
struct PDFModificationAnalyzer {
    /// What an allowed change adds; the certification decides which are permitted.
    enum Addition: String, CaseIterable {
        case validationData = "validation data"
        case documentTimestamp = "a document timestamp"
        case signature = "a signature"
        case annotation = "an annotation"
        /// The trailer's /Info (text only), the catalog's XMP /Metadata stream and /Version: metadata no page shows,
        /// which signing tools (pyHanko, for one) update with every signature.
        case metadata = "document metadata"
    }

    struct Result {
        /// What the updates added that is allowed.
        var additions: Set<Addition> = []
        /// What changed that is not allowed, in plain words ("the page 1 content was changed"), each once.
        var disallowed: [String] = []

        mutating func refuse(_ sentence: String) {
            if !disallowed.contains(sentence) { disallowed.append(sentence) }
        }
    }

    /// The document as signed and as it is now.
    let signed: PDFFile
    let current: PDFFile
    /// The DocMDP /P of a certification in force in the signed revision, or nil.
    let certification: Int?

    init(signed: PDFFile, current: PDFFile) {
        self.signed = signed
        self.current = current
        certification = signed.certificationPermissions()
    }

    var permitted: Set<Addition> {
        switch certification {
        case 1?: return [.validationData, .documentTimestamp, .metadata]
        case 3?: return Set(Addition.allCases)
        default: return [.validationData, .documentTimestamp, .signature, .metadata]
        }
    }

    /// Compares every object the updates written at or after `offset` (where the signed revision ends) store or free.
    func analyse(after offset: Int) -> Result {
        var result = Result()
        let (stored, freed) = current.objectsChanged(after: offset)
        let context = Context(signed: signed, current: current)
        var handled = Set<Int>()
        if signed.trailer["Root"] != current.trailer["Root"] {
            result.refuse("the document catalog was replaced")
        } else {
            compareCatalogs(into: &result)
            compareForms(into: &result, handled: &handled)
            comparePages(context, into: &result, handled: &handled)
            if let number = current.catalogReference?.objectNumber { handled.insert(number) }
        }
        if (try? signed.dictionary(signed.catalog()["DSS"])) != (try? current.dictionary(current.catalog()["DSS"])) {
            record(.validationData, "validation data was changed", into: &result)
        }
        // Not only what the new cross-reference sections list: an object stream rewritten in place, or a /Prev that
        // skips a signed section, changes objects no new entry names. Every object the document refers to now is
        // compared with its signed version too.
        for number in stored.union(context.inUse).sorted() {
            let old = (try? signed.object(for: PDFReference(objectNumber: number))) ?? .null
            let new = (try? current.object(for: PDFReference(objectNumber: number))) ?? .null
            guard old != new else { continue }
            // What a page shows comes first: a content stream stays one whatever else refers to it.
            if let page = context.contentOwner[number] {
                result.refuse("the page \(page) content was changed")
            } else if let page = context.resourceOwner[number] {
                result.refuse("the page \(page) resources were changed")
            } else if !handled.contains(number) {
                classify(number, old: old, new: new, context, into: &result)
            }
        }
        for number in freed.sorted() {
            let old = (try? signed.object(for: PDFReference(objectNumber: number))) ?? .null
            guard old != .null, !Self.isCrossReferenceMachinery(old) else { continue }
            result.refuse("\(Self.describe(old, number)) was deleted")
        }
        return result
    }

    /// One object outside the catalog, form and page dictionaries.
    private func classify(_ number: Int, old: PDFObject, new: PDFObject, _ context: Context, into result: inout Result) {
        if Self.isCrossReferenceMachinery(new), old == .null { return }
        if Self.isCrossReferenceMachinery(old) {
            return result.refuse("a compressed-object stream of the signed document (object \(number)) was rewritten")
        }
        // Metadata only where the signed document had it, or in a new object: pointing /Info or /Metadata at an
        // existing object must not make that object's change pass as metadata.
        let signedInfo = signed.trailer["Info"]?.referenceValue?.objectNumber
        let signedMetadata = (try? signed.catalog())?["Metadata"]?.referenceValue?.objectNumber
        if current.trailer["Info"]?.referenceValue?.objectNumber == number, old == .null || signedInfo == number,
           case .dictionary(let information) = new {
            // Only text and dates; a reference could lead anywhere.
            guard information.allSatisfy({ $0.value.referenceValue == nil && $0.value.dictionaryValue == nil && $0.value.arrayValue == nil }) else {
                return result.refuse("the document information (/Info) was changed to refer to other objects")
            }
            return record(.metadata, "the document information (/Info) was changed", into: &result)
        }
        if (try? current.catalog())?["Metadata"]?.referenceValue?.objectNumber == number, old == .null || signedMetadata == number,
           case .stream(let stream) = new,
            stream.dictionary.name("Type") == "Metadata", stream.dictionary.name("Subtype") == "XML" {
            return record(.metadata, "the document's XMP metadata was changed", into: &result)
        }
        if old == .null {
            if context.validationData.contains(number) { return record(.validationData, "validation data was added", into: &result) }
            if let kind = context.signatureParts[number] { return record(kind, "\(kind.rawValue) was added", into: &result) }
            if let type = new.dictionaryValue?.name("Type"), type == "Sig" || type == "DocTimeStamp" {
                let kind: Addition = type == "Sig" ? .signature : .documentTimestamp
                return record(kind, "\(kind.rawValue) was added", into: &result)
            }
            if context.formResources.contains(number) { return }
            if let sentence = context.annotationParts[number] { return record(.annotation, sentence, into: &result) }
            // Left over, e.g. a DSS a later one replaced: nothing in the document refers to it, so nothing shows it.
            if !context.inUse.contains(number) { return }
            return result.refuse("\(Self.describe(new, number)), part of neither a signature nor validation data, was added")
        }
        if context.signedValidationData.contains(number) { return record(.validationData, "validation data was changed", into: &result) }
        guard let before = old.dictionaryValue, let after = new.dictionaryValue else {
            return result.refuse("\(Self.describe(old, number)) was changed")
        }
        if ["Sig", "DocTimeStamp"].contains(before.name("Type")) {
            return result.refuse("a signature made earlier (object \(number)) was changed")
        }
        if let kind = Context.signatureKind(of: old, in: signed) {
            let name = (try? signed.resolve(before["T"] ?? .null))?.stringValue?.text ?? "\(number)"
            let changed = Self.changedKeys(before, after)
            if before["V"] != nil {
                return result.refuse("the signature field \(name), already signed, was changed (\(changed.sorted().map { "/" + $0 }.joined(separator: ", ")))")
            }
            guard changed.isSubset(of: ["V", "AP", "AS", "MK"]) else {
                return result.refuse("the signature field \(name) was changed (\(changed.sorted().map { "/" + $0 }.joined(separator: ", ")))")
            }
            let filled = Context.signatureKind(of: new, in: current) ?? kind
            return record(filled, "\(filled.rawValue) was added", into: &result)
        }
        if before["Subtype"] != nil, before["Rect"] != nil, before.name("Subtype") != "Widget" {
            return record(.annotation, "an annotation (\(before.name("Subtype") ?? "?")) was changed", into: &result)
        }
        result.refuse("\(Self.describe(old, number)) was changed")
    }

    private func record(_ addition: Addition, _ sentence: String, into result: inout Result) {
        if permitted.contains(addition) {
            result.additions.insert(addition)
        } else if let level = certification {
            result.refuse("\(sentence), which the document's certification does not allow (DocMDP P=\(level))")
        } else {
            result.refuse(sentence)
        }
    }

    // MARK: The catalog, the form and the pages, compared by meaning

    private func compareCatalogs(into result: inout Result) {
        guard let before = try? signed.catalog(), let after = try? current.catalog() else {
            return result.refuse("the document catalog cannot be read")
        }
        for key in Self.changedKeys(before, after).sorted() where !["AcroForm", "DSS", "Extensions"].contains(key) {
            switch key {
            case "Version" where after["Version"]?.nameValue != nil:
                record(.metadata, "the document's PDF version (/Version) was changed", into: &result)
            case "Metadata" where after["Metadata"]?.referenceValue != nil:
                record(.metadata, "the document's XMP metadata was changed", into: &result)
            case "OpenAction": result.refuse("the action run when the document opens (/OpenAction) was changed")
            case "AA": result.refuse("the document's automatic actions (/AA) were changed")
            case "Names": result.refuse("the document's name tree (/Names: JavaScript, embedded files, destinations) was changed")
            case "Pages": result.refuse("the page tree (/Pages) was replaced")
            case "Perms": result.refuse("the document's permissions (/Perms) were changed")
            default: result.refuse("the document catalog entry /\(key) was changed")
            }
        }
    }

    private func compareForms(into result: inout Result, handled: inout Set<Int>) {
        let before = (try? signed.acroForm()) ?? PDFDictionary()
        let after = (try? current.acroForm()) ?? PDFDictionary()
        let signedForm = (try? signed.catalog())?["AcroForm"]?.referenceValue?.objectNumber
        let signedFields = before["Fields"]?.referenceValue?.objectNumber
        if let number = (try? current.catalog())?["AcroForm"]?.referenceValue?.objectNumber { claim(number, was: signedForm, &handled) }
        if let number = after["Fields"]?.referenceValue?.objectNumber { claim(number, was: signedFields, &handled) }
        for key in Self.changedKeys(before, after).sorted() where !["Fields", "SigFlags", "DR", "DA"].contains(key) {
            result.refuse("the form's /\(key) entry was changed")
        }
        let old = (try? signed.array(before["Fields"])) ?? []
        let new = (try? current.array(after["Fields"])) ?? []
        if old.contains(where: { !new.contains($0) }) { result.refuse("a form field was removed") }
        for field in new where !old.contains(field) {
            if Context.isUnsignedAndVisible(field, in: current) {
                result.refuse("an unsigned signature field with a visible area was added")
            } else if let kind = Context.signatureKind(of: field, in: current) {
                record(kind, "\(kind.rawValue) field was added", into: &result)
            } else {
                let name = (try? current.dictionary(field)).flatMap { try? current.resolve($0["T"] ?? .null) }?.stringValue?.text
                result.refuse("a form field\(name.map { " (\($0))" } ?? "") that is not a signature field was added")
            }
        }
    }

    private func comparePages(_ context: Context, into result: inout Result, handled: inout Set<Int>) {
        let before = context.signedPages
        let after = context.currentPages
        if before.map(\.reference) != after.map(\.reference) {
            result.refuse("pages were added, removed or reordered (the document had \(before.count), now \(after.count))")
        }
        for page in after {
            guard let reference = page.reference, let old = before.first(where: { $0.reference == reference }) else { continue }
            let number = page.index + 1
            handled.insert(reference.objectNumber)
            if let annots = page.dictionary["Annots"]?.referenceValue?.objectNumber {
                claim(annots, was: old.dictionary["Annots"]?.referenceValue?.objectNumber, &handled)
            }
            for key in Self.changedKeys(old.dictionary, page.dictionary).sorted() where key != "Annots" {
                switch key {
                case "Contents": result.refuse("the page \(number) content was changed")
                case "Resources": result.refuse("the page \(number) resources were changed")
                default: result.refuse("the page \(number) entry /\(key) was changed")
                }
            }
            let oldAnnotations = (try? signed.array(old.dictionary["Annots"])) ?? []
            let newAnnotations = (try? current.array(page.dictionary["Annots"])) ?? []
            if oldAnnotations.contains(where: { !newAnnotations.contains($0) }) {
                result.refuse("an annotation was removed from page \(number)")
            }
            for annotation in newAnnotations where !oldAnnotations.contains(annotation) {
                if Context.isUnsignedAndVisible(annotation, in: current) {
                    result.refuse("an unsigned signature field with a visible area was added to page \(number)")
                } else if let kind = Context.signatureKind(of: annotation, in: current) {
                    record(kind, "\(kind.rawValue) was added", into: &result)
                } else {
                    let subtype = (try? current.dictionary(annotation))?.name("Subtype") ?? "?"
                    record(.annotation, "an annotation (\(subtype)) was added to page \(number)", into: &result)
                }
            }
        }
    }

    // MARK: Helpers

    /// Marks `number` as compared by meaning (form, fields, annotations array) when it played the same part in the
    /// signed document or is new; an existing object re-pointed into that part is left to be classified.
    private func claim(_ number: Int, was signedNumber: Int?, _ handled: inout Set<Int>) {
        let existed = ((try? signed.object(for: PDFReference(objectNumber: number))) ?? .null) != .null
        if number == signedNumber || !existed { handled.insert(number) }
    }

    static func changedKeys(_ before: PDFDictionary, _ after: PDFDictionary) -> Set<String> {
        Set(before.keys + after.keys).filter { before[$0] != after[$0] }
    }

    static func isCrossReferenceMachinery(_ object: PDFObject) -> Bool {
        guard case .stream(let stream) = object else { return false }
        return ["XRef", "ObjStm"].contains(stream.dictionary.name("Type"))
    }

    /// "object 12 (a Font)", "object 7 (a stream)".
    static func describe(_ object: PDFObject, _ number: Int) -> String {
        let kind: String
        switch object {
        case .stream(let stream): kind = stream.dictionary.name("Type").map { "a \($0) stream" } ?? "a stream"
        case .dictionary(let dictionary):
            kind = (dictionary.name("Type") ?? dictionary.name("Subtype")).map { "a \($0) dictionary" } ?? "a dictionary"
        case .array: kind = "an array"
        default: kind = "a value"
        }
        return "object \(number) (\(kind))"
    }
}
