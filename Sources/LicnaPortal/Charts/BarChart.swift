/// A horizontal bar chart as inline SVG (SVG 1.1), drawn on the server so that it needs no JavaScript: one row per
/// bar with its label and value written as text (readable by screen readers and in print), a `<title>` and
/// `role="img"` with `aria-label` for the whole chart (WAI-ARIA 1.1 `img` role). Labels are escaped.
public struct BarChart: Sendable {
    public struct Bar: Sendable, Hashable {
        public let label: String
        /// Nil: not shown (a small count withheld); drawn as an empty row that says so.
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

    public init(title: String, bars: [Bar], withheld: String = "< 5") {
        self.title = title
        self.bars = bars
        self.withheld = withheld
    }

    /// The chart, `width` user units wide (it scales to its container: `viewBox` and `width="100%"`).
    public func svg(width: Int = 640) -> String {
        let rowHeight = 28, labelWidth = width * 2 / 5, valueWidth = 70
        let barSpace = width - labelWidth - valueWidth
        let maximum = max(1, bars.compactMap(\.value).max() ?? 1)
        let height = max(1, bars.count) * rowHeight + 8
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(width) \(height)\" width=\"100%\" role=\"img\" aria-label=\"\(Self.escape(title))\">"
        svg += "<title>\(Self.escape(title))</title>"
        for (index, bar) in bars.enumerated() {
            let y = index * rowHeight + 4
            svg += "<text x=\"0\" y=\"\(y + 18)\" font-size=\"14\" fill=\"#1d2433\">\(Self.escape(String(bar.label.prefix(40))))</text>"
            if let value = bar.value {
                let length = Int((Double(value) / Double(maximum) * Double(barSpace)).rounded())
                svg += "<rect x=\"\(labelWidth)\" y=\"\(y + 4)\" width=\"\(max(length, value > 0 ? 2 : 0))\" height=\"18\" fill=\"#b3261e\"/>"
                svg += "<text x=\"\(labelWidth + length + 6)\" y=\"\(y + 18)\" font-size=\"14\" fill=\"#1d2433\">\(value)</text>"
            } else {
                svg += "<text x=\"\(labelWidth)\" y=\"\(y + 18)\" font-size=\"14\" fill=\"#5b6478\">\(Self.escape(withheld))</text>"
            }
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
