/// Small PDFs built byte by byte, with correct cross-reference offsets, for every suite that needs a document.
public enum PDFFixtures {
    /// The content stream of every generated page.
    public static let content = Array("BT /F1 24 Tf 72 720 Td (Hello Licna) Tj ET".utf8)

    /// The objects of a document with `pageCount` pages: 1 catalog, 2 pages, 3 font, then page and content pairs.
    public static func objects(pageCount: Int) -> [[UInt8]] {
        let kids = (0..<pageCount).map { "\(4 + 2 * $0) 0 R" }.joined(separator: " ")
        var objects: [[UInt8]] = [
            Array("<< /Type /Catalog /Pages 2 0 R >>".utf8),
            Array("<< /Type /Pages /Kids [\(kids)] /Count \(pageCount) /MediaBox [0 0 612 792] >>".utf8),
            Array("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".utf8),
        ]
        for page in 0..<pageCount {
            let number = 4 + 2 * page
            objects.append(
                Array("<< /Type /Page /Parent 2 0 R /Resources << /Font << /F1 3 0 R >> >> /Contents \(number + 1) 0 R >>".utf8))
            objects.append(Array("<< /Length \(content.count) >>\nstream\n".utf8) + content + Array("\nendstream".utf8))
        }
        return objects
    }

    /// A valid PDF with a classic cross-reference table (ISO 32000-1 §7.5.4).
    public static func classic(pageCount: Int = 1) -> [UInt8] {
        let objects = objects(pageCount: pageCount)
        var output = Array("%PDF-1.7\n%\u{E2}\u{E3}\u{CF}\u{D3}\n".utf8)
        var offsets: [Int] = []
        for (index, object) in objects.enumerated() {
            offsets.append(output.count)
            output += Array("\(index + 1) 0 obj\n".utf8) + object + Array("\nendobj\n".utf8)
        }
        let xref = output.count
        output += Array("xref\n0 \(objects.count + 1)\n0000000000 65535 f \n".utf8)
        for offset in offsets { output += Array((pad(offset, 10) + " 00000 n \n").utf8) }
        output += Array("trailer\n<< /Size \(objects.count + 1) /Root 1 0 R >>\nstartxref\n\(xref)\n%%EOF\n".utf8)
        return output
    }

    public static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
