import Foundation
import LicnaBasics

/// A PDF file opened from untrusted bytes (ISO 32000-1 §7.5): its cross-reference information from `startxref`
/// back through every incremental update (§7.5.6), with indirect objects resolved lazily and cached.
///
/// Objects are parsed from the file's buffer in place; streams keep slices of it, so memory stays near the file's
/// size. When the cross-reference information is missing or damaged, the file is scanned for `N G obj` headers and
/// trailers instead (`wasRecovered`). Safe to share between tasks: the caches are behind a lock.
public final class PDFFile: @unchecked Sendable {
    /// Limits that keep hostile files from exhausting memory, stack or time.
    public struct Options: Sendable {
        /// The largest file accepted; by default ``DocumentLimits/maximumDocumentBytes`` (200 MiB), the limit the
        /// commands apply too.
        public var maximumFileSize = DocumentLimits.maximumDocumentBytes
        /// The largest decoded stream (a guard against zip bombs); 64 MB by default.
        public var maximumDecodedStreamSize = 64 * 1024 * 1024
        /// How deep arrays and dictionaries may nest.
        public var maximumNestingDepth = 64
        /// The highest object number accepted; ISO 32000-1 Annex C gives 8 388 607.
        public var maximumObjectNumber = 8_388_607
        /// How many cross-reference sections (incremental updates) are followed.
        public var maximumCrossReferenceSections = 1_024
        /// How many indirect objects one resolution may pass through (references to references, object streams).
        public var maximumResolutionDepth = 32
        /// The budget of a validation: every stream the reader decodes (cross-reference and object streams, and
        /// streams asked for through `decodedData(of:)`) is charged to it, and decoding stops when it runs out
        /// (`ValidationLimitExceeded`). nil: only the per-stream limit applies.
        public var decodingBudget: ValidationBudget?

        public init() {}
    }

    /// The whole file.
    public let bytes: [UInt8]
    public let options: Options
    /// The newest trailer (§7.5.5), completed with entries only older trailers carry.
    public let trailer: PDFDictionary
    /// The cross-reference sections, newest first; empty when the file was recovered by scanning.
    public let crossReferenceSections: [PDFCrossReferenceSection]
    /// Whether the cross-reference information was damaged and objects were found by scanning the file.
    public let wasRecovered: Bool
    /// The revisions, oldest first: the original document and each incremental update (§7.5.6).
    public let revisions: [PDFRevision]
    /// The merged cross-reference: for each object number, its newest entry.
    let entries: [Int: PDFCrossReferenceEntry]

    private let lock = NSLock()
    private var objectCache: [Int: PDFObject] = [:]
    private var spanCache: [Int: Range<Int>] = [:]
    private var objectStreamCache: [Int: PDFObjectStream] = [:]
    private var scannedOffsets: [Int: (offset: Int, generation: Int)]?

    /// Reads the file at `url`, refusing files over `options.maximumFileSize` before reading them.
    public convenience init(contentsOf url: URL, options: Options = Options()) throws {
        let attributes = try FileManager.default.attributesOfItem(atPath: url.path)
        if let size = (attributes[.size] as? NSNumber)?.intValue, size > options.maximumFileSize {
            throw PDFError(.fileTooLarge, "the file has \(size) bytes; the limit is \(options.maximumFileSize)")
        }
        try self.init(bytes: Array(try Data(contentsOf: url)), options: options)
    }

    /// Opens a file from its bytes.
    public init(bytes: [UInt8], options: Options = Options()) throws {
        guard bytes.count <= options.maximumFileSize else {
            throw PDFError(.fileTooLarge, "the file has \(bytes.count) bytes; the limit is \(options.maximumFileSize)")
        }
        guard PDFParser.find(Array("%PDF-".utf8), in: bytes, from: 0, to: min(bytes.count, 1_024)) != nil else {
            throw PDFError(.syntax, "not a PDF file: no '%PDF-' header", at: 0)
        }
        self.bytes = bytes
        self.options = options
        revisions = PDFRevision.revisions(in: bytes)
        let reader = PDFCrossReferenceReader(bytes: bytes, options: options)
        var sections: [PDFCrossReferenceSection] = []
        var damaged = false
        do {
            var next: Int? = try reader.startXRefOffset()
            var visited: Set<Int> = []
            while let offset = next, visited.insert(offset).inserted {
                guard sections.count < options.maximumCrossReferenceSections else {
                    throw PDFError(.limitExceeded, "more than \(options.maximumCrossReferenceSections) updates")
                }
                let section = try reader.readSection(at: offset)
                sections.append(section)
                next = section.trailer["Prev"]?.integerValue
            }
        } catch {
            damaged = true
        }
        if sections.isEmpty || sections[0].trailer["Root"] == nil {
            let recovered = try PDFFile.recover(bytes: bytes, options: options)
            entries = recovered.entries
            trailer = recovered.trailer
            crossReferenceSections = []
            wasRecovered = true
            scannedOffsets = recovered.offsets
            return
        }
        var merged: [Int: PDFCrossReferenceEntry] = [:]
        var mergedTrailer = sections[0].trailer
        for section in sections {
            for (number, entry) in section.entries where merged[number] == nil { merged[number] = entry }
            for (key, value) in section.trailer where mergedTrailer[key] == nil && !Self.sectionOnlyKeys.contains(key) {
                mergedTrailer[key] = value
            }
        }
        entries = merged
        trailer = mergedTrailer
        crossReferenceSections = sections
        wasRecovered = damaged
    }

    /// Trailer keys that describe one section and are not inherited from older trailers.
    private static let sectionOnlyKeys: Set<String> = [
        "Prev", "XRefStm", "Type", "W", "Index", "Length", "Filter", "DecodeParms",
    ]

    // MARK: Facts about the file

    /// Whether the file is encrypted (§7.6): its trailer has /Encrypt.
    public var isEncrypted: Bool { trailer["Encrypt"] != nil }

    /// Throws the error signing and validation give for encrypted files.
    public func requireUnencrypted() throws {
        if isEncrypted { throw PDFError.encryptedFile }
    }

    /// The trailer's /Size (one more than the highest object number), or what the cross-reference implies when
    /// that is more; never above `options.maximumObjectNumber + 1`.
    public var size: Int {
        let declared = min(trailer["Size"]?.integerValue ?? 0, options.maximumObjectNumber + 1)
        return max(declared, (entries.keys.max() ?? 0) + 1)
    }

    /// The highest object number in use; a new object of an incremental update takes `highestObjectNumber + 1`.
    public var highestObjectNumber: Int { size - 1 }

    /// The offset of the newest cross-reference section, for the /Prev of an incremental update.
    public var newestCrossReferenceOffset: Int? { crossReferenceSections.first?.offset }

    /// Whether the newest section is a cross-reference stream; an update should then write one too (§7.5.8.4).
    public var usesCrossReferenceStreams: Bool { crossReferenceSections.first?.isStream ?? false }

    /// The object numbers the cross-reference lists as in use.
    public var objectNumbers: [Int] {
        entries.compactMap { $0.value == .free ? nil : $0.key }.sorted()
    }

    /// Where `objectNumber` lives, per the merged cross-reference.
    public func crossReferenceEntry(objectNumber: Int) -> PDFCrossReferenceEntry? { entries[objectNumber] }

    // MARK: Objects

    /// The object `reference` points to; `.null` when it does not exist (§7.3.10).
    public func object(for reference: PDFReference) throws -> PDFObject {
        var loading: Set<Int> = []
        return try loadObject(reference.objectNumber, loading: &loading)
    }

    /// `object` itself, or the object it refers to, following chains of references.
    public func resolve(_ object: PDFObject) throws -> PDFObject {
        var current = object
        var seen: Set<PDFReference> = []
        while case .reference(let reference) = current {
            guard seen.insert(reference).inserted else {
                throw PDFError(.referenceCycle, "\(reference) refers back to itself")
            }
            guard seen.count <= options.maximumResolutionDepth else {
                throw PDFError(.limitExceeded, "a chain of more than \(options.maximumResolutionDepth) references")
            }
            current = try self.object(for: reference)
        }
        return current
    }

    /// The dictionary `object` is or refers to (a stream's dictionary too), or nil.
    public func dictionary(_ object: PDFObject?) throws -> PDFDictionary? {
        guard let object else { return nil }
        return try resolve(object).dictionaryValue
    }

    /// The array `object` is or refers to, or nil.
    public func array(_ object: PDFObject?) throws -> [PDFObject]? {
        guard let object else { return nil }
        return try resolve(object).arrayValue
    }

    /// A stream's decoded data (§7.4), with its /Filter and /DecodeParms resolved, up to
    /// `options.maximumDecodedStreamSize` and within `options.decodingBudget`.
    public func decodedData(of stream: PDFStream) throws -> [UInt8] {
        try decodedData(of: stream, shared: false)
    }

    /// `decodedData(of:)`; with `shared`, decoded once per validation across the revisions of the file
    /// (`PDFStreamDecoder.decode(_:filters:parameters:shared:)`).
    func decodedData(of stream: PDFStream, shared: Bool) throws -> [UInt8] {
        if stream.dictionary["F"] != nil {
            throw PDFError(.unsupportedFilter, "a stream whose data is in an external file (/F)")
        }
        let filters = try resolve(stream.dictionary["Filter"] ?? .null)
        var parameters = try resolve(stream.dictionary["DecodeParms"] ?? .null)
        if case .array(let items) = parameters { parameters = .array(try items.map { try resolve($0) }) }
        return try PDFStreamDecoder(maximumSize: options.maximumDecodedStreamSize, budget: options.decodingBudget)
            .decode(stream.encodedBytes, filters: filters, parameters: parameters, shared: shared)
    }

    /// The bytes an object stored directly in the file occupies, from `N G obj` to past `endobj`, once loaded.
    func byteSpan(of reference: PDFReference) throws -> Range<Int>? {
        _ = try object(for: reference)
        return lock.withLock { spanCache[reference.objectNumber] }
    }

    // MARK: Loading

    func loadObject(_ number: Int, loading: inout Set<Int>) throws -> PDFObject {
        if let cached = lock.withLock({ objectCache[number] }) { return cached }
        guard !loading.contains(number) else {
            throw PDFError(.referenceCycle, "object \(number) is needed to read itself")
        }
        guard loading.count < options.maximumResolutionDepth else {
            throw PDFError(.limitExceeded, "objects nest through more than \(options.maximumResolutionDepth) others")
        }
        loading.insert(number)
        defer { loading.remove(number) }
        let object: PDFObject
        switch entries[number] {
        case .free?: object = .null
        case .inFile(let offset, _)?:
            if let parsed = try? parseObject(number, at: offset, loading: &loading) {
                object = parsed
            } else if let scanned = scannedOffset(number), scanned != offset {
                object = try parseObject(number, at: scanned, loading: &loading)
            } else {
                object = try parseObject(number, at: offset, loading: &loading)
            }
        case .inObjectStream(let streamNumber, let index)?:
            object = try objectStream(streamNumber, loading: &loading).object(number, index: index)
        case nil:
            // Not in the cross-reference: null (§7.3.10), unless the file is damaged and a scan finds it.
            if wasRecovered, let scanned = scannedOffset(number) {
                object = try parseObject(number, at: scanned, loading: &loading)
            } else {
                object = .null
            }
        }
        lock.withLock { objectCache[number] = object }
        return object
    }

    private func parseObject(_ number: Int, at offset: Int, loading: inout Set<Int>) throws -> PDFObject {
        var parser = PDFParser(bytes: bytes, position: offset, maximumDepth: options.maximumNestingDepth)
        // An indirect /Length that cannot be read (missing, cyclic) falls back to finding `endstream`.
        let parsed = try parser.parseIndirectObject { reference in
            (try? self.loadObject(reference.objectNumber, loading: &loading))?.integerValue
        }
        guard parsed.reference.objectNumber == number else {
            throw PDFError(.objectNotFound, "object \(number) is not at the offset the cross-reference gives", at: offset)
        }
        lock.withLock { spanCache[number] = offset..<parsed.end }
        return parsed.object
    }

    private func objectStream(_ number: Int, loading: inout Set<Int>) throws -> PDFObjectStream {
        if let cached = lock.withLock({ objectStreamCache[number] }) { return cached }
        guard case .stream(let stream) = try loadObject(number, loading: &loading) else {
            throw PDFError(.invalidStructure, "object \(number) is named as an object stream but is not a stream")
        }
        let contents = try PDFObjectStream(
            number: number, stream: stream, data: try decodedData(of: stream, shared: true), options: options)
        lock.withLock { objectStreamCache[number] = contents }
        return contents
    }

    /// The offset of `number`'s last `N G obj` header, from a scan of the whole file made once when first needed.
    private func scannedOffset(_ number: Int) -> Int? {
        if let offsets = lock.withLock({ scannedOffsets }) { return offsets[number]?.offset }
        let offsets = PDFRecoveryScanner(bytes: bytes, options: options).scan().offsets
        lock.withLock { scannedOffsets = offsets }
        return offsets[number]?.offset
    }
}
