/// The filters MOSIP applies to the numbers it draws (MOSIP ID generator, UIN filters), so that a number is
/// hard to mistake, hard to guess a neighbour of, and looks like nothing in particular. They run on all nine
/// digits, check digit included.
public enum IdentificationNumberFilters {
    /// Cyclic numbers (the repeating periods of 1/7, 1/17, 1/19, 1/23, 1/29): no window of a rotation of one may
    /// appear in a number. Windows are six digits long, the period of 1/7.
    static let cyclicWindows: [UInt64] = {
        let periods = [
            "142857", "0588235294117647", "052631578947368421", "0434782608695652173913",
            "0344827586206896551724137931",
        ]
        // A bitmap of all 10^6 six-digit values (125 KB): one bit test per window.
        var windows = [UInt64](repeating: 0, count: 1_000_000 / 64 + 1)
        for period in periods {
            let digits = period.utf8.map { Int($0) - 48 }
            for start in 0..<digits.count {
                var value = 0
                for offset in 0..<6 { value = value * 10 + digits[(start + offset) % digits.count] }
                windows[value >> 6] |= 1 << UInt64(value & 63)
            }
        }
        return windows
    }()

    /// `true` when the nine digits pass every filter:
    /// - the first digit is not 0 or 1;
    /// - no run of three digits ascending or descending by one (123, 987);
    /// - no digit repeats within two positions (11, 1x1);
    /// - no block of two digits appears twice (4848, 48x48);
    /// - the first five digits are neither the last five nor their reverse;
    /// - no six-digit window of a cyclic number.
    @inlinable
    public static func accepts(_ d: UnsafeBufferPointer<Int>) -> Bool {
        let n = d.count
        guard n >= 6, d[0] >= 2, neighboursAccepted(d) else { return false }
        for i in 0..<(n - 1) {
            var j = i + 2
            while j < n - 1 {
                if d[i] == d[j], d[i + 1] == d[j + 1] { return false }
                j += 1
            }
        }
        var sameHalves = true, reversedHalves = true
        for k in 0..<5 {
            if d[k] != d[n - 5 + k] { sameHalves = false }
            if d[k] != d[n - 1 - k] { reversedHalves = false }
        }
        if sameHalves || reversedHalves { return false }
        return !containsCyclicWindow(d)
    }

    /// The rules on neighbouring digits alone: no digit repeated within two positions, no run of three ascending
    /// or descending by one. They hold for a number only if they hold for each of its prefixes.
    @inlinable
    public static func neighboursAccepted(_ d: UnsafeBufferPointer<Int>) -> Bool {
        let n = d.count
        for i in 0..<n {
            if i + 1 < n, d[i] == d[i + 1] { return false }
            if i + 2 < n {
                if d[i] == d[i + 2] { return false }
                let step1 = d[i + 1] - d[i], step2 = d[i + 2] - d[i + 1]
                if step1 == step2, step1 == 1 || step1 == -1 { return false }
            }
        }
        return true
    }

    @usableFromInline
    static func containsCyclicWindow(_ d: UnsafeBufferPointer<Int>) -> Bool {
        cyclicWindows.withUnsafeBufferPointer { bitmap in
            for start in 0...(d.count - 6) {
                var value = 0
                for offset in 0..<6 { value = value * 10 + d[start + offset] }
                if bitmap[value >> 6] & (1 << UInt64(value & 63)) != 0 { return true }
            }
            return false
        }
    }

    /// The filters on a string of digits; for tests and diagnostics.
    public static func accepts(_ text: String) -> Bool {
        let digits = text.utf8.map { Int($0) - 48 }
        guard digits.allSatisfy({ (0...9).contains($0) }) else { return false }
        return digits.withUnsafeBufferPointer { accepts($0) }
    }
}
