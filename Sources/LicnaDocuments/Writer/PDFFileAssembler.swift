import Crypto

/// Numbers the indirect objects of a new PDF file and writes the file structure of ISO 32000-1 §7.5: the header
/// with a binary comment (§7.5.2), the body, a classic cross-reference table (§7.5.4), the trailer with `/Size`,
/// `/Root`, `/Info` and `/ID` (§7.5.5, §14.4), `startxref` and `%%EOF`.
struct PDFFileAssembler: PDFObjectSink {
    private var bodies: [Int: [UInt8]] = [:]
    private var nextNumber = 1

    /// A fresh object number, to refer to before the object is written.
    mutating func reserve() -> Int {
        defer { nextNumber += 1 }
        return nextNumber
    }

    /// Sets object `number` to `body`.
    mutating func setBody(_ number: Int, _ body: [UInt8]) {
        bodies[number] = body
    }

    /// The complete file. Every reserved number must have been set.
    func finish(root: Int, info: Int) -> [UInt8] {
        // A comment of bytes above 127 right after the header tells transfer programs the file is binary.
        var out: [UInt8] = Array("%PDF-1.7\n%".utf8) + [0xE2, 0xE3, 0xCF, 0xD3, 0x0A]
        var offsets: [Int] = []
        for number in 1..<nextNumber {
            offsets.append(out.count)
            out += Array("\(number) 0 obj\n".utf8)
            out += bodies[number] ?? Array("null".utf8)
            out += Array("\nendobj\n".utf8)
        }
        let identifier = PDFOutputSyntax.hex(SHA256.hash(data: out).prefix(16))
        let xrefOffset = out.count
        var xref = "xref\n0 \(nextNumber)\n0000000000 65535 f\r\n"
        for offset in offsets {
            let digits = String(offset)
            xref += String(repeating: "0", count: max(0, 10 - digits.count)) + digits + " 00000 n\r\n"
        }
        xref += "trailer\n<< /Size \(nextNumber) /Root \(root) 0 R /Info \(info) 0 R"
        xref += " /ID [<\(identifier)> <\(identifier)>] >>\nstartxref\n\(xrefOffset)\n%%EOF\n"
        return out + Array(xref.utf8)
    }
}
