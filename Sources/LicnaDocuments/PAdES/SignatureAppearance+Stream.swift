import Foundation

extension SignatureAppearance {
    /// Inner space between the border and the text, in points.
    static let padding = 3.0
    /// The smallest text size tried before the rectangle is called too small.
    static let minimumFontSize = 4.0
    /// Distance between baselines as a multiple of the text size.
    static let lineSpacing = 1.2

    /// Checks that the rectangle has a positive, finite size and lies within the page's media box and crop box
    /// (§14.11.2: what lies outside the crop box is not shown).
    func checkPlacement(on page: PDFPage) throws {
        let r = rectangle
        guard [r.x, r.y, r.width, r.height].allSatisfy(\.isFinite), r.width > 0, r.height > 0 else {
            throw SigningError(.invalidAppearance, "the signature's rectangle \(r) needs a positive width and height")
        }
        guard let mediaBox = page.mediaBox else {
            throw SigningError(.invalidAppearance, "page \(page.index + 1) has no media box to place the signature on")
        }
        for (name, box) in [("media box", mediaBox), ("crop box", page.cropBox ?? mediaBox)] {
            let left = min(box[0], box[2]), right = max(box[0], box[2])
            let bottom = min(box[1], box[3]), top = max(box[1], box[3])
            guard r.x >= left, r.y >= bottom, r.x + r.width <= right, r.y + r.height <= top else {
                let n = PDFOutputSyntax.number
                throw SigningError(
                    .invalidAppearance,
                    "the signature's rectangle \(r) (x,y,width,height) is not inside the \(name) of page \(page.index + 1),"
                        + " which spans x \(n(left))…\(n(right)) and y \(n(bottom))…\(n(top)) points")
            }
        }
    }

    /// Writes the appearance into `sink`: a form XObject (§8.10) whose `/BBox` is the rectangle's size, with a
    /// border and `lines` wrapped at spaces and set at the largest size up to ``maximumFontSize`` that fits, and
    /// the font its resources name. Returns the form's object number, for the widget's `/AP << /N … >>`.
    func writeAppearance(lines: [String], into sink: inout some PDFObjectSink) throws -> Int {
        guard font.permitsEmbedding else {
            throw SigningError(.invalidAppearance, "the licence of the font \(font.postScriptName) does not allow embedding (OS/2 fsType)")
        }
        var embedded = EmbeddedFont(font: font, resourceName: "F1")
        for line in lines {
            do { _ = try embedded.glyphs(for: line) } catch let error as DocumentWriterError {
                throw SigningError(.invalidAppearance, "the signature's text cannot be shown: \(error.detail)")
            }
        }
        let (size, wrapped) = try layout(lines, with: &embedded)
        let n = PDFOutputSyntax.number
        let width = rectangle.width, height = rectangle.height
        var operators = ""
        if borderWidth > 0 {
            let half = borderWidth / 2
            operators += PageDrawing.strokeRectangle(
                RenderedDocument.Rectangle(x: half, y: half, width: width - borderWidth, height: height - borderWidth),
                lineWidth: borderWidth
            ).operators
        }
        let inset = borderWidth + Self.padding
        let ascent = Double(font.ascent) / Double(font.unitsPerEm) * size
        let free = height - 2 * inset - blockHeight(lineCount: wrapped.count, size: size)
        var baseline = height - inset - free / 2 - ascent
        for line in wrapped {
            operators += PageDrawing.text(font: 0, size: size, x: inset, y: baseline, glyphs: try embedded.glyphs(for: line)).operators
            baseline -= size * Self.lineSpacing
        }
        let fontObject = sink.reserve()
        try embedded.write(into: &sink, as: fontObject)
        let form = sink.reserve()
        try sink.setStream(
            form,
            entries: "/Type /XObject /Subtype /Form /BBox [0 0 \(n(width)) \(n(height))]"
                + " /Resources << /Font << /F1 \(fontObject) 0 R >> /ProcSet [/PDF /Text] >>",
            data: Array(operators.utf8))
        return form
    }

    /// The height of `lineCount` lines from the top of the first line's ascent to the last line's descent.
    private func blockHeight(lineCount: Int, size: Double) -> Double {
        let extent = Double(font.ascent - font.descent) / Double(font.unitsPerEm) * size
        return Double(max(lineCount - 1, 0)) * size * Self.lineSpacing + extent
    }

    /// The text size and the lines wrapped at spaces to the rectangle's inner width: the largest size, in
    /// quarter points down from ``maximumFontSize``, at which every word fits the width and all lines the height.
    private func layout(_ lines: [String], with font: inout EmbeddedFont) throws -> (Double, [String]) {
        let inset = borderWidth + Self.padding
        let innerWidth = rectangle.width - 2 * inset
        let innerHeight = rectangle.height - 2 * inset
        // Widths at one point, scaled for each size tried.
        let space = try font.width(of: " ", size: 1)
        let words = try lines.map { line in
            try line.split(separator: " ", omittingEmptySubsequences: true).map { (String($0), try font.width(of: String($0), size: 1)) }
        }
        var size = maximumFontSize
        while size >= Self.minimumFontSize, innerWidth > 0, innerHeight > 0 {
            var wrapped: [String] = []
            var fits = true
            for line in words where fits {
                var current = "", currentWidth = 0.0
                for (word, wordWidth) in line {
                    guard wordWidth * size <= innerWidth else {
                        fits = false
                        break
                    }
                    if current.isEmpty {
                        (current, currentWidth) = (word, wordWidth * size)
                    } else if currentWidth + (space + wordWidth) * size <= innerWidth {
                        current += " " + word
                        currentWidth += (space + wordWidth) * size
                    } else {
                        wrapped.append(current)
                        (current, currentWidth) = (word, wordWidth * size)
                    }
                }
                if !current.isEmpty { wrapped.append(current) }
            }
            if fits, blockHeight(lineCount: wrapped.count, size: size) <= innerHeight { return (size, wrapped) }
            size -= 0.25
        }
        throw SigningError(
            .invalidAppearance,
            "the signature's rectangle \(rectangle) is too small for its \(lines.count) lines of text even at"
                + " \(PDFOutputSyntax.number(Self.minimumFontSize)) points; make it larger")
    }
}
