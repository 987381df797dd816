/// Builders of the hostile PDFs the validation limits are tested and benchmarked with (README, "Validation
/// policy"; docs/threat_model.md): a signed PDF with a further update whose DSS names streams that decode to
/// far more than the file's size, or holds thousands of entries. Not for anything else: the SPI keeps them out of
/// the library's public face (`@_spi(Benchmarks) import LicnaDocuments`).
@_spi(Benchmarks) public enum HostileDocuments {
    /// `count` zero bytes, Flate-encoded `rounds` times: 64 MiB become about 65 KB after one round and a few
    /// hundred bytes after two.
    public static func zeros(_ count: Int, rounds: Int) throws -> [UInt8] {
        var data = [UInt8](repeating: 0, count: count)
        for _ in 0..<rounds { data = try ZlibCompressor.compress(data) }
        return data
    }

    /// `pdf` with an incremental update that writes each of `encodedStreams` once (with /Filter FlateDecode
    /// repeated `rounds` times) and a DSS whose /OCSPs array names them in the order `ocspReferences` gives
    /// (indexes into `encodedStreams`; repeats name the same object again).
    public static func appendingDSS(to pdf: [UInt8], encodedStreams: [[UInt8]], rounds: Int, ocspReferences: [Int]) throws -> [UInt8] {
        let file = try PDFFile(bytes: pdf)
        guard let catalogReference = file.catalogReference else { throw SigningError(.unsupportedDocument, "the PDF has no catalog") }
        var catalog = try file.catalog()
        var update = PDFIncrementalUpdate(base: file)
        var dictionary = PDFDictionary()
        if rounds > 0 {
            dictionary["Filter"] = rounds == 1 ? .name("FlateDecode") : .array(Array(repeating: .name("FlateDecode"), count: rounds))
        }
        let references = encodedStreams.map { bytes in
            let reference = update.allocate()
            update.set(reference, .stream(PDFStream(dictionary: dictionary, bytes: bytes)))
            return reference
        }
        var dss = PDFDictionary()
        dss["OCSPs"] = .array(ocspReferences.map { .reference(references[$0]) })
        let dssReference = update.allocate()
        update.set(dssReference, .dictionary(dss))
        catalog["DSS"] = .reference(dssReference)
        update.set(catalogReference, .dictionary(catalog))
        return try update.write().bytes
    }

    /// `pdf` with an incremental update whose DSS holds exactly these OCSP responses and CRLs (replacing any DSS):
    /// validation data of the attacker's choosing, such as a "good" answer kept from before a revocation.
    public static func appendingDSS(to pdf: [UInt8], ocspResponses: [[UInt8]], crls: [[UInt8]]) throws -> [UInt8] {
        let file = try PDFFile(bytes: pdf)
        guard let catalogReference = file.catalogReference else { throw SigningError(.unsupportedDocument, "the PDF has no catalog") }
        var catalog = try file.catalog()
        var update = PDFIncrementalUpdate(base: file)
        func streams(_ items: [[UInt8]]) -> PDFObject {
            .array(items.map { bytes in
                let reference = update.allocate()
                update.set(reference, .stream(PDFStream(dictionary: PDFDictionary(), bytes: bytes)))
                return .reference(reference)
            })
        }
        var dss = PDFDictionary()
        dss["OCSPs"] = streams(ocspResponses)
        dss["CRLs"] = streams(crls)
        let dssReference = update.allocate()
        update.set(dssReference, .dictionary(dss))
        catalog["DSS"] = .reference(dssReference)
        update.set(catalogReference, .dictionary(catalog))
        return try update.write().bytes
    }
}
