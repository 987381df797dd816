extension PDFFile {
    struct Recovered {
        var entries: [Int: PDFCrossReferenceEntry]
        var trailer: PDFDictionary
        var offsets: [Int: (offset: Int, generation: Int)]
    }

    /// Rebuilds the cross-reference from a scan of the whole file (see `PDFRecoveryScanner`): direct objects at their
    /// last definition, objects of object streams (§7.5.7) where no direct definition exists, and a trailer from
    /// the last `trailer` with /Root, else from the last cross-reference stream with /Root, else pointing at a
    /// /Type /Catalog object.
    static func recover(bytes: [UInt8], options: Options) throws -> Recovered {
        let scan = PDFRecoveryScanner(bytes: bytes, options: options).scan()
        guard !scan.offsets.isEmpty else {
            throw PDFError(.invalidCrossReference, "no cross-reference information and no objects in the file")
        }
        var entries: [Int: PDFCrossReferenceEntry] = [:]
        for (number, location) in scan.offsets {
            entries[number] = .inFile(offset: location.offset, generation: location.generation)
        }
        var trailer = PDFDictionary()
        for candidate in scan.trailers.reversed() where candidate["Root"] != nil {
            trailer = candidate
            break
        }
        var catalog: PDFReference?
        var xrefTrailer: (offset: Int, dictionary: PDFDictionary)?
        for (number, location) in scan.offsets {
            var parser = PDFParser(bytes: bytes, position: location.offset, maximumDepth: options.maximumNestingDepth)
            guard let parsed = try? parser.parseIndirectObject(), let dictionary = parsed.object.dictionaryValue else {
                continue
            }
            switch dictionary.name("Type") ?? "" {
            case "Catalog": catalog = PDFReference(objectNumber: number, generation: location.generation)
            case "XRef" where dictionary["Root"] != nil:
                if location.offset > (xrefTrailer?.offset ?? -1) { xrefTrailer = (location.offset, dictionary) }
            case "ObjStm":
                guard case .stream(let stream) = parsed.object,
                    let data = try? stream.decodedData(options: options),
                    let contents = try? PDFObjectStream(number: number, stream: stream, data: data, options: options)
                else { continue }
                for (index, item) in contents.directory.enumerated() where entries[item.number] == nil {
                    entries[item.number] = .inObjectStream(streamNumber: number, index: index)
                }
            default: continue
            }
        }
        if trailer["Root"] == nil, let xrefTrailer {
            trailer = xrefTrailer.dictionary
            for key in ["Type", "W", "Index", "Length", "Filter", "DecodeParms", "Prev"] { trailer[key] = nil }
        }
        if trailer["Root"] == nil, let catalog { trailer["Root"] = .reference(catalog) }
        trailer["Prev"] = nil
        trailer["XRefStm"] = nil
        trailer["Size"] = .integer((entries.keys.max() ?? 0) + 1)
        return Recovered(entries: entries, trailer: trailer, offsets: scan.offsets)
    }
}
