import Foundation

/// A signature or document timestamp found in a file (ISO 32000-1 §12.8; ETSI EN 319 142-1 §5.3–5.4), with what a
/// validator needs: the signed byte ranges, the CMS or timestamp token bytes, and where in the file's history it
/// was made.
///
/// A signature whose /ByteRange or /Contents is malformed is still reported, with `problem` saying what is wrong,
/// so that a validator can give it a failed indication instead of losing it.
public struct PDFSignature: Sendable {
    /// The fully qualified name of the signature field (§12.7.3.2), or nil for a signature dictionary no field
    /// refers to.
    public let fieldName: String?
    /// The signature field's reference.
    public let fieldReference: PDFReference?
    /// The signature dictionary's reference (nil when a field holds it inline).
    public let reference: PDFReference?
    /// The signature dictionary (§12.8.1, Table 252).
    public let dictionary: PDFDictionary
    /// /Type: `Sig` or `DocTimeStamp` (nil when absent; it is optional for `Sig`).
    public let type: String?
    /// /Filter, the preferred handler, e.g. `Adobe.PPKLite`.
    public let filter: String?
    /// /SubFilter: `adbe.pkcs7.detached`, `ETSI.CAdES.detached`, `ETSI.RFC3161` …
    public let subFilter: String?
    /// The validated /ByteRange; nil when it is malformed (see `problem`).
    public let byteRange: PDFByteRange?
    /// /Contents: the DER-encoded CMS SignedData (or timestamp token), without the zero padding after it.
    public let contents: [UInt8]
    /// /M as written.
    public let signingTimeText: String?
    /// /M as an instant; a claim of the signer, not proof (ETSI EN 319 142-1 §5.2.2 keeps it out of B-B's
    /// signed attributes for this reason).
    public let signingTime: Date?
    /// /Reason, /Location, /ContactInfo and /Name as text.
    public let reason: String?
    public let location: String?
    public let contactInfo: String?
    public let signerName: String?
    /// The revision whose end the /ByteRange reaches (`PDFFile.revisions`), or nil when it ends elsewhere.
    public let revisionIndex: Int?
    /// Whether the /ByteRange reaches the end of the file: nothing was appended after signing.
    public let coversWholeFile: Bool
    /// What is wrong with the signature's structure, or nil when its /ByteRange and /Contents are sound.
    public let problem: PDFError?

    /// Whether this is a document timestamp (ETSI EN 319 142-1 §5.4.3) rather than a signature.
    public var isDocumentTimestamp: Bool { type == "DocTimeStamp" || subFilter == "ETSI.RFC3161" }

    /// The bytes the signature covers, to hash; empty when the /ByteRange is malformed.
    public func signedBytes(in file: PDFFile) -> [UInt8] { byteRange?.signedBytes(of: file.bytes) ?? [] }
}

extension PDFSignature {
    /// `contents` without the zero bytes padding the space reserved for it: cut after the DER length of the outer
    /// SEQUENCE, when everything after that is zero.
    static func trimmedDER(_ bytes: [UInt8]) -> [UInt8] {
        guard bytes.count >= 2, bytes[0] == 0x30 else { return bytes }
        let lengthByte = Int(bytes[1])
        var length = 0
        var headerLength = 2
        if lengthByte < 0x80 {
            length = lengthByte
        } else {
            let count = lengthByte & 0x7F
            guard (1...4).contains(count), bytes.count >= 2 + count else { return bytes }
            for index in 0..<count { length = length << 8 | Int(bytes[2 + index]) }
            headerLength += count
        }
        let total = headerLength + length
        guard total <= bytes.count, bytes[total...].allSatisfy({ $0 == 0 }) else { return bytes }
        return Array(bytes[..<total])
    }
}
