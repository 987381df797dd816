/// Finds services by what people type: in any of the five languages and either script at once, without
/// diacritics, with a missing, extra, wrong or swapped letter in a word, in any grammatical form, and by the
/// synonyms and colloquial names of the service files. Results are ranked by how well and how specifically the
/// words match (rare words count more: inverse document frequency), how many of the query's words matched, and
/// whether they matched in the page's language.
///
/// Built once per catalogue (immutable, shared between requests). Misspellings are found through a deletion index
/// (every word of the catalogue with one letter deleted, as SymSpell does), so a query costs a few hash lookups
/// per word instead of a comparison with every word.
public struct ServiceSearch: Sendable {
    /// A found service and its score (higher is better).
    public struct Hit: Sendable, Hashable {
        public let id: String
        public let score: Double
    }

    /// The answer to a query: ranked hits, and a corrected query when nothing matched but something close would.
    public struct Outcome: Sendable {
        public let hits: [Hit]
        public let suggestion: String?
    }

    private struct Posting: Sendable {
        let service: Int32
        let weight: Float
        /// Bit per language (``ServiceLocale/languages`` order) whose texts hold the word.
        let languages: UInt8
    }

    /// How much a word counts by where it stands.
    enum Field: Float {
        case name = 3
        case keyword = 2.5
        case institution = 1.2
        case description = 1
        case lifeEvent = 0.9
    }

    private let ids: [String]
    private let terms: [[UInt8]]
    private let termIndex: [String: Int32]
    private let postings: [[Posting]]
    private let inverseFrequency: [Float]
    /// A term with one letter deleted (and the term itself) → the terms.
    private let deletions: [String: [Int32]]
    /// Term ids sorted by their bytes, for prefix ranges.
    private let sorted: [Int32]
    /// How a term is written in the texts, per language, for "did you mean".
    private let spelling: [Int32: [String]]

    /// Indexes `catalogue`, with `lifeEventNames[event][language]` naming each life event.
    public init(catalogue: ServiceCatalogue, lifeEventNames: [LifeEvent: [String: String]] = [:]) {
        var termIndex: [String: Int32] = [:]
        var terms: [[UInt8]] = []
        var postings: [[Int32: (weight: Float, languages: UInt8)]] = []
        var spelling: [Int32: [String]] = [:]
        func term(_ word: String) -> Int32 {
            if let id = termIndex[word] { return id }
            let id = Int32(terms.count)
            termIndex[word] = id
            terms.append(Array(word.utf8))
            postings.append([:])
            return id
        }
        for (serviceIndex, service) in catalogue.services.enumerated() {
            let service32 = Int32(serviceIndex)
            for locale in ServiceLocale.all {
                let languageBit = UInt8(1) << UInt8(ServiceLocale.languages.firstIndex(of: locale.language) ?? 0)
                let text = service.text(locale)
                var fields: [(String, Field)] = [(text.name, .name), (text.description, .description),
                                                 (catalogue.institutionName(service.institution, language: locale.language), .institution)]
                fields += text.keywords.map { ($0, .keyword) }
                fields += service.lifeEvents.compactMap { lifeEventNames[$0]?[locale.language] }.map { ($0, .lifeEvent) }
                let slot = ServiceLocale.languages.firstIndex(of: locale.language) ?? 0
                let shown = locale == ServiceLocale.page(locale.language)
                for (value, field) in fields {
                    for original in value.split(whereSeparator: { !$0.isLetter && !$0.isNumber }) {
                        for word in SearchText.words(String(original)) {
                            for form in Set([word, SearchText.stem(word)]) {
                                let id = term(form)
                                let previous = postings[Int(id)][service32]
                                postings[Int(id)][service32] = (max(previous?.weight ?? 0, field.rawValue), (previous?.languages ?? 0) | languageBit)
                            }
                            let id = term(word)  // registered just above, as one of its forms
                            var list = spelling[id] ?? Array(repeating: "", count: ServiceLocale.languages.count)
                            if shown, list[slot].isEmpty {
                                list[slot] = original.lowercased()
                                spelling[id] = list
                            }
                        }
                    }
                }
            }
        }
        let count = Float(max(catalogue.services.count, 1))
        self.ids = catalogue.services.map(\.id)
        self.terms = terms
        self.termIndex = termIndex
        self.postings = postings.map { map in
            map.map { Posting(service: $0.key, weight: $0.value.weight, languages: $0.value.languages) }.sorted { $0.service < $1.service }
        }
        self.inverseFrequency = postings.map { Float(log1p(Double(count) / Double(max($0.count, 1)))) }
        var deletions: [String: [Int32]] = [:]
        for (id, bytes) in terms.enumerated() {
            deletions[String(decoding: bytes, as: UTF8.self), default: []].append(Int32(id))
            guard bytes.count >= 4 else { continue }
            for variant in Self.deleted(bytes) { deletions[variant, default: []].append(Int32(id)) }
        }
        self.deletions = deletions
        self.sorted = terms.indices.map(Int32.init).sorted { terms[Int($0)].lexicographicallyPrecedes(terms[Int($1)]) }
        self.spelling = spelling
    }

    /// The services matching `query`, best first, at most `limit`, ranking matches in `language` (a page language)
    /// first among equals.
    public func search(_ query: String, language: String, limit: Int = 20) -> Outcome {
        let hits = rank(query, language: language, limit: limit)
        guard hits.isEmpty else { return Outcome(hits: hits, suggestion: nil) }
        guard let suggestion = suggest(query, language: language), !rank(suggestion, language: language, limit: 1).isEmpty else {
            return Outcome(hits: [], suggestion: nil)
        }
        return Outcome(hits: [], suggestion: suggestion)
    }

    /// The longest query considered (characters, then words): a longer one is cut, not refused.
    public static let maximumQueryLength = 200
    static let maximumQueryWords = 12

    private func queryWords(_ query: String) -> [String] {
        let words = Array(SearchText.words(String(query.prefix(Self.maximumQueryLength))).prefix(Self.maximumQueryWords))
        let meaningful = words.filter { !SearchText.stopWords.contains($0) }
        return meaningful.isEmpty ? words : meaningful
    }

    private func rank(_ query: String, language: String, limit: Int) -> [Hit] {
        let words = queryWords(query)
        guard !words.isEmpty, !ids.isEmpty else { return [] }
        let languageBit = UInt8(1) << UInt8(ServiceLocale.languages.firstIndex(of: language) ?? 0)
        var total = [Float](repeating: 0, count: ids.count)
        var matched = [UInt8](repeating: 0, count: ids.count)
        var best = [Float](repeating: 0, count: ids.count)
        var touched: [Int32] = []
        // Each word's matches, and those of two neighbours written as one ("pa pune" → "papune", "e potpis").
        var candidates = words.map(matches)
        for index in words.indices.dropLast() where words[index].count + words[index + 1].count <= 24 {
            for (term, quality) in matches(words[index] + words[index + 1]) {
                candidates[index][term] = max(candidates[index][term] ?? 0, quality)
                candidates[index + 1][term] = max(candidates[index + 1][term] ?? 0, quality)
            }
        }
        for wordMatches in candidates {
            for (term, quality) in wordMatches {
                let idf = inverseFrequency[Int(term)]
                for posting in postings[Int(term)] {
                    let boost: Float = posting.languages & languageBit != 0 ? 1 : 0.85
                    let score = quality * posting.weight * idf * boost
                    let index = Int(posting.service)
                    if best[index] == 0 { touched.append(posting.service) }
                    best[index] = max(best[index], score)
                }
            }
            for service in touched {
                total[Int(service)] += best[Int(service)]
                matched[Int(service)] += 1
                best[Int(service)] = 0
            }
            touched.removeAll(keepingCapacity: true)
        }
        let count = Float(words.count)
        var hits: [(Int, Float)] = []
        for index in ids.indices where matched[index] > 0 {
            let coverage = Float(matched[index]) / count
            hits.append((index, total[index] * coverage * coverage))
        }
        hits.sort { $0.1 != $1.1 ? $0.1 > $1.1 : ids[$0.0] < ids[$1.0] }
        return hits.prefix(limit).map { Hit(id: ids[$0.0], score: Double($0.1)) }
    }

    /// The terms a query word matches, with the quality of each match (1 exact; less for a stem, a misspelling,
    /// a beginning or a shared root).
    private func matches(_ word: String) -> [Int32: Float] {
        var found: [Int32: Float] = [:]
        func note(_ term: Int32, _ quality: Float) { found[term] = max(found[term] ?? 0, quality) }
        let stem = SearchText.stem(word)
        for (form, exact) in [(word, Float(1)), (stem, Float(0.95))] {
            let bytes = Array(form.utf8)
            if let term = termIndex[form] { note(term, exact) }
            guard bytes.count >= 4 else { continue }
            // One edit: the form or one of its deletions meets a term or one of its deletions.
            for key in [form] + Self.deleted(bytes) {
                for term in deletions[key] ?? [] where EditDistance.withinOne(bytes, terms[Int(term)]) {
                    note(term, exact * 0.8)
                }
            }
        }
        // A beginning ("regist" finds "registration") and a shared root of at least five letters ("izgubio" and
        // "izgubljena", "rodjen" and "rodjenje").
        let bytes = Array(word.utf8)
        if bytes.count >= 3 { forEachTerm(withPrefix: bytes, limit: 64) { note($0, 0.75) } }
        if bytes.count >= 6 {
            let root = Array(bytes.prefix(max(5, bytes.count - 2)))
            forEachTerm(withPrefix: root, limit: 64) { note($0, 0.6) }
        }
        return found
    }

    private func forEachTerm(withPrefix prefix: [UInt8], limit: Int, _ body: (Int32) -> Void) {
        var low = 0, high = sorted.count
        while low < high {
            let middle = (low + high) / 2
            if terms[Int(sorted[middle])].lexicographicallyPrecedes(prefix) { low = middle + 1 } else { high = middle }
        }
        var index = low
        while index < sorted.count, index - low < limit, terms[Int(sorted[index])].starts(with: prefix) {
            body(sorted[index])
            index += 1
        }
    }

    /// A query with each unmatched word replaced by the closest word of the catalogue (at most two edits), or nil.
    private func suggest(_ query: String, language: String) -> String? {
        let words = queryWords(query)
        let slot = ServiceLocale.languages.firstIndex(of: language) ?? 0
        var changed = false
        var corrected: [String] = []
        for word in words {
            if !matches(word).isEmpty {
                corrected.append(word)
                continue
            }
            let bytes = Array(word.utf8)
            var best: (term: Int32, distance: Int, frequency: Int)?
            for (id, term) in terms.enumerated() where spelling[Int32(id)] != nil && abs(term.count - bytes.count) <= 2 {
                let distance = EditDistance.distance(bytes, term, limit: 2)
                guard distance <= 2 else { continue }
                let frequency = postings[id].count
                if let current = best, distance > current.distance || (distance == current.distance && frequency <= current.frequency) { continue }
                best = (Int32(id), distance, frequency)
            }
            guard let best, let spellings = spelling[best.term] else { return nil }
            corrected.append(spellings[slot].isEmpty ? spellings.first { !$0.isEmpty } ?? word : spellings[slot])
            changed = true
        }
        return changed ? corrected.joined(separator: " ") : nil
    }

    /// Every way of deleting one letter of `bytes`.
    private static func deleted(_ bytes: [UInt8]) -> [String] {
        var variants: [String] = []
        variants.reserveCapacity(bytes.count)
        var previous: UInt8?
        for index in bytes.indices {
            // Deleting either of two equal neighbours gives the same word.
            if bytes[index] == previous { continue }
            previous = bytes[index]
            var copy = bytes
            copy.remove(at: index)
            variants.append(String(decoding: copy, as: UTF8.self))
        }
        return variants
    }
}

import Foundation
