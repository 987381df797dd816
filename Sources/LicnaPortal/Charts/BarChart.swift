/// A horizontal bar chart as inline SVG (SVG 1.1), drawn on the server so that it needs no JavaScript: one row per
/// bar with its label and value written as text and in the bar's `<title>` (readable by screen readers and in
/// print), and a `<title>` with `role="img"` and `aria-label` for the whole chart (WAI-ARIA 1.1 `img` role). Labels
/// are escaped. The officer's card statistics and the portal's public statistics both draw with it.
public struct BarChart: Sendable {
    public struct Bar: Sendable, Hashable {
        public let label: String
        /// Nil: not shown (a small count withheld); drawn as a row that says so.
        public let value: Int?

        public init(label: String, value: Int?) {
            self.label = label
            self.value = value
        }
    }

    public let title: String
    public let bars: [Bar]
    /// The text written for a withheld value.
    public let withheld: String

    /// Where the bars start (the labels end 8 units before), the longest bar, and each row's height.
    public static let labelWidth = 190
    public static let barArea = 360
    public static let rowHeight = 24
    /// The chart's width: labels, bars and 70 units for the largest bar's number.
    public static let width = labelWidth + barArea + 70

    public init(title: String, bars: [Bar], withheld: String = "< 5") {
        self.title = title
        self.bars = bars
        self.withheld = withheld
    }

    /// The chart; it shrinks to a narrower container through its `viewBox` (with CSS `max-width: 100%`).
    public func svg() -> String {
        let largest = max(bars.compactMap(\.value).max() ?? 0, 1)
        let height = max(bars.count, 1) * Self.rowHeight + 8
        let title = Self.escape(title)
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-label=\"\(title)\" width=\"\(Self.width)\" height=\"\(height)\" "
            + "viewBox=\"0 0 \(Self.width) \(height)\"><title>\(title)</title>"
        for (index, bar) in bars.enumerated() {
            let label = Self.escape(String(bar.label.prefix(40)))
            let y = index * Self.rowHeight + 4, textY = index * Self.rowHeight + 20
            let shown = bar.value.map(String.init) ?? Self.escape(withheld)
            svg += "<g><title>\(label): \(shown)</title>"
            svg += "<text x=\"\(Self.labelWidth - 8)\" y=\"\(textY)\" text-anchor=\"end\" font-size=\"13\" fill=\"#222\">\(label)</text>"
            if let value = bar.value {
                let length = value == 0 ? 0 : max(2, value * Self.barArea / largest)
                svg += "<rect x=\"\(Self.labelWidth)\" y=\"\(y)\" width=\"\(length)\" height=\"18\" fill=\"#1f5fa8\"></rect>"
                svg += "<text x=\"\(Self.labelWidth + length + 6)\" y=\"\(textY)\" font-size=\"13\" fill=\"#222\">\(value)</text>"
            } else {
                svg += "<text x=\"\(Self.labelWidth)\" y=\"\(textY)\" font-size=\"13\" fill=\"#5b6478\">\(shown)</text>"
            }
            svg += "</g>"
        }
        return svg + "</svg>"
    }

    static func escape(_ text: String) -> String {
        var result = ""
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            default: result.append(character)
            }
        }
        return result
    }
}
