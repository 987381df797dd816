/// What a service says about itself in one language and script.
public struct ServiceText: Sendable, Hashable, Codable {
    /// The official name, as the citizen sees it.
    public var name: String
    /// One or two plain sentences: what it is, who needs it.
    public var description: String
    /// Synonyms, colloquial names and related words people type; searched, not shown.
    public var keywords: [String]
    /// What to bring or have ready.
    public var bring: [String]

    public init(name: String, description: String, keywords: [String], bring: [String]) {
        self.name = name
        self.description = description
        self.keywords = keywords
        self.bring = bring
    }

    /// The same text with every string passed through `transform` (a transliteration).
    func mapped(_ transform: (String) -> String) -> ServiceText {
        ServiceText(name: transform(name), description: transform(description), keywords: keywords.map(transform), bring: bring.map(transform))
    }
}
