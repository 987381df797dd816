/// Where a writer puts numbered indirect objects (ISO 32000-1 §7.3.10): a new file (``PDFFileAssembler``) or an
/// incremental update of an existing one (`PDFIncrementalUpdate`, §7.5.6). Fonts are written through it, so
/// that a document and a signature's appearance (§12.5.5) embed them with the same code.
protocol PDFObjectSink {
    /// A fresh object number, to refer to before the object is written.
    mutating func reserve() -> Int
    /// Sets object `number` to `body`, the bytes between `N 0 obj` and `endobj`.
    mutating func setBody(_ number: Int, _ body: [UInt8])
}

extension PDFObjectSink {
    /// Sets object `number` to a non-stream object written as `body` (a dictionary, an array, …).
    mutating func set(_ number: Int, _ body: String) {
        setBody(number, Array(body.utf8))
    }

    /// Sets object `number` to a stream (§7.3.8): `entries` are the dictionary's other entries; the data is
    /// FlateDecode-compressed when `compress` is true and that makes it smaller.
    mutating func setStream(_ number: Int, entries: String, data: [UInt8], compress: Bool = true) throws {
        var payload = data
        var dictionary = entries
        if compress, let compressed = try? ZlibCompressor.compress(data), compressed.count < data.count {
            payload = compressed
            dictionary += " /Filter /FlateDecode"
        }
        var body = Array("<< \(dictionary) /Length \(payload.count) >>\nstream\n".utf8)
        body += payload
        body += Array("\nendstream".utf8)
        setBody(number, body)
    }
}
