import Foundation

/// An incremental update (ISO 32000-1 §7.5.6): new and changed objects appended after the last `%%EOF`, with a
/// cross-reference section for them whose trailer points back (`/Prev`) to the previous one. The bytes before
/// stay exactly as they were, which is what keeps earlier signatures valid. The section is a classic table, or a
/// cross-reference stream (§7.5.8) when the file already uses them.
struct PDFIncrementalUpdate {
    let base: PDFFile
    private(set) var nextObjectNumber: Int
    private var objects: [(PDFReference, [UInt8])] = []

    init(base: PDFFile) {
        self.base = base
        nextObjectNumber = base.size
    }

    /// A fresh object number.
    mutating func allocate() -> PDFReference {
        defer { nextObjectNumber += 1 }
        return PDFReference(objectNumber: nextObjectNumber)
    }

    /// Adds (or replaces) an object, serialized.
    mutating func set(_ reference: PDFReference, _ object: PDFObject) {
        set(reference, raw: PDFSerializer.serialize(object))
    }

    /// Adds an object whose body the caller wrote (the signature dictionary, whose placeholders are patched).
    mutating func set(_ reference: PDFReference, raw body: [UInt8]) {
        objects.removeAll { $0.0 == reference }
        objects.append((reference, body))
    }

    /// The whole new file and, for each object written, the offset of its body's first byte.
    func write() throws -> (bytes: [UInt8], bodyOffsets: [PDFReference: Int]) {
        var output = base.bytes
        if output.last != 0x0A, output.last != 0x0D { output += Array("\n".utf8) }
        var offsets: [PDFReference: Int] = [:]
        var entries: [Int: Int] = [:]
        for (reference, body) in objects {
            entries[reference.objectNumber] = output.count
            output += Array("\(reference.objectNumber) \(reference.generation) obj\n".utf8)
            offsets[reference] = output.count
            output += body
            output += Array("\nendobj\n".utf8)
        }
        guard let previous = base.newestCrossReferenceOffset else {
            throw SigningError(.unsupportedDocument, "the PDF has no cross-reference section to append to")
        }
        var trailer = PDFDictionary()
        trailer["Root"] = base.trailer["Root"]
        if let info = base.trailer["Info"] { trailer["Info"] = info }
        trailer["Prev"] = .integer(previous)
        trailer["ID"] = .array([Self.firstIdentifier(of: base), .string(PDFString(bytes: Self.randomIdentifier(), prefersHexadecimal: true))])
        if base.usesCrossReferenceStreams {
            let xrefReference = PDFReference(objectNumber: nextObjectNumber)
            entries[xrefReference.objectNumber] = output.count
            trailer["Size"] = .integer(nextObjectNumber + 1)
            trailer["Type"] = .name("XRef")
            let numbers = entries.keys.sorted()
            var index: [PDFObject] = []
            var data: [UInt8] = []
            for run in Self.runs(numbers) {
                index += [.integer(run.lowerBound), .integer(run.count)]
                for number in run {
                    let offset = entries[number] ?? 0
                    data += [0x01, UInt8(truncatingIfNeeded: offset >> 24), UInt8(truncatingIfNeeded: offset >> 16),
                             UInt8(truncatingIfNeeded: offset >> 8), UInt8(truncatingIfNeeded: offset), 0x00, 0x00]
                }
            }
            guard output.count < Int(UInt32.max) else { throw SigningError(.unsupportedDocument, "the PDF is too large to update") }
            trailer["W"] = .array([.integer(1), .integer(4), .integer(2)])
            trailer["Index"] = .array(index)
            trailer["Length"] = .integer(data.count)
            output += Array("\(xrefReference.objectNumber) 0 obj\n".utf8)
            output += PDFSerializer.serialize(.dictionary(trailer))
            output += Array("\nstream\n".utf8) + data + Array("\nendstream\nendobj\n".utf8)
            output += Array("startxref\n\(entries[xrefReference.objectNumber]!)\n%%EOF\n".utf8)
        } else {
            let start = output.count
            trailer["Size"] = .integer(nextObjectNumber)
            output += Array("xref\n".utf8)
            for run in Self.runs(entries.keys.sorted()) {
                output += Array("\(run.lowerBound) \(run.count)\n".utf8)
                for number in run {
                    let offset = String(entries[number] ?? 0)
                    output += Array((String(repeating: "0", count: 10 - offset.count) + offset + " 00000 n\r\n").utf8)
                }
            }
            output += Array("trailer\n".utf8) + PDFSerializer.serialize(.dictionary(trailer))
            output += Array("\nstartxref\n\(start)\n%%EOF\n".utf8)
        }
        return (output, offsets)
    }

    /// Runs of consecutive object numbers (cross-reference subsections, §7.5.4).
    static func runs(_ numbers: [Int]) -> [Range<Int>] {
        var runs: [Range<Int>] = []
        for number in numbers {
            if let last = runs.last, last.upperBound == number {
                runs[runs.count - 1] = last.lowerBound..<number + 1
            } else {
                runs.append(number..<number + 1)
            }
        }
        return runs
    }

    /// The file's permanent identifier (§14.4): kept from the original, or made now.
    static func firstIdentifier(of file: PDFFile) -> PDFObject {
        if case .array(let identifiers)? = file.trailer["ID"], let first = identifiers.first, case .string = first { return first }
        return .string(PDFString(bytes: randomIdentifier(), prefersHexadecimal: true))
    }

    static func randomIdentifier() -> [UInt8] {
        (0..<16).map { _ in UInt8.random(in: 0...255) }
    }
}

extension PDFIncrementalUpdate: PDFObjectSink {
    /// A fresh object number, as ``allocate()``: objects a writer adds (a signature's appearance and its font)
    /// become new objects of the update.
    mutating func reserve() -> Int {
        allocate().objectNumber
    }

    mutating func setBody(_ number: Int, _ body: [UInt8]) {
        set(PDFReference(objectNumber: number), raw: body)
    }
}
