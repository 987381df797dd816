import Foundation
import X509

/// A visible signature: where the signature field's widget sits (ISO 32000-1 §12.7.4.5, §12.5.6.19) and the text
/// its appearance stream shows (§12.5.5). Without it ``PAdESSigner`` adds an invisible field (ETSI EN 319 142-1
/// allows both; the stamp is only a picture, the signature is in `/Contents`).
///
/// The text is set in an embedded subset of `font` (Identity-H with a `/ToUnicode` CMap, as the document writer
/// does), so Latin and Cyrillic with diacritics show and can be copied out. Captions come from the caller, which
/// translates them: this module has no translations.
public struct SignatureAppearance: Sendable {
    /// A rectangle in the page's default user space: points from its lower-left corner (§8.3.2.3), before any
    /// `/Rotate`.
    public struct Rectangle: Sendable, Hashable, CustomStringConvertible {
        public var x: Double
        public var y: Double
        public var width: Double
        public var height: Double

        public init(x: Double, y: Double, width: Double, height: Double) {
            self.x = x
            self.y = y
            self.width = width
            self.height = height
        }

        public var description: String {
            "\(PDFOutputSyntax.number(x)),\(PDFOutputSyntax.number(y)),\(PDFOutputSyntax.number(width)),\(PDFOutputSyntax.number(height))"
        }
    }

    /// Near the bottom-left corner, half an inch in: 220 × 60 points.
    public static let defaultRectangle = Rectangle(x: 36, y: 36, width: 220, height: 60)

    /// The page, counted from 0.
    public var pageIndex: Int
    public var rectangle: Rectangle
    /// The face of the text; it must cover every character shown and allow embedding.
    public var font: TrueTypeFont
    /// The first line of the default text, before the signer's name ("Digitally signed by").
    public var caption: String
    /// The last line of the default text, such as "Valid only in electronic form; a printout carries no
    /// signature"; none when nil.
    public var notice: String?
    /// Lines that replace the default text altogether, when set.
    public var lines: [String]?
    /// The largest text size in points; the text is made smaller until it fits the rectangle.
    public var maximumFontSize: Double
    /// The width of the border line in points; no border when 0.
    public var borderWidth: Double

    public init(pageIndex: Int = 0, rectangle: Rectangle = defaultRectangle, font: TrueTypeFont, caption: String,
                notice: String? = nil, lines: [String]? = nil, maximumFontSize: Double = 9, borderWidth: Double = 0.75) {
        self.pageIndex = pageIndex
        self.rectangle = rectangle
        self.font = font
        self.caption = caption
        self.notice = notice
        self.lines = lines
        self.maximumFontSize = maximumFontSize
        self.borderWidth = borderWidth
    }

    /// The text shown for a signature by `certificate` at `signingTime`: ``lines`` when set, else the caption,
    /// the signer's name (the subject's commonName), the organization when the subject names one (an e-seal's
    /// organizationName), the signing time in UTC (`2026-03-14 09:26:53 UTC`) and the notice.
    public func text(for certificate: Certificate, signingTime: Date) -> [String] {
        if let lines { return lines }
        var text = [caption]
        let name = CMSSignatureValidator.attribute(.NameAttributes.commonName, of: certificate)
        if let name { text.append(name) }
        if let organization = CMSSignatureValidator.attribute(.NameAttributes.organizationName, of: certificate), organization != name {
            text.append(organization)
        }
        text.append(Self.format(signingTime))
        if let notice { text.append(notice) }
        return text.filter { !$0.isEmpty }
    }

    /// `YYYY-MM-DD hh:mm:ss UTC` (ISO 8601's calendar date and time, with a space and the zone spelled out).
    static func format(_ date: Date) -> String {
        let f = PDFDate.utcFields(date)
        return "\(f.year)-\(f.month)-\(f.day) \(f.hour):\(f.minute):\(f.second) UTC"
    }
}
