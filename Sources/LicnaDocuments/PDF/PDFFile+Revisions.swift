extension PDFFile {
    /// The file as it stood when the revision ending at `offset` was its newest (ISO 32000-1 §7.5.6): the bytes
    /// before `offset` opened on their own, so that every object reads as of that revision. A signature's
    /// /ByteRange ends where its revision ends; this is the document that was signed.
    public func revision(endingAt offset: Int) throws -> PDFFile {
        guard offset > 0, offset <= bytes.count else {
            throw PDFError(.invalidStructure, "no revision ends at offset \(offset) of a \(bytes.count)-byte file")
        }
        return try PDFFile(bytes: Array(bytes[..<offset]), options: options)
    }

    /// The object numbers that updates written at or after `offset` list, split into those they store and those
    /// they free: what changed after the revision ending there.
    public func objectsChanged(after offset: Int) -> (stored: Set<Int>, freed: Set<Int>) {
        var newest: [Int: PDFCrossReferenceEntry] = [:]
        for section in crossReferenceSections where section.offset >= offset {  // newest first
            for (number, entry) in section.entries where number > 0 && newest[number] == nil { newest[number] = entry }
        }
        let freed = Set(newest.filter { $0.value == .free }.keys)
        return (Set(newest.keys).subtracting(freed), freed)
    }
}

extension PDFFile {
    /// The access permissions of the certification signature (ISO 32000-1 §12.8.2.2.2, Table 254): the /P of the
    /// DocMDP transform parameters of the signature the catalog's /Perms /DocMDP names. 1: no changes; 2: form
    /// filling and signing; 3: also annotations. nil when the document is not certified; 2 when /P is absent; 1 (the
    /// strictest) when /P holds something else.
    public func certificationPermissions() -> Int? {
        guard let catalog = try? catalog(), let permissions = try? dictionary(catalog["Perms"]),
            let signature = try? dictionary(permissions["DocMDP"])
        else { return nil }
        for item in (try? array(signature["Reference"])) ?? [] {
            guard let reference = try? dictionary(item), reference.name("TransformMethod") == "DocMDP" else { continue }
            guard let value = (try? dictionary(reference["TransformParams"]))?["P"] else { return 2 }
            let level = (try? resolve(value))?.integerValue ?? 0
            return (1...3).contains(level) ? level : 1
        }
        return 2
    }
}
