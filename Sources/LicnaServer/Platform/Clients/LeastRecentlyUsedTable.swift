/// A map with a fixed capacity that forgets its least recently used entry to make room: O(1) per lookup, insert
/// and eviction (a dictionary of slots and a doubly linked list through them). Per-client limits keep their state
/// here, so that a flood of distinct addresses costs a bounded amount of memory and no sweeps.
struct LeastRecentlyUsedTable<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private struct Slot: Sendable {
        var key: Key
        var value: Value
        var newer: Int
        var older: Int
    }

    let capacity: Int
    private var slots: [Slot] = []
    private var index: [Key: Int] = [:]
    /// The most and least recently used slots (-1 when empty).
    private var newest = -1
    private var oldest = -1

    init(capacity: Int) {
        precondition(capacity > 0, "a table holds at least one entry")
        self.capacity = capacity
        index.reserveCapacity(min(capacity, 1 << 16))
    }

    var count: Int { index.count }

    /// The value for `key`, which becomes the most recently used; nil when absent.
    mutating func value(for key: Key) -> Value? {
        guard let slot = index[key] else { return nil }
        touch(slot)
        return slots[slot].value
    }

    /// Stores `value` for `key` as the most recently used, evicting the least recently used entry when full.
    mutating func set(_ value: Value, for key: Key) {
        if let slot = index[key] {
            slots[slot].value = value
            touch(slot)
            return
        }
        let slot: Int
        if slots.count < capacity {
            slot = slots.count
            slots.append(Slot(key: key, value: value, newer: -1, older: -1))
        } else {
            slot = oldest
            unlink(slot)
            index.removeValue(forKey: slots[slot].key)
            slots[slot] = Slot(key: key, value: value, newer: -1, older: -1)
        }
        index[key] = slot
        pushNewest(slot)
    }

    private mutating func touch(_ slot: Int) {
        guard slot != newest else { return }
        unlink(slot)
        pushNewest(slot)
    }

    private mutating func unlink(_ slot: Int) {
        let (newer, older) = (slots[slot].newer, slots[slot].older)
        if newer != -1 { slots[newer].older = older } else if newest == slot { newest = older }
        if older != -1 { slots[older].newer = newer } else if oldest == slot { oldest = newer }
        slots[slot].newer = -1
        slots[slot].older = -1
    }

    private mutating func pushNewest(_ slot: Int) {
        slots[slot].older = newest
        slots[slot].newer = -1
        if newest != -1 { slots[newest].newer = slot }
        newest = slot
        if oldest == -1 { oldest = slot }
    }
}
