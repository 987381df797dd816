extension PDFModificationAnalyzer {
    /// Which object plays which part, found once per comparison: page content and resources (of the signed and the
    /// current document), what belongs to signatures, validation data, the form's resources and annotations.
    struct Context {
        let signedPages: [PDFPage]
        let currentPages: [PDFPage]
        /// Object number → page number (1-based) whose /Contents it is or is part of.
        var contentOwner: [Int: Int] = [:]
        /// Object number → page number whose /Resources it is or is reachable from.
        var resourceOwner: [Int: Int] = [:]
        /// Objects reachable from the current DSS, and from the signed revision's DSS.
        var validationData: Set<Int> = []
        var signedValidationData: Set<Int> = []
        /// Objects of the current signature fields: the fields, their widgets and values, and everything their
        /// appearance streams reach; with what kind of signature each belongs to.
        var signatureParts: [Int: Addition] = [:]
        /// Objects reachable from the current form's /DR.
        var formResources: Set<Int> = []
        /// Objects of annotations other than signature widgets and their appearances, with a sentence naming them.
        var annotationParts: [Int: String] = [:]
        /// Every object the current document refers to, from its trailer's /Root and /Info.
        var inUse: Set<Int> = []

        init(signed: PDFFile, current: PDFFile) {
            signedPages = (try? signed.pages()) ?? []
            currentPages = (try? current.pages()) ?? []
            for (file, pages) in [(signed, signedPages), (current, currentPages)] {
                for page in pages {
                    for number in Self.reach([page.dictionary["Contents"] ?? .null], in: file) where contentOwner[number] == nil {
                        contentOwner[number] = page.index + 1
                    }
                    for number in Self.reach([page.resources ?? .null], in: file) where resourceOwner[number] == nil {
                        resourceOwner[number] = page.index + 1
                    }
                }
            }
            validationData = Self.reach([(try? current.catalog())?["DSS"] ?? .null], in: current)
            signedValidationData = Self.reach([(try? signed.catalog())?["DSS"] ?? .null], in: signed)
            formResources = Self.reach([(try? current.acroForm())?["DR"] ?? .null], in: current)
            for field in (try? current.formFields()) ?? [] where field.fieldType == "Sig" {
                guard let reference = field.reference,
                    let kind = Self.signatureKind(of: .reference(reference), in: current)
                else { continue }
                var roots: [PDFObject] = [.reference(reference)]
                roots += (try? current.array(field.dictionary["Kids"])) ?? []
                for number in Self.reach(roots, in: current, skipping: ["P", "Parent", "V"]) { signatureParts[number] = kind }
                for number in Self.reach([field.value ?? .null], in: current, skipping: ["P", "Parent", "Data"]) {
                    signatureParts[number] = kind
                }
            }
            inUse = Self.reach([current.trailer["Root"] ?? .null, current.trailer["Info"] ?? .null], in: current, skipping: [])
            for page in currentPages {
                for annotation in (try? current.array(page.dictionary["Annots"])) ?? []
                where Self.signatureKind(of: annotation, in: current) == nil {
                    let subtype = (try? current.dictionary(annotation))?.name("Subtype") ?? "?"
                    for number in Self.reach([annotation], in: current) where annotationParts[number] == nil {
                        annotationParts[number] = "an annotation (\(subtype)) was added to page \(page.index + 1)"
                    }
                }
            }
        }

        /// `.signature` or `.documentTimestamp` when `object` is (or refers to) a signature field or the widget of
        /// one (/FT /Sig on it or a /Parent), by the type of its value; nil otherwise.
        static func signatureKind(of object: PDFObject, in file: PDFFile) -> Addition? {
            var node = try? file.dictionary(object)
            var depth = 0
            while let dictionary = node, depth < 16 {
                if dictionary.name("FT") == "Sig" {
                    let value = try? file.dictionary(dictionary["V"])
                    let timestamp = value?.name("Type") == "DocTimeStamp" || value?.name("SubFilter") == "ETSI.RFC3161"
                    return timestamp ? .documentTimestamp : .signature
                }
                if dictionary["FT"] != nil { return nil }
                node = try? file.dictionary(dictionary["Parent"])
                depth += 1
            }
            return nil
        }

        /// The object numbers reachable from `roots` through references, not following the `skipping` keys of
        /// dictionaries (by default the back links /P and /Parent), up to `limit` objects.
        static func reach(
            _ roots: [PDFObject], in file: PDFFile, skipping: Set<String> = ["P", "Parent"], limit: Int = 200_000
        ) -> Set<Int> {
            var found = Set<Int>()
            var pending = roots
            while let object = pending.popLast(), found.count < limit {
                switch object {
                case .reference(let reference):
                    guard found.insert(reference.objectNumber).inserted,
                        let target = try? file.object(for: reference)
                    else { continue }
                    pending.append(target)
                case .array(let items): pending += items
                case .dictionary(let dictionary):
                    for (key, value) in dictionary where !skipping.contains(key) { pending.append(value) }
                case .stream(let stream):
                    for (key, value) in stream.dictionary where !skipping.contains(key) { pending.append(value) }
                default: continue
                }
            }
            return found
        }
    }
}
