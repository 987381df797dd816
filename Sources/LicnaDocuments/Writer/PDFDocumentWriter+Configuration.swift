import Foundation

extension PDFDocumentWriter {
    /// Page size, margins, type sizes and document information. Lengths are in PDF points (1/72 inch).
    public struct Configuration: Sendable {
        /// Page width: A4, 210 mm.
        public var pageWidth: Double = 595.276
        /// Page height: A4, 297 mm.
        public var pageHeight: Double = 841.89
        /// Margins around the text; page numbers sit in the middle of the bottom margin. Default 20 mm.
        public var marginTop: Double = 56.693
        public var marginBottom: Double = 56.693
        public var marginLeft: Double = 56.693
        public var marginRight: Double = 56.693
        /// Size of paragraph text.
        public var bodyFontSize: Double = 11
        /// Distance between baselines as a multiple of the text size.
        public var lineSpacing: Double = 1.3
        /// Sizes of headings of level 1, 2, 3…; deeper levels take the last.
        public var headingFontSizes: [Double] = [18, 14, 12]
        /// The Info dictionary's `/Title` (ISO 32000-1 §14.3.3), when set.
        public var title: String?
        /// The catalog's `/Lang` (§14.9.2.1), a BCP 47 tag such as `sr-Latn-ME`, when set.
        public var language: String?
        /// The Info dictionary's `/Producer`.
        public var producer: String = "Licna"
        /// The Info dictionary's `/CreationDate`, from the caller's clock; nil writes none (the entry is optional,
        /// ISO 32000-1 §14.3.3), so a file is the same whenever it is written.
        public var creationDate: Date?
        /// The text printed at the foot of each page from its number and the page count (both from 1); nil prints
        /// no page numbers.
        public var pageNumberLabel: (@Sendable (_ page: Int, _ pageCount: Int) -> String)? = { "\($0) / \($1)" }

        public init() {}
    }
}
