/// The optimal string alignment distance (Damerau–Levenshtein restricted to one edit per substring): the number of
/// missing, extra or wrong letters and swaps of two neighbours that turn one word into the other.
enum EditDistance {
    /// The distance of `a` and `b`, or `limit + 1` once it is certain to exceed `limit`.
    static func distance(_ a: [UInt8], _ b: [UInt8], limit: Int) -> Int {
        if abs(a.count - b.count) > limit { return limit + 1 }
        if a.isEmpty || b.isEmpty { return max(a.count, b.count) }
        var previous2 = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            var rowMinimum = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                var value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    value = min(value, previous2[j - 2] + 1)
                }
                current[j] = value
                rowMinimum = min(rowMinimum, value)
            }
            if rowMinimum > limit { return limit + 1 }
            (previous2, previous, current) = (previous, current, previous2)
        }
        return previous[b.count]
    }

    /// Whether `a` and `b` differ by at most one missing, extra or wrong letter or one swap of neighbours
    /// (a linear check, for the search's inner loop).
    static func withinOne(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        if a.count == b.count {
            var first = -1
            for index in a.indices where a[index] != b[index] {
                if first >= 0 {
                    // A second difference: only a swap of neighbours is one edit.
                    return index == first + 1 && a[first] == b[index] && a[index] == b[first]
                        && a[(index + 1)...].elementsEqual(b[(index + 1)...])
                }
                first = index
            }
            return true
        }
        let (short, long) = a.count < b.count ? (a, b) : (b, a)
        guard long.count - short.count == 1 else { return false }
        var index = 0
        while index < short.count, short[index] == long[index] { index += 1 }
        return short[index...].elementsEqual(long[(index + 1)...])
    }
}
