import Foundation

/// Writes the documents Licna issues (contracts, PIN envelopes, certificates) as PDF 1.7 files: A4 pages with
/// headings, paragraphs, tables, a JPEG image and boxes reserved for QR codes, page numbers, and text in any script
/// the font covers — Montenegrin and Serbian in Latin and Cyrillic, Albanian, Macedonian, English with DejaVu Sans.
///
/// Text is set in a composite font (ISO 32000-1 §9.7) built from a subset of a system TrueType font, with a
/// `/ToUnicode` CMap (§9.10.3) so that the exact text can be copied out. The file has a classic cross-reference
/// table (§7.5.4), a trailer with `/ID`, and an Info dictionary with `/Producer` and, when configured, `/CreationDate` (§14.3.3).
/// Rendering is deterministic for a given configuration (including its creation date) and blocks.
public struct PDFDocumentWriter: Sendable {
    public var configuration: Configuration
    /// The face of body text.
    public let font: TrueTypeFont
    /// The face of headings and table headers; the regular face is used when nil.
    public let boldFont: TrueTypeFont?

    public init(font: TrueTypeFont, boldFont: TrueTypeFont? = nil, configuration: Configuration = Configuration()) {
        self.font = font
        self.boldFont = boldFont
        self.configuration = configuration
    }

    /// A writer with fonts from the system: the regular face from `fontPath` (an error says what to install when it
    /// is missing) and the bold face from `boldFontPath` when that file exists.
    public static func withSystemFonts(
        fontPath: String = TrueTypeFont.defaultFontPath,
        boldFontPath: String? = TrueTypeFont.defaultBoldFontPath,
        configuration: Configuration = Configuration()
    ) throws -> PDFDocumentWriter {
        let regular = try TrueTypeFont.load(path: fontPath)
        var bold: TrueTypeFont?
        if let boldFontPath, FileManager.default.fileExists(atPath: boldFontPath) {
            bold = try TrueTypeFont.load(path: boldFontPath)
        }
        return PDFDocumentWriter(font: regular, boldFont: bold, configuration: configuration)
    }

    /// Lays out `blocks` and writes the PDF file.
    public func render(_ blocks: [DocumentBlock]) throws -> RenderedDocument {
        for face in [font] + (boldFont.map { [$0] } ?? []) where !face.permitsEmbedding {
            throw FontError(.unsupported, "the licence of \(face.postScriptName) does not allow embedding (OS/2 fsType)")
        }
        var fonts = [EmbeddedFont(font: font, resourceName: "F1")]
        if let boldFont { fonts.append(EmbeddedFont(font: boldFont, resourceName: "F2")) }
        var layout = try DocumentLayout(configuration: configuration, fonts: fonts)
        for block in blocks { try layout.lay(block) }
        try layout.addPageNumbers()
        let data = try write(layout)
        return RenderedDocument(data: Data(data), pageCount: layout.pages.count, reservedBoxes: layout.reservedBoxes)
    }

    /// The objects: catalog, Info, page tree, one shared resource dictionary, pages with their content streams,
    /// fonts and images (§7.7 document structure).
    private func write(_ layout: DocumentLayout) throws -> [UInt8] {
        var file = PDFFileAssembler()
        let catalog = file.reserve()
        let info = file.reserve()
        let pageTree = file.reserve()
        let resources = file.reserve()
        let n = PDFOutputSyntax.number

        let usedFonts = layout.fonts.filter { !$0.textOfGlyph.isEmpty }
        var fontEntries = ""
        for embedded in usedFonts {
            let object = file.reserve()
            try embedded.write(into: &file, as: object)
            fontEntries += " /\(embedded.resourceName) \(object) 0 R"
        }
        var imageEntries = ""
        for (index, image) in layout.images.enumerated() {
            let object = file.reserve()
            // Adobe's four-component JPEGs store inverted CMYK values (§8.9.5.1, Decode array).
            let decode = image.componentCount == 4 && image.hasAdobeMarker ? " /Decode [1 0 1 0 1 0 1 0]" : ""
            try file.setStream(
                object,
                entries: "/Type /XObject /Subtype /Image /Width \(image.pixelWidth) /Height \(image.pixelHeight)"
                    + " /ColorSpace \(image.colorSpace) /BitsPerComponent 8\(decode) /Filter /DCTDecode",
                data: image.data, compress: false)
            imageEntries += " /Im\(index + 1) \(object) 0 R"
        }
        var resourceDictionary = "<< /ProcSet [/PDF /Text /ImageB /ImageC]"
        if !fontEntries.isEmpty { resourceDictionary += " /Font <<\(fontEntries) >>" }
        if !imageEntries.isEmpty { resourceDictionary += " /XObject <<\(imageEntries) >>" }
        file.set(resources, resourceDictionary + " >>")

        var kids: [String] = []
        let mediaBox = "[0 0 \(n(configuration.pageWidth)) \(n(configuration.pageHeight))]"
        for drawings in layout.pages {
            let page = file.reserve()
            let contents = file.reserve()
            file.set(
                page,
                "<< /Type /Page /Parent \(pageTree) 0 R /MediaBox \(mediaBox) /Resources \(resources) 0 R"
                    + " /Contents \(contents) 0 R >>")
            try file.setStream(contents, entries: "", data: Array(drawings.map(\.operators).joined().utf8))
            kids.append("\(page) 0 R")
        }
        file.set(pageTree, "<< /Type /Pages /Kids [\(kids.joined(separator: " "))] /Count \(kids.count) >>")

        var catalogDictionary = "<< /Type /Catalog /Pages \(pageTree) 0 R"
        if let language = configuration.language { catalogDictionary += " /Lang \(PDFOutputSyntax.textString(language))" }
        file.set(catalog, catalogDictionary + " >>")
        var infoDictionary = "<< /Producer \(PDFOutputSyntax.textString(configuration.producer))"
        if let creationDate = configuration.creationDate { infoDictionary += " /CreationDate \(PDFOutputSyntax.date(creationDate))" }
        if let title = configuration.title { infoDictionary += " /Title \(PDFOutputSyntax.textString(title))" }
        file.set(info, infoDictionary + " >>")
        return file.finish(root: catalog, info: info)
    }
}
