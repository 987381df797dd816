/// How large a document Licna reads whole into memory. The PDF reader (`PDFFile.Options.maximumFileSize`) and the
/// commands that sign or verify a PDF (`readDocument`) refuse anything larger before they read a byte of it: one
/// number, so that a file one part accepts is never refused by another.
///
/// 200 MiB, the PDF reader's limit since it was written, holds any realistic signed PDF (a scanned contract of
/// hundreds of pages) while the reader's peak memory — the file, its parsed objects and the decoded streams the
/// validation limits allow — stays within what a citizen's laptop or a server worker can spare. A larger file is
/// signed detached (CAdES, RFC 5652 §5.4), which streams it and has no such limit. The server's uploads to `/verify`
/// and `/api/signatures/validate` have their own, smaller limit: what an anonymous request may make it buffer.
public enum DocumentLimits {
    /// The largest document, in bytes, read whole into memory.
    public static let maximumDocumentBytes = 200 * 1024 * 1024

    /// ``maximumDocumentBytes`` as people read it: "200 MiB".
    public static var maximumDocumentSize: String { "\(maximumDocumentBytes / (1024 * 1024)) MiB" }
}
