/// A lexical token of PDF syntax (ISO 32000-1 §7.2–7.3).
enum PDFToken: Equatable {
    case integer(Int)
    case real(Double)
    case string(PDFString)
    case name(String)
    case arrayStart
    case arrayEnd
    case dictionaryStart
    case dictionaryEnd
    /// A run of regular characters that is not a number: `obj`, `R`, `true`, `stream`, `xref` …
    case keyword(String)

    var keyword: String? {
        if case .keyword(let value) = self { return value }
        return nil
    }

    var integer: Int? {
        if case .integer(let value) = self { return value }
        return nil
    }
}
