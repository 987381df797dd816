extension PDFFile {
    /// Every signature and document timestamp in the file (ISO 32000-1 §12.8, ETSI EN 319 142-1): the values of
    /// signature fields (/FT /Sig with /V), and every other dictionary stored in the file with /Type /Sig or
    /// /DocTimeStamp. Ordered by where their /ByteRange ends, i.e. in signing order.
    ///
    /// - Throws: `PDFError.Code.encrypted` for encrypted files; structural errors of the catalog or form.
    public func signatures() throws -> [PDFSignature] {
        try requireUnencrypted()
        var found: [PDFSignature] = []
        var seen: Set<PDFReference> = []
        for field in try formFields() where field.fieldType == "Sig" {
            guard let value = field.value, value != .null else { continue }
            if let reference = value.referenceValue, !seen.insert(reference).inserted { continue }
            guard let dictionary = try self.dictionary(value) else { continue }
            found.append(
                signature(
                    dictionary, reference: value.referenceValue, fieldName: field.fullyQualifiedName,
                    fieldReference: field.reference))
        }
        for (number, entry) in entries.sorted(by: { $0.key < $1.key }) {
            guard case .inFile = entry, let reference = Optional(PDFReference(objectNumber: number)),
                !seen.contains(reference), case .dictionary(let dictionary)? = try? object(for: reference),
                ["Sig", "DocTimeStamp"].contains(dictionary.name("Type"))
            else { continue }
            seen.insert(reference)
            found.append(signature(dictionary, reference: reference, fieldName: nil, fieldReference: nil))
        }
        return found.sorted { ($0.byteRange?.end ?? Int.max) < ($1.byteRange?.end ?? Int.max) }
    }

    private func signature(
        _ dictionary: PDFDictionary, reference: PDFReference?, fieldName: String?, fieldReference: PDFReference?
    ) -> PDFSignature {
        let text = { (key: String) -> String? in (try? self.resolve(dictionary[key] ?? .null))?.stringValue?.text }
        let rawContents = dictionary["Contents"]?.stringValue?.bytes
        var problem: PDFError?
        var byteRange: PDFByteRange?
        do {
            byteRange = try checkedByteRange(dictionary, reference: reference, contents: rawContents)
        } catch let error as PDFError {
            problem = error
        } catch {
            problem = PDFError(.invalidByteRange, "\(error)")
        }
        let end = byteRange?.end
        let revision = end.flatMap { end in revisions.first { $0.ends(at: end) }?.index }
        var coversWholeFile = false
        if let end, end <= bytes.count {
            // Bytes after the range may only be the end-of-line after `%%EOF`.
            coversWholeFile = end == bytes.count
                || (bytes.count - end <= 2 && bytes[end...].allSatisfy { $0 == 0x0A || $0 == 0x0D }
                    && revisions.contains { $0.markerEndOffset == end })
        }
        let signingTimeText = text("M")
        return PDFSignature(
            fieldName: fieldName, fieldReference: fieldReference, reference: reference, dictionary: dictionary,
            type: dictionary.name("Type"), filter: dictionary.name("Filter"), subFilter: dictionary.name("SubFilter"),
            byteRange: byteRange, contents: PDFSignature.trimmedDER(rawContents ?? []),
            signingTimeText: signingTimeText, signingTime: signingTimeText.flatMap(PDFDate.parse),
            reason: text("Reason"), location: text("Location"), contactInfo: text("ContactInfo"),
            signerName: text("Name"), revisionIndex: revision, coversWholeFile: coversWholeFile, problem: problem)
    }

    /// The /ByteRange, checked against the file: the gap must be exactly a hex string `<…>` holding the /Contents
    /// bytes, inside the signature dictionary's own object (§12.8.1: the range covers the whole file except the
    /// /Contents value).
    private func checkedByteRange(
        _ dictionary: PDFDictionary, reference: PDFReference?, contents: [UInt8]?
    ) throws -> PDFByteRange {
        guard let values = dictionary["ByteRange"]?.arrayValue else {
            throw PDFError(.invalidByteRange, "the signature dictionary has no direct /ByteRange array")
        }
        let numbers = values.compactMap { value -> Int? in
            if case .integer(let number) = value { return number }
            return nil
        }
        guard numbers.count == values.count else {
            throw PDFError(.invalidByteRange, "/ByteRange holds something other than integers")
        }
        let range = try PDFByteRange(numbers, fileSize: bytes.count)
        guard let contents else {
            throw PDFError(.invalidByteRange, "the signature dictionary has no direct /Contents string")
        }
        let gap = range.gap
        guard gap.count >= 2, bytes[gap.lowerBound] == UInt8(ascii: "<"), bytes[gap.upperBound - 1] == UInt8(ascii: ">")
        else {
            throw PDFError(
                .invalidByteRange, "the bytes /ByteRange leaves out are not a hex string", at: gap.lowerBound)
        }
        let inner = bytes[(gap.lowerBound + 1)..<(gap.upperBound - 1)]
        guard inner.count % 2 == 0, inner.allSatisfy({ PDFLexer.hexValue($0) != nil }),
            let decoded = try? PDFStreamDecoder.asciiHex(inner), decoded == contents
        else {
            throw PDFError(
                .invalidByteRange, "the bytes /ByteRange leaves out are not exactly the /Contents value",
                at: gap.lowerBound)
        }
        if let reference {
            guard let span = try byteSpan(of: reference), span.contains(gap.lowerBound), span.contains(gap.upperBound - 1)
            else {
                throw PDFError(
                    .invalidByteRange, "the bytes /ByteRange leaves out are outside the signature dictionary",
                    at: gap.lowerBound)
            }
        }
        return range
    }
}
