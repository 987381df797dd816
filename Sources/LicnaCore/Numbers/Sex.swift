/// Sex as the civil registry records it and as the JMBG encodes it (serial 000–499 male, 500–999 female).
public enum Sex: String, Sendable, Hashable, Codable, CaseIterable {
    case male = "M"
    case female = "F"

    /// The range of JMBG serials (`BBB`) that encodes this sex.
    public var jmbgSerials: ClosedRange<Int> { self == .male ? 0...499 : 500...999 }
}
