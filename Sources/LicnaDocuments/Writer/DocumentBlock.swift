import LicnaBasics
/// One piece of a document's flow, laid out top to bottom by ``PDFDocumentWriter``.
///
/// A struct with static constructors rather than a public enum, so that kinds of blocks can be added without
/// breaking callers.
public struct DocumentBlock: Sendable {
    enum Kind: Sendable {
        case heading(String, level: Int)
        case paragraph(String, fontSize: Double?)
        case table(DocumentTable)
        case image(JPEGImage, width: Double?)
        case reservedBox(ReservedBoxRequest)
        case qrCode(QRCode, side: Double, caption: String)
        case spacer(Double)
        case pageBreak
    }

    let kind: Kind

    /// A heading, in the bold font when the writer has one; level 1 is the largest.
    public static func heading(_ text: String, level: Int = 1) -> DocumentBlock {
        DocumentBlock(kind: .heading(text, level: max(1, level)))
    }

    /// A paragraph, wrapped at spaces by the measured widths of its glyphs; a line feed starts a new line.
    public static func paragraph(_ text: String, fontSize: Double? = nil) -> DocumentBlock {
        DocumentBlock(kind: .paragraph(text, fontSize: fontSize))
    }

    /// A table with borders; rows break across pages, and header rows repeat on each page.
    public static func table(_ table: DocumentTable) -> DocumentBlock {
        DocumentBlock(kind: .table(table))
    }

    /// A JPEG image, `width` points wide (default: its pixels at 96 per inch, at most the text width), the height
    /// following its aspect ratio.
    public static func image(_ image: JPEGImage, width: Double? = nil) -> DocumentBlock {
        DocumentBlock(kind: .image(image, width: width))
    }

    /// A bordered square of `side` points left empty for a QR code added later (for example by the card-issuance
    /// step), with `caption` under it. Its position is reported in ``RenderedDocument/reservedBoxes`` under
    /// `identifier`.
    public static func qrBox(side: Double, caption: String, identifier: String = "qr") -> DocumentBlock {
        DocumentBlock(kind: .reservedBox(ReservedBoxRequest(identifier: identifier, side: side, caption: caption)))
    }

    /// A QR code (ISO/IEC 18004) of `side` points with its four-module quiet zone inside, drawn as filled
    /// rectangles in the page's content (vector, sharp at any zoom and in print), with `caption` under it.
    public static func qrCode(_ code: QRCode, side: Double, caption: String) -> DocumentBlock {
        DocumentBlock(kind: .qrCode(code, side: side, caption: caption))
    }

    /// Vertical space of `height` points (dropped at the top of a page).
    public static func spacer(_ height: Double) -> DocumentBlock {
        DocumentBlock(kind: .spacer(height))
    }

    /// Continue on a new page.
    public static let pageBreak = DocumentBlock(kind: .pageBreak)
}

/// A reserved square as asked for by ``DocumentBlock/qrBox(side:caption:identifier:)``.
struct ReservedBoxRequest: Sendable {
    let identifier: String
    let side: Double
    let caption: String
}

/// A table: column widths (relative, scaled to the text width) and rows of cell texts.
public struct DocumentTable: Sendable {
    /// Relative widths; `[1, 2]` gives the second column twice the first's width.
    public var columnWidths: [Double]
    /// The rows, each with one text per column (missing cells are empty).
    public var rows: [[String]]
    /// How many leading rows are headers: set in the bold font on a grey ground and repeated after page breaks.
    public var headerRowCount: Int
    /// Text size in points; nil takes the body size.
    public var fontSize: Double?

    public init(columnWidths: [Double], rows: [[String]], headerRowCount: Int = 1, fontSize: Double? = nil) {
        self.columnWidths = columnWidths
        self.rows = rows
        self.headerRowCount = headerRowCount
        self.fontSize = fontSize
    }
}
