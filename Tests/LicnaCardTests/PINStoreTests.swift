@testable import LicnaCard
import Testing

@Suite struct PINStoreTests {
    static func format(_ pin: String) -> [UInt8] { ReferenceData.pivFormat(pin)! }

    static func store() throws -> PINStore {
        PINStore(pin: try ReferenceData(pivFormatted: format("123456")), puk: try ReferenceData(pivFormatted: format("12345678")))
    }

    @Test func fiveWrongPINsBlockAndThePUKUnblocks() throws {
        var store = try Self.store()
        var persisted = store
        let persist: (PINStore) -> Void = { persisted = $0 }
        for left in stride(from: 4, through: 0, by: -1) {
            #expect(store.verify(.pin, presented: Self.format("000000"), verified: false, persist: persist) == .verificationFailed(triesLeft: left))
            #expect(persisted.pinCounter.remaining == left)
        }
        #expect(store.verify(.pin, presented: Self.format("123456"), verified: false, persist: persist) == .authenticationBlocked)
        #expect(store.verify(.pin, presented: [], verified: false, persist: persist) == .authenticationBlocked)
        #expect(store.verify(.puk, presented: [], verified: false, persist: persist) == .verificationFailed(triesLeft: 5))
        // RESET RETRY COUNTER with a bad new PIN spends nothing; with the PUK it sets the new PIN.
        #expect(store.resetPIN(data: Self.format("12345678") + [0x31, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF], persist: persist) == .wrongData)
        #expect(store.pukCounter.remaining == 5)
        #expect(store.resetPIN(data: Self.format("12345678") + Self.format("654321"), persist: persist) == .success)
        #expect(store.verify(.pin, presented: Self.format("654321"), verified: false, persist: persist) == .success)
        #expect(persisted == store)
    }

    @Test func exhaustedPINAndPUKBlockTheCardForGood() throws {
        var store = try Self.store()
        for _ in 0..<5 { _ = store.verify(.pin, presented: Self.format("000000"), verified: false) { _ in } }
        for _ in 0..<5 { _ = store.resetPIN(data: Self.format("00000000") + Self.format("111111")) { _ in } }
        #expect(store.isPermanentlyBlocked)
        #expect(store.resetPIN(data: Self.format("12345678") + Self.format("111111")) { _ in } == .authenticationBlocked)
        #expect(store.verify(.pin, presented: Self.format("123456"), verified: false) { _ in } == .authenticationBlocked)
    }

    @Test func changeReferenceDataNeedsTheOldValue() throws {
        var store = try Self.store()
        #expect(store.change(.pin, data: Self.format("999999") + Self.format("222222")) { _ in } == .verificationFailed(triesLeft: 4))
        #expect(store.change(.pin, data: Self.format("123456") + Self.format("222222")) { _ in } == .success)
        #expect(store.pinCounter.remaining == 5)
        #expect(store.verify(.pin, presented: Self.format("222222"), verified: false) { _ in } == .success)
        #expect(store.change(.puk, data: Self.format("12345678") + Self.format("87654321")) { _ in } == .success)
        #expect(store.change(.pin, data: [1, 2, 3]) { _ in } == .wrongLength)
    }

    struct Crash: Error {}

    /// Tearing, simulated: the card dies at a random persistence point; after a restart only what was persisted
    /// survives. However often it dies, the tries left never rise except after the correct PIN.
    @Test func dyingAtAnyMomentNeverGivesATryBack() throws {
        var random = SystemRandomNumberGenerator()
        var durable = try Self.store()
        var lowest = durable.pinCounter.remaining
        for _ in 0..<2_000 {
            var live = durable
            var writes = 0
            let dieAt = Int.random(in: 0...2, using: &random)
            let persist: (PINStore) throws -> Void = { state in
                if writes == dieAt { throw Crash() }
                writes += 1
                durable = state
            }
            _ = try? live.verify(.pin, presented: Self.format("000000"), verified: false, persist: persist)
            #expect(durable.pinCounter.remaining <= lowest)
            lowest = durable.pinCounter.remaining
            if durable.pinCounter.isBlocked { break }
        }
        #expect(durable.pinCounter.isBlocked)
    }
}
