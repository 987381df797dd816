import LicnaBasics
import Foundation

/// The layout engine: places blocks top to bottom in the text area of A4 (or configured) pages, wrapping text by
/// the measured advance widths of its glyphs and starting a new page when the next line, row, image or box does
/// not fit.
struct DocumentLayout {
    let configuration: PDFDocumentWriter.Configuration
    /// Font 0 is the regular face; font 1, when present, the bold one.
    private(set) var fonts: [EmbeddedFont]
    private(set) var images: [JPEGImage] = []
    private(set) var pages: [[PageDrawing]] = [[]]
    private(set) var reservedBoxes: [RenderedDocument.ReservedBox] = []
    /// The top of the free space on the current page.
    private var cursor: Double

    private var top: Double { configuration.pageHeight - configuration.marginTop }
    private var bottom: Double { configuration.marginBottom }
    private var left: Double { configuration.marginLeft }
    private var textWidth: Double { configuration.pageWidth - configuration.marginLeft - configuration.marginRight }
    private var boldFont: Int { fonts.count > 1 ? 1 : 0 }
    private var pageIsEmpty: Bool { pages[pages.count - 1].isEmpty }

    init(configuration: PDFDocumentWriter.Configuration, fonts: [EmbeddedFont]) throws {
        self.configuration = configuration
        self.fonts = fonts
        cursor = configuration.pageHeight - configuration.marginTop
        guard textWidth >= 72, top - bottom >= 72 else {
            throw DocumentWriterError(.layout, "the margins leave less than an inch for the text")
        }
    }

    mutating func lay(_ block: DocumentBlock) throws {
        switch block.kind {
        case .heading(let text, let level):
            let sizes = configuration.headingFontSizes
            let size = sizes.isEmpty ? configuration.bodyFontSize * 1.5 : sizes[min(level, sizes.count) - 1]
            try layHeading(text, size: size)
        case .paragraph(let text, let fontSize):
            try layText(text, font: 0, size: fontSize ?? configuration.bodyFontSize)
            cursor -= (fontSize ?? configuration.bodyFontSize) * 0.5
        case .table(let table):
            try layTable(table)
        case .image(let image, let width):
            try layImage(image, width: width)
        case .reservedBox(let request):
            try layReservedBox(request)
        case .qrCode(let code, let side, let caption):
            try layQRCode(code, side: side, caption: caption)
        case .spacer(let height):
            guard !pageIsEmpty else { return }
            cursor -= max(0, height)
            if cursor < bottom { newPage() }
        case .pageBreak:
            if !pageIsEmpty { newPage() }
        }
    }

    /// Prints the page labels in the middle of the bottom margin, once the page count is known.
    mutating func addPageNumbers() throws {
        guard let label = configuration.pageNumberLabel else { return }
        let size = configuration.bodyFontSize * 0.8
        for index in pages.indices {
            let text = Self.normalized(label(index + 1, pages.count))
            let glyphs = try fonts[0].glyphs(for: text)
            let width = glyphs.reduce(0.0) { $0 + fonts[0].font.advanceWidth(of: $1, size: size) }
            let x = (configuration.pageWidth - width) / 2
            pages[index].append(.text(font: 0, size: size, x: x, y: configuration.marginBottom / 2, glyphs: glyphs))
        }
    }

    // MARK: - Blocks

    private mutating func layHeading(_ text: String, size: Double) throws {
        if !pageIsEmpty { cursor -= size * 0.5 }
        let lines = try wrap(text, font: boldFont, size: size, width: textWidth)
        // Keep the heading with the first line of what follows.
        let needed = Double(lines.count) * size * configuration.lineSpacing
            + configuration.bodyFontSize * configuration.lineSpacing
        if cursor - needed < bottom, !pageIsEmpty { newPage() }
        for line in lines { try drawLine(line, font: boldFont, size: size, x: left) }
        cursor -= size * 0.3
    }

    /// Wraps `text` to the text width and draws it line by line, breaking pages between lines.
    private mutating func layText(_ text: String, font: Int, size: Double) throws {
        for line in try wrap(text, font: font, size: size, width: textWidth) {
            try drawLine(line, font: font, size: size, x: left)
        }
    }

    private mutating func layImage(_ image: JPEGImage, width requested: Double?) throws {
        let aspect = Double(image.pixelHeight) / Double(image.pixelWidth)
        var width = min(requested ?? Double(image.pixelWidth) * 0.75, textWidth)
        guard width > 0 else { throw DocumentWriterError(.layout, "an image needs a positive width") }
        var height = width * aspect
        if height > top - bottom {
            height = top - bottom
            width = height / aspect
        }
        if cursor - height < bottom { newPage() }
        images.append(image)
        let frame = RenderedDocument.Rectangle(x: left, y: cursor - height, width: width, height: height)
        draw(.image(index: images.count - 1, frame))
        cursor -= height + configuration.bodyFontSize * 0.5
    }

    private mutating func layQRCode(_ code: QRCode, side: Double, caption: String) throws {
        guard side > 0, side <= textWidth, side <= top - bottom - 2 * configuration.bodyFontSize else {
            throw DocumentWriterError(.layout, "a QR code of \(side) points does not fit on a page")
        }
        let captionSize = configuration.bodyFontSize * 0.8
        let lines = try wrap(caption, font: 0, size: captionSize, width: textWidth)
        let needed = side + 4 + Double(lines.count) * captionSize * configuration.lineSpacing
        if cursor - needed < bottom, !pageIsEmpty { newPage() }
        // Four modules of quiet zone on each side (ISO/IEC 18004:2015 §9.1); each row's dark runs as one rectangle.
        let module = side / Double(code.size + 8)
        var rectangles: [RenderedDocument.Rectangle] = []
        for y in 0..<code.size {
            var x = 0
            while x < code.size {
                guard code.isDark(x: x, y: y) else { x += 1; continue }
                let start = x
                while x < code.size, code.isDark(x: x, y: y) { x += 1 }
                rectangles.append(RenderedDocument.Rectangle(x: left + Double(start + 4) * module, y: cursor - Double(y + 5) * module,
                                                             width: Double(x - start) * module, height: module))
            }
        }
        draw(.fillRectangles(rectangles, gray: 0))
        cursor -= side + 4
        for line in lines { try drawLine(line, font: 0, size: captionSize, x: left) }
        cursor -= configuration.bodyFontSize * 0.5
    }

    private mutating func layReservedBox(_ request: ReservedBoxRequest) throws {
        let side = request.side
        guard side > 0, side <= textWidth, side <= top - bottom - 2 * configuration.bodyFontSize else {
            throw DocumentWriterError(.layout, "a reserved box of \(side) points does not fit on a page")
        }
        let captionSize = configuration.bodyFontSize * 0.8
        let caption = try wrap(request.caption, font: 0, size: captionSize, width: textWidth)
        let needed = side + 4 + Double(caption.count) * captionSize * configuration.lineSpacing
        if cursor - needed < bottom, !pageIsEmpty { newPage() }
        let lineWidth = 1.0
        let border = RenderedDocument.Rectangle(x: left, y: cursor - side, width: side, height: side)
        draw(.strokeRectangle(border, lineWidth: lineWidth))
        reservedBoxes.append(
            RenderedDocument.ReservedBox(
                identifier: request.identifier, page: pages.count,
                rectangle: RenderedDocument.Rectangle(
                    x: border.x + lineWidth / 2, y: border.y + lineWidth / 2,
                    width: side - lineWidth, height: side - lineWidth)))
        cursor -= side + 4
        for line in caption { try drawLine(line, font: 0, size: captionSize, x: left) }
        cursor -= configuration.bodyFontSize * 0.5
    }

    // MARK: - Tables

    private struct Row {
        var cells: [[String]]
        var height: Double
        var isHeader: Bool
    }

    private mutating func layTable(_ table: DocumentTable) throws {
        guard !table.columnWidths.isEmpty, table.columnWidths.allSatisfy({ $0 > 0 && $0.isFinite }) else {
            throw DocumentWriterError(.layout, "a table needs positive column widths")
        }
        let size = table.fontSize ?? configuration.bodyFontSize
        let lineHeight = size * configuration.lineSpacing
        let padding = 4.0
        let total = table.columnWidths.reduce(0, +)
        let widths = table.columnWidths.map { $0 / total * textWidth }
        var rows: [Row] = []
        for (index, texts) in table.rows.enumerated() {
            let isHeader = index < table.headerRowCount
            var cells: [[String]] = []
            for (column, width) in widths.enumerated() {
                let text = column < texts.count ? texts[column] : ""
                cells.append(try wrap(text, font: isHeader ? boldFont : 0, size: size, width: width - 2 * padding))
            }
            let height = Double(cells.map(\.count).max() ?? 1) * lineHeight + 2 * padding
            guard height <= top - bottom else {
                throw DocumentWriterError(.layout, "table row \(index + 1) is taller than a page")
            }
            rows.append(Row(cells: cells, height: height, isHeader: isHeader))
        }
        let headers = rows.filter(\.isHeader)
        let headerHeight = headers.reduce(0) { $0 + $1.height }
        // The headers and the first body row start on the same page.
        let firstBody = rows.first { !$0.isHeader }?.height ?? 0
        if cursor - headerHeight - firstBody < bottom, !pageIsEmpty { newPage() }
        for row in rows {
            if cursor - row.height < bottom {
                newPage()
                if !row.isHeader, headerHeight + row.height <= top - bottom {
                    for header in headers { try drawRow(header, widths: widths, size: size, padding: padding) }
                }
            }
            try drawRow(row, widths: widths, size: size, padding: padding)
        }
        cursor -= configuration.bodyFontSize * 0.5
    }

    private mutating func drawRow(_ row: Row, widths: [Double], size: Double, padding: Double) throws {
        let rowTop = cursor
        var x = left
        for (column, width) in widths.enumerated() {
            let frame = RenderedDocument.Rectangle(x: x, y: rowTop - row.height, width: width, height: row.height)
            if row.isHeader { draw(.fillRectangle(frame, gray: 0.88)) }
            cursor = rowTop - padding
            for line in row.cells[column] {
                try drawLine(line, font: row.isHeader ? boldFont : 0, size: size, x: x + padding, breakPages: false)
            }
            draw(.strokeRectangle(frame, lineWidth: 0.5))
            x += width
        }
        cursor = rowTop - row.height
    }

    // MARK: - Lines

    /// Draws one line whose top is the cursor, and moves the cursor down a line.
    private mutating func drawLine(_ line: String, font: Int, size: Double, x: Double, breakPages: Bool = true) throws {
        let lineHeight = size * configuration.lineSpacing
        if breakPages, cursor - lineHeight < bottom { newPage() }
        // The font's ascent-to-descent box, centred in the line.
        let metrics = fonts[font].font
        let ascent = size * Double(metrics.ascent) / Double(metrics.unitsPerEm)
        let descent = size * Double(-metrics.descent) / Double(metrics.unitsPerEm)
        let baseline = cursor - (lineHeight - ascent - descent) / 2 - ascent
        if !line.isEmpty {
            draw(.text(font: font, size: size, x: x, y: baseline, glyphs: try fonts[font].glyphs(for: line)))
        }
        cursor -= lineHeight
    }

    /// The lines of `text` at most `width` wide: greedy breaking at spaces; a word wider than a line is cut
    /// between characters; a line feed forces a break.
    mutating func wrap(_ text: String, font: Int, size: Double, width: Double) throws -> [String] {
        var lines: [String] = []
        let space = try fonts[font].width(of: " ", size: size)
        for hardLine in Self.normalized(text).split(separator: "\n", omittingEmptySubsequences: false) {
            var current = ""
            var currentWidth = 0.0
            for word in hardLine.split(separator: " ").map(String.init) {
                let wordWidth = try fonts[font].width(of: word, size: size)
                if !current.isEmpty, currentWidth + space + wordWidth <= width {
                    current += " " + word
                    currentWidth += space + wordWidth
                    continue
                }
                if !current.isEmpty { lines.append(current) }
                if wordWidth <= width {
                    current = word
                    currentWidth = wordWidth
                } else {
                    var pieces = try cut(word, font: font, size: size, width: width)
                    current = pieces.removeLast()
                    currentWidth = try fonts[font].width(of: current, size: size)
                    lines += pieces
                }
            }
            lines.append(current)
        }
        return lines
    }

    /// `word` cut between characters into pieces at most `width` wide (at least one character each).
    private mutating func cut(_ word: String, font: Int, size: Double, width: Double) throws -> [String] {
        var pieces: [String] = []
        var current = ""
        var currentWidth = 0.0
        for character in word {
            let characterWidth = try fonts[font].width(of: String(character), size: size)
            if !current.isEmpty, currentWidth + characterWidth > width {
                pieces.append(current)
                current = ""
                currentWidth = 0
            }
            current.append(character)
            currentWidth += characterWidth
        }
        pieces.append(current)
        return pieces
    }

    /// NFC (so that "c" + combining caron becomes the font's "č"), line feeds for every line ending, spaces for
    /// tabs and other controls.
    static func normalized(_ text: String) -> String {
        let composed = text.precomposedStringWithCanonicalMapping
            .replacingOccurrences(of: "\r\n", with: "\n")
            .replacingOccurrences(of: "\r", with: "\n")
        return String(String.UnicodeScalarView(composed.unicodeScalars.map { (scalar: Unicode.Scalar) -> Unicode.Scalar in
            scalar != "\n" && (scalar.value < 0x20 || (0x7F..<0xA0).contains(scalar.value)) ? " " : scalar
        }))
    }

    // MARK: - Pages

    private mutating func draw(_ drawing: PageDrawing) {
        pages[pages.count - 1].append(drawing)
    }

    private mutating func newPage() {
        pages.append([])
        cursor = top
    }
}
