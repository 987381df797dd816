import LicnaDocuments

/// libFuzzer entry point over the PDF reader and signature discovery, the parsers of untrusted PDFs
/// (ISO 32000-1 §7.3–§7.5): open, walk the pages and form fields, list the signatures and the DSS, and decode every
/// stream, within the reader's size limits. Build and run:
///
///     swift build --sanitize fuzzer -Xswiftc -sanitize=fuzzer,address -Xcc -fsanitize=address --product LicnaPDFFuzz --scratch-path .build-fuzz
///     .build-fuzz/debug/LicnaPDFFuzz -max_total_time=60 CORPUS
///
/// Besides "no crash, no hang": a signature's signed bytes always lie inside the file.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPDF(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    var options = PDFFile.Options()
    options.maximumDecodedStreamSize = 1 << 20
    guard let file = try? PDFFile(bytes: bytes, options: options) else { return 0 }
    _ = try? file.pages()
    _ = try? file.formFields()
    _ = try? file.documentSecurityStore()
    if let signatures = try? file.signatures() {
        for signature in signatures {
            if let range = signature.byteRange, range.end > bytes.count { fatalError("a ByteRange beyond the file was accepted") }
            _ = signature.signedBytes(in: file)
        }
    }
    for number in file.objectNumbers.prefix(2_000) {
        if case .stream(let stream)? = try? file.object(for: PDFReference(objectNumber: number)) {
            _ = try? file.decodedData(of: stream)
        }
    }
    return 0
}
