import LicnaPKI

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
                // One traversal per document and role: what an earlier page reached is not walked again (pages
                // sharing resources would otherwise cost pages × objects).
                var contents = Set<Int>()
                var resources = Set<Int>()
                for page in pages {
                    for number in Self.reach([page.dictionary["Contents"] ?? .null], in: file, visited: &contents) {
                        contentOwner[number] = contentOwner[number] ?? page.index + 1
                    }
                    for number in Self.reach([page.resources ?? .null], in: file, visited: &resources) {
                        resourceOwner[number] = resourceOwner[number] ?? page.index + 1
                    }
                }
            }
            validationData = Self.validationData(of: current)
            signedValidationData = Self.validationData(of: signed)
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
        /// one (/FT /Sig on it or a /Parent), by the type of its value; nil otherwise. Only a widget without actions
        /// counts (an annotation of another subtype, or one with /A or /AA, is not a signature's part whatever /FT it
        /// claims), and a document timestamp only when its token verifies over its /ByteRange: certification P=1
        /// allows document timestamps, so a fake one must not pass as one.
        static func signatureKind(of object: PDFObject, in file: PDFFile) -> Addition? {
            var node = try? file.dictionary(object)
            if let start = node, (start["Subtype"] != nil && start.name("Subtype") != "Widget") || start["A"] != nil || start["AA"] != nil {
                return nil
            }
            var depth = 0
            while let dictionary = node, depth < 16 {
                if dictionary.name("FT") == "Sig" {
                    let value = try? file.dictionary(dictionary["V"])
                    let timestamp = value?.name("Type") == "DocTimeStamp" || value?.name("SubFilter") == "ETSI.RFC3161"
                    guard timestamp else { return .signature }
                    return value.map { isGenuineTimestamp($0, in: file) } == true ? .documentTimestamp : nil
                }
                if dictionary["FT"] != nil { return nil }
                node = try? file.dictionary(dictionary["Parent"])
                depth += 1
            }
            return nil
        }

        /// The DSS dictionary and what its /Certs, /OCSPs, /CRLs and /VRI reach (ETSI EN 319 142-1 §5.4.2), not
        /// whatever else a crafted DSS might refer to: an action or appearance hung on it is not validation data.
        static func validationData(of file: PDFFile) -> Set<Int> {
            guard let reference = (try? file.catalog())?["DSS"], let dss = try? file.dictionary(reference) else { return [] }
            var found = Set<Int>()
            if let number = reference.referenceValue?.objectNumber { found.insert(number) }
            let roots = ["Certs", "OCSPs", "CRLs", "VRI"].compactMap { dss[$0] }
            return found.union(reach(roots, in: file))
        }

        /// Whether a document timestamp's RFC 3161 token verifies over the bytes its /ByteRange names.
        static func isGenuineTimestamp(_ value: PDFDictionary, in file: PDFFile) -> Bool {
            guard let range = (try? file.array(value["ByteRange"]))?.compactMap({ $0.integerValue }), range.count == 4,
                  range.allSatisfy({ $0 >= 0 }), range[0] <= file.bytes.count - range[1], range[2] <= file.bytes.count - range[3],
                  range[0] + range[1] <= range[2],
                  let contents = value["Contents"]?.stringValue?.bytes
            else { return false }
            let signed = Array(file.bytes[range[0]..<range[0] + range[1]]) + Array(file.bytes[range[2]..<range[2] + range[3]])
            return (try? TimeStampToken(tokenDER: PDFSignature.trimmedDER(contents)).verify(data: signed)) != nil
        }

        /// Whether a signature field (or the widget `object` belongs to) has no value yet but a widget with an area:
        /// an unsigned field could draw anything over the page through its appearance.
        static func isUnsignedAndVisible(_ object: PDFObject, in file: PDFFile) -> Bool {
            var node = try? file.dictionary(object)
            var depth = 0
            while let dictionary = node, dictionary.name("FT") != "Sig", depth < 16 {
                node = try? file.dictionary(dictionary["Parent"])
                depth += 1
            }
            guard let field = node, field.name("FT") == "Sig", field["V"] == nil || field["V"] == .null else { return false }
            let widgets = [field] + ((try? file.array(field["Kids"])) ?? []).compactMap { try? file.dictionary($0) }
            return widgets.contains { widget in
                guard let rect = (try? file.array(widget["Rect"]))?.compactMap({ $0.numberValue }), rect.count == 4 else { return false }
                return abs(rect[2] - rect[0]) > 0 && abs(rect[3] - rect[1]) > 0
            }
        }

        /// The object numbers reachable from `roots` through references, not following the `skipping` keys of
        /// dictionaries (by default the back links /P and /Parent), up to `limit` objects.
        static func reach(
            _ roots: [PDFObject], in file: PDFFile, skipping: Set<String> = ["P", "Parent"], limit: Int = 200_000
        ) -> Set<Int> {
            var visited = Set<Int>()
            return reach(roots, in: file, skipping: skipping, limit: limit, visited: &visited)
        }

        /// `reach`, not entering objects already in `visited` (which gains what is found); returns only the new ones.
        static func reach(
            _ roots: [PDFObject], in file: PDFFile, skipping: Set<String> = ["P", "Parent"], limit: Int = 200_000,
            visited: inout Set<Int>
        ) -> Set<Int> {
            var found = Set<Int>()
            var pending = roots
            while let object = pending.popLast(), found.count < limit {
                switch object {
                case .reference(let reference):
                    guard visited.count < limit, visited.insert(reference.objectNumber).inserted,
                        found.insert(reference.objectNumber).inserted,
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
