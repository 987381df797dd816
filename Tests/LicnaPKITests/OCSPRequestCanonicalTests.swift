import LicnaBasics
@testable import LicnaPKI
import LicnaTestSupport
import Testing

/// `OCSPRequest.canonical(_:)`, the responder's one-pass read of requests in the shape clients send, against the full
/// parse through SwiftASN1: over generated requests of every shape RFC 6960 allows (and some it does not) and random
/// mutations of each, whatever the one-pass read accepts the full parse accepts and reads the same, and what it
/// declines `init(derEncoded:)` reads exactly as the full parse does. The shape clients send is read in one pass.
@Suite struct OCSPRequestCanonicalTests {
    static func tlv(_ tag: UInt8, _ parts: [UInt8]...) -> [UInt8] { DERConcatenation.element(tag, parts) }

    /// A request of a random shape: mostly what clients send, sometimes with a field or an encoding they do not use.
    static func request(using random: inout SeededRandom) -> (bytes: [UInt8], clientShape: Bool) {
        var clientShape = true
        func sometimes(_ percent: Int) -> Bool { Int.random(in: 0..<100, using: &random) < percent }
        let hash = DigestAlgorithm.allCases.randomElement(using: &random)!
        var algorithm = tlv(0x06, Array(try! DEREncoding.encode(hash.oid).dropFirst(2)))
        if sometimes(30) { algorithm += [0x05, 0x00] }  // NULL parameters
        if sometimes(5) { algorithm += [0x04, 0x00]; clientShape = false }  // parameters that are not NULL
        if sometimes(3) { algorithm = tlv(0x06, [0x2B, 0x0E, 0x03, 0x02, 0x07]); clientShape = false }  // an unsupported hash
        let count = sometimes(90) ? 1 : Int.random(in: 0...17, using: &random)
        if count == 0 || count > 16 { clientShape = false }
        var requests: [UInt8] = []
        for _ in 0..<count {
            var hashLength = hash.outputLength
            if sometimes(3) { hashLength += 1; clientShape = false }
            let nameHash = (0..<hashLength).map { _ in UInt8.random(in: 0...255, using: &random) }
            let keyHash = (0..<hash.outputLength).map { _ in UInt8.random(in: 0...255, using: &random) }
            var serialLength = Int.random(in: 1...21, using: &random)
            if sometimes(3) { serialLength = sometimes(50) ? 0 : 22; clientShape = false }
            var serial = (0..<serialLength).map { _ in UInt8.random(in: 0...255, using: &random) }
            if sometimes(10), !serial.isEmpty { serial[0] = 0 }  // leading zeros the full parse drops
            let certID = tlv(0x30, tlv(0x30, algorithm), tlv(0x04, nameHash), tlv(0x04, keyHash), tlv(0x02, serial))
            var single = certID
            if sometimes(3) { single += tlv(0xA0, tlv(0x30)); clientShape = false }  // singleRequestExtensions
            requests += tlv(0x30, single)
        }
        var tbs: [UInt8] = []
        if sometimes(3) { tbs += tlv(0xA0, tlv(0x02, [0])); clientShape = false }  // version v1, spelled out
        if sometimes(3) { tbs += tlv(0xA1, tlv(0x82, Array("ocsp.example".utf8))); clientShape = false }  // requestorName
        tbs += tlv(0x30, requests)
        if sometimes(70) {
            let length = sometimes(90) ? Int.random(in: 1...32, using: &random) : Int.random(in: 0...40, using: &random)
            if !(1...32).contains(length) { clientShape = false }
            let nonce = (0..<length).map { _ in UInt8.random(in: 0...255, using: &random) }
            var value = tlv(0x04, nonce)
            if sometimes(5) { value = nonce; clientShape = false }  // raw nonce bytes, as some clients send
            var nonceExtension = tlv(0x06, [0x2B, 0x06, 0x01, 0x05, 0x05, 0x07, 0x30, 0x01, 0x02])
            if sometimes(3) { nonceExtension += [0x01, 0x01, 0xFF]; clientShape = false }  // critical
            nonceExtension += tlv(0x04, value)
            var extensions = tlv(0x30, nonceExtension)
            if sometimes(5) {  // id-pkix-ocsp-response (acceptable responses) beside the nonce
                extensions += tlv(0x30, tlv(0x06, [0x2B, 0x06, 0x01, 0x05, 0x05, 0x07, 0x30, 0x01, 0x04]), tlv(0x04, tlv(0x30)))
                clientShape = false
            }
            tbs += tlv(0xA2, tlv(0x30, extensions))
        }
        var outer = tlv(0x30, tbs)
        if sometimes(3) { outer += tlv(0xA0, tlv(0x30)); clientShape = false }  // optionalSignature
        return (tlv(0x30, outer), clientShape)
    }

    /// The full parse's result, or nil when it refuses the bytes.
    static func full(_ bytes: [UInt8]) -> OCSPRequest? { try? OCSPRequest(fullyParsing: bytes) }

    @Test func theOnePassReadAgreesWithTheFullParse() {
        var random = SeededRandom(seed: 0x0C5B_2026)
        var readInOnePass = 0
        for _ in 0..<3_000 {
            let (original, clientShape) = Self.request(using: &random)
            let fast = OCSPRequest.canonical(original)
            if clientShape {
                #expect(fast != nil, "a request in the shape clients send is read in one pass")
            }
            var inputs = [original]
            var mutated = original
            for _ in 0..<20 {
                mutated = random.mutate(Int.random(in: 0..<4, using: &random) == 0 ? original : mutated)
                inputs.append(mutated)
            }
            for bytes in inputs {
                let full = Self.full(bytes)
                if let fast = OCSPRequest.canonical(bytes) {
                    readInOnePass += 1
                    #expect(full == fast, "read in one pass, but the full parse \(full == nil ? "refuses it" : "reads it otherwise"): \(bytes)")
                }
                #expect((try? OCSPRequest(derEncoded: bytes)) == full)
            }
        }
        #expect(readInOnePass > 1_500)
    }

    /// Requests exactly as `openssl ocsp -issuer ca.pem -serial 0x1234 -reqout` (OpenSSL 3.0.19) wrote them, without
    /// and with its default 16-octet nonce: a SHA-1 CertID whose AlgorithmIdentifier carries NULL parameters.
    static let openSSLRequests = [
        "30433041303f303d303b300906052b0e03021a0500041410bd3d760cdb970a8a0300184dddc2a51eb4151204145aecf282511909cd3c7d1a"
            + "010ecdf45fc990ba6c02021234",
        "30683066303f303d303b300906052b0e03021a0500041410bd3d760cdb970a8a0300184dddc2a51eb4151204145aecf282511909cd3c7d1a"
            + "010ecdf45fc990ba6c02021234a2233021301f06092b060105050730010204120410a4e6d8ad051278b4f2fd6e32701bd7ea",
    ]

    /// What OpenSSL's `ocsp -reqout` writes, with and without a nonce, is read in one pass, as the full parse reads it.
    @Test(arguments: openSSLRequests) func openSSLsRequestsAreReadInOnePass(hex: String) throws {
        let request = try #require(ASCIIHex.decode(hex))
        let read = try #require(OCSPRequest.canonical(request))
        #expect(read == (try OCSPRequest(fullyParsing: request)))
        let certID = try #require(read.certIDs.first)
        #expect(read.certIDs.count == 1 && certID.hashAlgorithm == .sha1 && certID.serialNumber == [0x12, 0x34])
        #expect(certID.issuerNameHash.hexString == "10bd3d760cdb970a8a0300184dddc2a51eb41512")
        #expect(certID.issuerKeyHash.hexString == "5aecf282511909cd3c7d1a010ecdf45fc990ba6c")
        if hex == Self.openSSLRequests[1] {
            let nonce = try #require(read.nonceExtension)
            #expect(!nonce.critical && Array(nonce.value).hexString == "0410a4e6d8ad051278b4f2fd6e32701bd7ea")
        } else {
            #expect(read.nonceExtension == nil)
        }
        // The same request with its outer length in the long form, which DER forbids below 128 (X.690 §10.1).
        try #require(request[1] < 0x80)
        let longForm = [request[0], 0x81] + request[1...]
        #expect(OCSPRequest.canonical(longForm) == nil && Self.full(longForm) == nil)
    }
}
