/// The document security store (ETSI EN 319 142-1 §5.4.2, ISO 32000-2 §12.8.4.3): validation data a PAdES B-LT
/// file carries, as the decoded bytes of its streams.
public struct PDFDocumentSecurityStore: Sendable {
    /// /Certs: DER certificates.
    public var certificates: [[UInt8]]
    /// /OCSPs: DER OCSP responses (RFC 6960 OCSPResponse).
    public var ocspResponses: [[UInt8]]
    /// /CRLs: DER certificate revocation lists.
    public var crls: [[UInt8]]
    /// /VRI: validation data per signature, keyed by the uppercase hex SHA-1 of the signature's /Contents.
    public var validationRelatedInformation: [String: ValidationRelatedInformation]

    /// One /VRI entry (ETSI EN 319 142-1 §5.4.2.3).
    public struct ValidationRelatedInformation: Sendable {
        public var certificates: [[UInt8]]
        public var ocspResponses: [[UInt8]]
        public var crls: [[UInt8]]
        /// /TU: when the data was gathered, as written.
        public var time: String?
        /// /TS: a timestamp token over the entry, when present.
        public var timestampToken: [UInt8]?
    }
}

/// The arrays of a document security store as the file holds them, nothing decoded: for a validator that counts
/// the entries before it decodes any (`ValidationLimits.maximumDSSEntries`) and decodes each stream once.
public struct PDFDocumentSecurityStoreEntries: Sendable {
    /// The items of /Certs, /OCSPs and /CRLs (normally references to streams).
    public var certificates: [PDFObject]
    public var ocspResponses: [PDFObject]
    public var crls: [PDFObject]

    /// How many items the three arrays hold together.
    public var count: Int { certificates.count + ocspResponses.count + crls.count }
}

extension PDFFile {
    /// The catalog's /DSS arrays, undecoded, or nil when the document has no DSS.
    public func documentSecurityStoreEntries() throws -> PDFDocumentSecurityStoreEntries? {
        try requireUnencrypted()
        guard let store = try self.dictionary(try catalog()["DSS"]) else { return nil }
        return PDFDocumentSecurityStoreEntries(
            certificates: try self.array(store["Certs"]) ?? [], ocspResponses: try self.array(store["OCSPs"]) ?? [],
            crls: try self.array(store["CRLs"]) ?? [])
    }

    /// The catalog's /DSS, or nil when the document has none. A stream named more than once is decoded once.
    public func documentSecurityStore() throws -> PDFDocumentSecurityStore? {
        try requireUnencrypted()
        guard let store = try self.dictionary(try catalog()["DSS"]) else { return nil }
        var decoded: [Int: [UInt8]] = [:]
        var vri: [String: PDFDocumentSecurityStore.ValidationRelatedInformation] = [:]
        if let entries = try self.dictionary(store["VRI"]) {
            for (key, value) in entries {
                guard let entry = try self.dictionary(value) else { continue }
                let token = try resolve(entry["TS"] ?? .null).streamValue.map { try decodedData(of: $0) }
                vri[key.uppercased()] = .init(
                    certificates: try streams(entry["Cert"], &decoded), ocspResponses: try streams(entry["OCSP"], &decoded),
                    crls: try streams(entry["CRL"], &decoded), time: try resolve(entry["TU"] ?? .null).stringValue?.text,
                    timestampToken: token)
            }
        }
        return PDFDocumentSecurityStore(
            certificates: try streams(store["Certs"], &decoded), ocspResponses: try streams(store["OCSPs"], &decoded),
            crls: try streams(store["CRLs"], &decoded), validationRelatedInformation: vri)
    }

    /// The decoded data of each stream in an array of stream references; `decoded` keeps what was decoded by
    /// object number, so that a stream named again is not decoded again.
    private func streams(_ object: PDFObject?, _ decoded: inout [Int: [UInt8]]) throws -> [[UInt8]] {
        guard let items = try self.array(object) else { return [] }
        return try items.compactMap { item in try decodedStream(item, cache: &decoded) }
    }

    /// The decoded data of the stream `item` is or refers to (following references), or nil when it is not a
    /// stream; decoded once per object number in `cache`.
    func decodedStream(_ item: PDFObject, cache: inout [Int: [UInt8]]) throws -> [UInt8]? {
        var current = item
        var number: Int?
        var hops = 0
        while case .reference(let reference) = current {
            hops += 1
            guard hops <= options.maximumResolutionDepth else {
                throw PDFError(.limitExceeded, "a chain of more than \(options.maximumResolutionDepth) references")
            }
            number = reference.objectNumber
            if let cached = cache[reference.objectNumber] { return cached }
            current = try object(for: reference)
        }
        guard case .stream(let stream) = current else { return nil }
        let data = try decodedData(of: stream)
        if let number { cache[number] = data }
        return data
    }
}
