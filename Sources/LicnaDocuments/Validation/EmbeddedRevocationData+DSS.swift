import LicnaPKI
import X509

extension EmbeddedRevocationData {
    /// The validation data of a PDF's document security store (ETSI EN 319 142-1 §5.4.2) for one validation: the
    /// entries of /Certs, /OCSPs and /CRLs are counted against the budget before any is decoded, and each stream
    /// is decoded at most once, and kept at most once, however often the arrays name it (the file's reader charges the decoded bytes to the
    /// same budget). What is not a stream, cannot be decoded, is not a DER SEQUENCE or has more elements than a
    /// parser should build (`maximumElements`) is left out: junk is dropped at once rather than held or parsed. A DSS that cannot be read at all gives no data.
    ///
    /// - Throws: `ValidationLimitExceeded` when a limit is reached; nothing else.
    init(documentSecurityStoreOf file: PDFFile, budget: ValidationBudget) throws {
        self.init()
        let entries: PDFDocumentSecurityStoreEntries
        do {
            guard let found = try file.documentSecurityStoreEntries() else { return }
            entries = found
        } catch let error as ValidationLimitExceeded {
            throw error
        } catch {
            return
        }
        try budget.chargeDSSEntries(entries.count)
        var seen: Set<Int> = []
        func read(_ items: [PDFObject]) throws -> [[UInt8]] {
            var result: [[UInt8]] = []
            for item in items {
                var bytes: [UInt8] = []
                do {
                    // Follow references to the object itself: that object is decoded once, however it is named.
                    var current = item
                    var number: Int?
                    var hops = 0
                    while case .reference(let reference) = current, hops < file.options.maximumResolutionDepth {
                        number = reference.objectNumber
                        current = try file.object(for: reference)
                        hops += 1
                    }
                    guard let number else { continue }
                    // An object named again adds nothing: it was decoded (and kept or dropped) the first time.
                    // (A stream that fails to decode is not tried again either.)
                    guard seen.insert(number).inserted else { continue }
                    if case .stream(let stream) = current {
                        let data = try file.decodedData(of: stream)
                        if Self.isDERSequence(data), DERElementCounter.count(data, limit: Self.maximumElements) != nil { bytes = data }
                    }
                } catch let error as ValidationLimitExceeded {
                    throw error
                } catch {
                    continue
                }
                if !bytes.isEmpty { result.append(bytes) }
            }
            return result
        }
        certificates = try read(entries.certificates).compactMap { try? Certificate(derEncoded: $0) }
        ocspResponses = try read(entries.ocspResponses)
        crls = try read(entries.crls)
    }

    /// The most DER elements one entry may have to be parsed: a CRL of about 60,000 entries. More would make the
    /// parser, which builds every element, cost hundreds of megabytes for a small compressed stream.
    static let maximumElements = 500_000

    /// True when `bytes` is exactly one DER SEQUENCE (tag 0x30 and a length that covers the rest): what a
    /// certificate, an OCSP response and a CRL all are.
    static func isDERSequence(_ bytes: [UInt8]) -> Bool {
        guard bytes.count >= 2, bytes[0] == 0x30 else { return false }
        let first = Int(bytes[1])
        if first < 0x80 { return bytes.count == 2 + first }
        let octets = first & 0x7F
        guard octets >= 1, octets <= 4, bytes.count >= 2 + octets else { return false }
        var length = 0
        for index in 0..<octets { length = length << 8 | Int(bytes[2 + index]) }
        return bytes.count == 2 + octets + length
    }
}
