import Crypto
import Foundation
import LicnaBasics
@testable import LicnaCard
import LicnaCore
import Testing

/// ATTEST (`00 F9`, docs/card.md "Key attestation") on the card alone: the certificate is DER the card wrote
/// itself, signed by the attestation key; imported keys are never attested. The chain to a manufacturer root is
/// checked with X.509 in the card client's and the server's tests.
@Suite struct AttestationTests {
    /// A card with an attestation key whose certificate's subject is a fixed name (`CN=Test`).
    static func manufacturedTerminal() -> (CardTerminal, CardKey) {
        var image = CardImage(transportKey: CardTerminal.transportKey)
        let key = CardKey.generate(.p256)!
        let name: [UInt8] = [0x30, 0x0F, 0x31, 0x0D, 0x30, 0x0B, 0x06, 0x03, 0x55, 0x04, 0x03, 0x0C, 0x04] + Array("Test".utf8)
        image.installAttestation(CardAttestationKey(key: key, issuer: name, model: "test-model", serial: "00000042"),
                                 certificate: [0x30, 0x00])
        return (CardTerminal(VirtualCard(image: image, store: nil)), key)
    }

    /// ATTEST, following `61 xx` with GET RESPONSE (the certificate is longer than 256 bytes).
    static func attest(_ t: CardTerminal, _ slot: String) -> CardTerminal.Answer {
        var answer = t.send("00F9" + slot + "0000")
        var data = answer.data
        while answer.status >> 8 == 0x61 {
            answer = t.send([0x00, 0xC0, 0x00, 0x00, UInt8(answer.status & 0xFF)])
            data += answer.data
        }
        return CardTerminal.Answer(data: data, status: answer.status)
    }

    /// `SEQUENCE { tbs, algorithm, BIT STRING signature }` → (tbs DER, signature DER).
    static func split(_ certificate: [UInt8]) throws -> (tbs: [UInt8], signature: [UInt8]) {
        let outer = try #require(try BERTLV.parseAll(certificate).first)
        let parts = try BERTLV.parseAll(outer.value)
        try #require(parts.count == 3 && parts[2].tag == 0x03)
        return (parts[0].bytes, Array(parts[2].value.dropFirst()))
    }

    /// The typed card serial (`CardSerial`) is kept in the card image as the bare text it always was, and a fresh one
    /// is eight decimal digits.
    @Test func theCardSerialIsStoredAsItsBareText() throws {
        let key = CardAttestationKey(key: try #require(CardKey.generate(.p256)), issuer: [0x30, 0x00], model: "test-model", serial: "00000042")
        let encoded = try JSONEncoder().encode(key)
        let object = try #require(try JSONSerialization.jsonObject(with: encoded) as? [String: Any])
        #expect(object["serial"] as? String == "00000042")
        #expect(try JSONDecoder().decode(CardAttestationKey.self, from: encoded) == key)
        let fresh = CardSerial.random().rawValue
        #expect(fresh.count == 8 && fresh.allSatisfy { $0.isASCII && $0.isNumber })
    }

    @Test func aGeneratedKeyIsAttestedBySignatureOfTheAttestationKey() throws {
        let (t, attestationKey) = Self.manufacturedTerminal()
        #expect(t.selectPIV().status == 0x9000)
        #expect(t.authenticate(key: CardTerminal.transportKey) == 0x9000)
        let generated = t.generate(0x9C)
        #expect(generated.status == 0x9000)
        let point = Array(generated.data.suffix(65))
        let answer = Self.attest(t, "9C")
        #expect(answer.status == 0x9000)
        let (tbs, signature) = try Self.split(answer.data)
        let publicKey = try P256.Signing.PublicKey(x963Representation: attestationKey.publicPoint)
        #expect(publicKey.isValidSignature(try P256.Signing.ECDSASignature(derRepresentation: signature), for: tbs))
        // The attested key, the model and serial, the slot and its "always" PIN policy are in the certificate.
        let text = ASCIIHex.encode(tbs, uppercase: true)
        #expect(text.contains(ASCIIHex.encode(point, uppercase: true)))
        #expect(text.contains(ASCIIHex.encode(Array("test-model".utf8), uppercase: true)))
        #expect(text.contains(ASCIIHex.encode(Array("00000042".utf8), uppercase: true)))
        #expect(text.contains("2B0601040183F800010303" + "0403" + "04019C"))
        #expect(text.contains("2B0601040183F800010304" + "0404" + "04020301"))
        // The attestation key's certificate is object 5FFF01, free to read, and no personalizer replaces it.
        #expect(t.send("00CB3FFF055C035FFF0100").data == [0x53, 0x09, 0x70, 0x02, 0x30, 0x00, 0x71, 0x01, 0x00, 0xFE, 0x00])
        #expect(t.putData([0x5F, 0xFF, 0x01], [0x70, 0x00]).status == 0x6985)
    }

    @Test func anImportedKeyAnEmptySlotAndACardWithoutAttestationKeyAreRefused() throws {
        let (t, _) = Self.manufacturedTerminal()
        _ = t.selectPIV()
        #expect(t.authenticate(key: CardTerminal.transportKey) == 0x9000)
        #expect(t.send("00F99A0000").status == 0x6A88)  // no key yet
        // Yubico's IMPORT ASYMMETRIC KEY: the key works, but the card does not vouch for it (6A 80, as YubiKey).
        let scalar = Array(P256.Signing.PrivateKey().rawRepresentation)
        #expect(t.send(CardTerminal.apdu("00FE119A", [0x06, 0x20] + scalar)).status == 0x9000)
        #expect(t.send("00F99A0000").status == 0x6A80)
        #expect(t.card.image.keys["9A"]?.generatedOnCard == false)
        // A new key generated in the slot replaces the imported one and can be attested.
        #expect(t.generate(0x9A).status == 0x9000)
        #expect(Self.attest(t, "9A").status == 0x9000)
        #expect(t.send("00F99B0000").status == 0x6A86)
        // Import is a personalization command: once operational, 69 85.
        let plain = CardTerminal()
        plain.personalize()
        _ = plain.selectPIV()
        #expect(plain.send("00F99C0000").status == 0x6A88)  // no attestation key
        #expect(plain.authenticate(key: CardTerminal.ownKey) == 0x9000)
        #expect(plain.send(CardTerminal.apdu("00FE119A", [0x06, 0x20] + scalar)).status == 0x6985)
    }

    /// The flag travels with the key in the image file; images written before it existed read as generated.
    @Test func theGeneratedFlagIsKeptInTheImage() throws {
        let imported = try #require(CardKey.imported(.p256, scalar: Array(P256.Signing.PrivateKey().rawRepresentation)))
        let generated = try #require(CardKey.generate(.p384))
        for key in [imported, generated] {
            let decoded = try JSONDecoder().decode(CardKey.self, from: JSONEncoder().encode(key))
            #expect(decoded.generatedOnCard == key.generatedOnCard && decoded.publicPoint == key.publicPoint)
        }
        var object = try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(generated)) as? [String: Any])
        object["generatedOnCard"] = nil
        let old = try JSONDecoder().decode(CardKey.self, from: JSONSerialization.data(withJSONObject: object))
        #expect(old.generatedOnCard)
    }
}
