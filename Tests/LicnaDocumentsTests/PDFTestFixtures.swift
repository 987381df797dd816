import Foundation
import LicnaTestSupport
import LicnaDocuments
import Testing

/// The other structures of the reader tests: cross-reference streams, incremental updates, a signed skeleton.
extension PDFFixtures {
    /// The same document with its pages and fonts in an uncompressed object stream (§7.5.7) and an uncompressed
    /// cross-reference stream (§7.5.8) with /W [1 2 1].
    ///
    /// With `hybrid`, `startxref` points instead at a classic table that lists only the objects stored directly and
    /// names the stream with /XRefStm, as a hybrid-reference file does (§7.5.8.4).
    static func withCrossReferenceStream(pageCount: Int = 1, hybrid: Bool = false) -> [UInt8] {
        let objects = objects(pageCount: pageCount)
        var output = Array("%PDF-1.7\n".utf8)
        var entries: [Int: (type: UInt8, field2: Int, field3: UInt8)] = [0: (0, 0, 255)]
        // Dictionaries that are not streams go into object stream number `objects.count + 1`.
        let streamNumber = objects.count + 1
        var header = ""
        var body: [UInt8] = []
        var index = 0
        for (position, object) in objects.enumerated() where !object.contains(UInt8(ascii: "\n")) {
            header += "\(position + 1) \(body.count) "
            body += object + [0x0A]
            entries[position + 1] = (2, streamNumber, UInt8(index))
            index += 1
        }
        for (position, object) in objects.enumerated() where object.contains(UInt8(ascii: "\n")) {
            entries[position + 1] = (1, output.count, 0)
            output += Array("\(position + 1) 0 obj\n".utf8) + object + Array("\nendobj\n".utf8)
        }
        let headerBytes = Array(header.utf8)
        let objectStream = headerBytes + body
        entries[streamNumber] = (1, output.count, 0)
        output += Array("\(streamNumber) 0 obj\n<< /Type /ObjStm /N \(index) /First \(headerBytes.count) /Length \(objectStream.count) >>\nstream\n".utf8)
        output += objectStream + Array("\nendstream\nendobj\n".utf8)
        let xrefNumber = streamNumber + 1
        entries[xrefNumber] = (1, output.count, 0)
        var rows: [UInt8] = []
        for number in 0...xrefNumber {
            let entry = entries[number] ?? (0, 0, 0)
            rows += [entry.type, UInt8(entry.field2 >> 8), UInt8(entry.field2 & 0xFF), entry.field3]
        }
        let xref = output.count
        output += Array("\(xrefNumber) 0 obj\n<< /Type /XRef /Size \(xrefNumber + 1) /W [1 2 1] /Root 1 0 R /Length \(rows.count) >>\nstream\n".utf8)
        output += rows + Array("\nendstream\nendobj\n".utf8)
        guard hybrid else {
            output += Array("startxref\n\(xref)\n%%EOF\n".utf8)
            return output
        }
        let table = output.count
        output += Array("xref\n0 \(xrefNumber + 1)\n".utf8)
        for number in 0...xrefNumber {
            let entry = entries[number] ?? (0, 0, 0)
            output += Array((entry.type == 1 ? "\(pad(entry.field2, 10)) 00000 n \n" : "0000000000 65535 f \n").utf8)
        }
        output += Array("trailer\n<< /Size \(xrefNumber + 1) /Root 1 0 R /XRefStm \(xref) >>\nstartxref\n\(table)\n%%EOF\n".utf8)
        return output
    }

    /// `bytes` with an incremental update (§7.5.6) that replaces `objects` and adds nothing else: a classic table
    /// section whose trailer points back with /Prev (`prev`, by default the newest section) and names `info`.
    static func appendingUpdate(to bytes: [UInt8], replacing objects: [(PDFReference, PDFObject)], prev: Int? = nil,
                                info: PDFObject? = nil) throws -> [UInt8] {
        let file = try PDFFile(bytes: bytes)
        var output = bytes
        if output.last != 0x0A { output.append(0x0A) }
        var offsets: [(Int, Int)] = []
        for (reference, object) in objects {
            offsets.append((reference.objectNumber, output.count))
            output += PDFSerializer.serializeIndirectObject(object, as: reference)
        }
        let xref = output.count
        output += Array("xref\n".utf8)
        for (number, offset) in offsets.sorted(by: { $0.0 < $1.0 }) {
            output += Array("\(number) 1\n\(pad(offset, 10)) 00000 n \n".utf8)
        }
        var trailer = PDFDictionary()
        trailer["Size"] = .integer(max(file.size, (objects.map(\.0.objectNumber).max() ?? 0) + 1))
        trailer["Root"] = file.trailer["Root"]
        trailer["Prev"] = .integer(prev ?? file.newestCrossReferenceOffset ?? 0)
        if let info { trailer["Info"] = info }
        output += Array("trailer\n".utf8) + PDFSerializer.serialize(.dictionary(trailer))
        output += Array("\nstartxref\n\(xref)\n%%EOF\n".utf8)
        return output
    }

}

/// PDF-aware mutations for the generative tests, on the shared seeded generator.
extension SeededRandom {
    /// `bytes` with a few random flips, truncations, insertions, digit changes or copied spans.
    mutating func mutatePDF(_ bytes: [UInt8]) -> [UInt8] {
        var copy = bytes
        for _ in 0..<Int.random(in: 1...4, using: &self) {
            guard !copy.isEmpty else { break }
            let index = Int.random(in: 0..<copy.count, using: &self)
            switch Int.random(in: 0..<6, using: &self) {
            case 0: copy[index] ^= UInt8.random(in: 1...255, using: &self)
            case 1: copy = Array(copy.prefix(index))
            case 2: copy.insert(UInt8.random(in: 0...255, using: &self), at: index)
            case 3: copy[index] = Array("0123456789".utf8)[Int.random(in: 0..<10, using: &self)]
            case 4:
                let length = Int.random(in: 1...min(64, copy.count - index), using: &self)
                copy.removeSubrange(index..<(index + length))
            default:
                let source = Int.random(in: 0..<copy.count, using: &self)
                let length = Int.random(in: 1...min(32, copy.count - source), using: &self)
                copy.insert(contentsOf: copy[source..<(source + length)], at: index)
            }
        }
        return copy
    }
}

extension PDFFixtures {
    /// A one-page PDF with an incremental update that adds a signature field whose signature dictionary has a
    /// /ByteRange over the whole file and /Contents `30 03 02 01 00` (a DER SEQUENCE) padded with zeros; not a
    /// real signature, but the structure a validator looks for. Also a /DSS with one certificate stream.
    static func structurallySigned() throws -> [UInt8] {
        let original = classic(pageCount: 1)
        let file = try PDFFile(bytes: original)
        var catalog = try file.catalog()
        catalog["AcroForm"] = .dictionary(["Fields": [.reference(PDFReference(objectNumber: 6))], "SigFlags": 3])
        catalog["DSS"] = .dictionary(
            [
                "Certs": [.reference(PDFReference(objectNumber: 8))],
                "VRI": .dictionary(["ABCDEF": .dictionary(["Cert": [.reference(PDFReference(objectNumber: 8))]])]),
            ])
        let field: PDFDictionary = [
            "FT": .name("Sig"), "T": .string(PDFString(text: "Potpis čćš")), "V": .reference(PDFReference(objectNumber: 7)),
            "Type": .name("Annot"), "Subtype": .name("Widget"), "Rect": [0, 0, 0, 0], "F": 132,
            "P": .reference(PDFReference(objectNumber: 4)),
        ]
        let certificate = PDFStream(dictionary: PDFDictionary(), bytes: [0x30, 0x00])
        var output = original
        var offsets: [(Int, Int)] = []
        func add(_ number: Int, _ bytes: [UInt8]) {
            offsets.append((number, output.count))
            output += bytes
        }
        add(1, PDFSerializer.serializeIndirectObject(.dictionary(catalog), as: PDFReference(objectNumber: 1)))
        add(6, PDFSerializer.serializeIndirectObject(.dictionary(field), as: PDFReference(objectNumber: 6)))
        add(8, PDFSerializer.serializeIndirectObject(.stream(certificate), as: PDFReference(objectNumber: 8)))
        let placeholder = "[0 0000000000 0000000000 0000000000]"
        let contents = [UInt8]([0x30, 0x03, 0x02, 0x01, 0x00]) + [UInt8](repeating: 0, count: 59)
        let contentsHex = PDFSerializer.serialize(.string(PDFString(bytes: contents, prefersHexadecimal: true)))
        let signatureStart = output.count
        add(7, Array("7 0 obj\n<</Type /Sig/Filter /Adobe.PPKLite/SubFilter /ETSI.CAdES.detached/M (D:20240102030405Z)/ByteRange \(placeholder)/Contents ".utf8))
        let gapStart = output.count
        output += contentsHex
        let gapEnd = output.count
        output += Array("/Reason (Test)>>\nendobj\n".utf8)
        let xref = output.count
        output += Array("xref\n0 1\n0000000000 65535 f \n".utf8)
        for (number, offset) in offsets.sorted(by: { $0.0 < $1.0 }) {
            output += Array("\(number) 1\n\(pad(offset, 10)) 00000 n \n".utf8)
        }
        output += Array("trailer\n<</Size 9/Root 1 0 R/Prev \(file.newestCrossReferenceOffset ?? 0)>>\nstartxref\n\(xref)\n%%EOF\n".utf8)
        let byteRange = "[0 \(pad(gapStart, 10)) \(pad(gapEnd, 10)) \(pad(output.count - gapEnd, 10))]"
        guard let placeholderOffset = PDFFixtures.find(Array(placeholder.utf8), in: output, from: signatureStart) else {
            throw PDFError(.syntax, "the /ByteRange placeholder is missing")
        }
        output.replaceSubrange(placeholderOffset..<(placeholderOffset + placeholder.utf8.count), with: Array(byteRange.utf8))
        return output
    }

    static func find(_ pattern: [UInt8], in bytes: [UInt8], from: Int = 0) -> Int? {
        guard bytes.count >= pattern.count else { return nil }
        return (from...(bytes.count - pattern.count)).first { Array(bytes[$0..<($0 + pattern.count)]) == pattern }
    }
}
