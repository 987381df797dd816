import Testing
@testable import LicnaPortal

@Suite struct EditDistanceTests {
    @Test func knownDistances() {
        func d(_ a: String, _ b: String) -> Int { EditDistance.distance(Array(a.utf8), Array(b.utf8), limit: 5) }
        #expect(d("izvod", "izvod") == 0)
        #expect(d("izvod", "izvd") == 1)      // missing
        #expect(d("izvod", "izvood") == 1)    // extra
        #expect(d("izvod", "izovd") == 1)     // swapped
        #expect(d("izvod", "izvid") == 1)     // wrong
        #expect(d("pasos", "pasport") == 3)
        #expect(d("", "abc") == 3)
    }

    /// The linear one-edit check agrees with the full distance on words one or two random edits apart.
    @Test(arguments: 0..<300) func withinOneAgreesWithTheDistance(seed: Int) {
        var generator = SplitMix(seed: UInt64(seed))
        let letters = Array("abcdejz".utf8)
        let a = (0..<Int(generator.next() % 9)).map { _ in letters[Int(generator.next() % UInt64(letters.count))] }
        var b = a
        for _ in 0...Int(generator.next() % 2) {
            let position = b.isEmpty ? 0 : Int(generator.next() % UInt64(b.count))
            switch generator.next() % 4 {
            case 0 where !b.isEmpty: b.remove(at: position)
            case 1: b.insert(letters[Int(generator.next() % UInt64(letters.count))], at: position)
            case 2 where position + 1 < b.count: b.swapAt(position, position + 1)
            case 3 where !b.isEmpty: b[position] = letters[Int(generator.next() % UInt64(letters.count))]
            default: break
            }
        }
        let full = EditDistance.distance(a, b, limit: 3)
        #expect(EditDistance.withinOne(a, b) == (full <= 1), "\(a) \(b) \(full)")
    }
}
