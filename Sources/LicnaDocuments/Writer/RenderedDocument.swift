import Foundation

/// A finished PDF file and where its reserved boxes ended up.
public struct RenderedDocument: Sendable {
    /// A rectangle in PDF user space: points from the page's lower-left corner (ISO 32000-1 §8.3.2.3).
    public struct Rectangle: Sendable, Hashable {
        public let x: Double
        public let y: Double
        public let width: Double
        public let height: Double
    }

    /// A box left empty for a QR code.
    public struct ReservedBox: Sendable, Hashable {
        public let identifier: String
        /// The page, counted from 1.
        public let page: Int
        /// The inside of the border.
        public let rectangle: Rectangle
    }

    /// The PDF file.
    public let data: Data
    public let pageCount: Int
    public let reservedBoxes: [ReservedBox]
}
