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

extension PDFFile {
    /// The catalog's /DSS, or nil when the document has none.
    public func documentSecurityStore() throws -> PDFDocumentSecurityStore? {
        try requireUnencrypted()
        guard let store = try self.dictionary(try catalog()["DSS"]) else { return nil }
        var vri: [String: PDFDocumentSecurityStore.ValidationRelatedInformation] = [:]
        if let entries = try self.dictionary(store["VRI"]) {
            for (key, value) in entries {
                guard let entry = try self.dictionary(value) else { continue }
                let token = try resolve(entry["TS"] ?? .null).streamValue.map { try decodedData(of: $0) }
                vri[key.uppercased()] = .init(
                    certificates: try streams(entry["Cert"]), ocspResponses: try streams(entry["OCSP"]),
                    crls: try streams(entry["CRL"]), time: try resolve(entry["TU"] ?? .null).stringValue?.text,
                    timestampToken: token)
            }
        }
        return PDFDocumentSecurityStore(
            certificates: try streams(store["Certs"]), ocspResponses: try streams(store["OCSPs"]),
            crls: try streams(store["CRLs"]), validationRelatedInformation: vri)
    }

    /// The decoded data of each stream in an array of stream references.
    private func streams(_ object: PDFObject?) throws -> [[UInt8]] {
        guard let items = try self.array(object) else { return [] }
        return try items.compactMap { item in
            guard case .stream(let stream) = try resolve(item) else { return nil }
            return try decodedData(of: stream)
        }
    }
}
