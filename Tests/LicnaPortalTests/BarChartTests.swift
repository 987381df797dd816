import Foundation
import Testing
@testable import LicnaPortal

@Suite struct BarChartTests {
    @Test func labelsAreEscapedAndWithheldValuesSaySo() throws {
        let svg = BarChart(title: "A & B", bars: [.init(label: "<script>alert(1)</script>", value: 10), .init(label: "Žabljak", value: nil)],
                           withheld: "fewer than 5").svg()
        #expect(!svg.contains("<script>") && svg.contains("&lt;script&gt;"))
        #expect(svg.contains("aria-label=\"A &amp; B\"") && svg.contains("fewer than 5") && svg.contains("Žabljak"))
    }
}
