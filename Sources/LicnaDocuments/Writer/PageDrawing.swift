/// One thing drawn on a page, in PDF user space (points, origin at the lower left), and its content-stream
/// operators (ISO 32000-1 §8.2 graphics, §9.4 text objects, §8.8 external objects).
enum PageDrawing: Sendable {
    /// Glyph ids shown with a Type0 font with Identity-H: two bytes per glyph in a hexadecimal string.
    case text(font: Int, size: Double, x: Double, y: Double, glyphs: [UInt16])
    case strokeRectangle(RenderedDocument.Rectangle, lineWidth: Double)
    case fillRectangle(RenderedDocument.Rectangle, gray: Double)
    case image(index: Int, RenderedDocument.Rectangle)
    /// Many rectangles filled as one path (a QR code's dark modules).
    case fillRectangles([RenderedDocument.Rectangle], gray: Double)

    /// The operators for this drawing; font `n` is resource `/F(n+1)`, image `n` is `/Im(n+1)`.
    var operators: String {
        let n = PDFOutputSyntax.number
        switch self {
        case .text(let font, let size, let x, let y, let glyphs):
            var codes: [UInt8] = []
            for glyph in glyphs { codes.appendUInt16(glyph) }
            return "BT /F\(font + 1) \(n(size)) Tf \(n(x)) \(n(y)) Td <\(PDFOutputSyntax.hex(codes))> Tj ET\n"
        case .strokeRectangle(let r, let lineWidth):
            return "q \(n(lineWidth)) w 0 G \(n(r.x)) \(n(r.y)) \(n(r.width)) \(n(r.height)) re S Q\n"
        case .fillRectangle(let r, let gray):
            return "q \(n(gray)) g \(n(r.x)) \(n(r.y)) \(n(r.width)) \(n(r.height)) re f Q\n"
        case .fillRectangles(let rectangles, let gray):
            var operators = "q \(n(gray)) g\n"
            for r in rectangles { operators += "\(n(r.x)) \(n(r.y)) \(n(r.width)) \(n(r.height)) re\n" }
            return operators + "f Q\n"
        case .image(let index, let r):
            return "q \(n(r.width)) 0 0 \(n(r.height)) \(n(r.x)) \(n(r.y)) cm /Im\(index + 1) Do Q\n"
        }
    }
}
