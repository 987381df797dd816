import Crypto
import LicnaCard
import LicnaPKI
import X509

/// The fixed script of a card's certificate renewal (docs/card.md "Renewal"). The server runs it with the card's
/// management key; the citizen's tool verifies the PIN on the card itself, then relays each command and answer, and
/// refuses any command the script cannot produce (`permits(_:)`).
///
/// 1. Mutual authentication with the management key `9B` (SP 800-73-4 Part 2 Appendix A.1): the card proves it is
///    the one the server personalized.
/// 2. For each slot, GENERATE ASYMMETRIC KEY PAIR (§3.3.2; the operational card also needs the PIN) and ATTEST
///    (Yubico's PIV extension); then, once, the attestation key's certificate (GET DATA `5FFF01`).
/// 3. Once the server has checked the attestations and issued certificates for exactly the attested keys: PUT DATA
///    of each certificate object (`5FC105`, `5FC10A`).
///
/// Any answer but `90 00`, or one that does not parse, ends the script with a `PIVError`.
public struct CardRenewalScript: Sendable {
    public enum Stage: Sendable, Hashable {
        case witness, challenge
        case generate(Int), attest(Int)
        case deviceCertificate
        /// The server's turn: check `attestations()` and `provide(certificates:)`.
        case awaitingCertificates
        case write(Int)
        case finished
    }

    public private(set) var stage: Stage = .witness
    /// The command to send now; nil while awaiting certificates and once finished.
    public private(set) var command: CommandAPDU?
    public let slots: [PIVSlot]
    public let algorithm: PIVAlgorithm
    private let managementKey: SymmetricKey
    private var challenge: [UInt8] = []
    private var points: [[UInt8]] = []
    private var attestationDERs: [[UInt8]] = []
    private var deviceObject: [UInt8] = []
    private var certificates: [[UInt8]] = []

    /// A script for the card whose management key is `managementKey`, renewing the keys of `slots` (9A, and 9C
    /// when the card has a signature key) on `algorithm`.
    public init(managementKey: [UInt8], slots: [PIVSlot], algorithm: PIVAlgorithm) throws {
        guard managementKey.count == 32 else { throw PIVError(.pivInvalidArgument, "the management key is AES-256 (32 bytes)") }
        guard !slots.isEmpty, slots.allSatisfy({ $0 == .authentication || $0 == .signature }), Set(slots).count == slots.count else {
            throw PIVError(.pivInvalidArgument, "a renewal renews 9A, and 9C when the card has it")
        }
        self.managementKey = SymmetricKey(data: managementKey)
        self.slots = slots
        self.algorithm = algorithm
        command = Self.authenticate([0x7C, 0x02, 0x80, 0x00])
    }

    /// Reads the card's answer to `command` and moves on.
    public mutating func read(_ response: ResponseAPDU) throws {
        guard let sent = command else { throw PIVError(.pivInvalidArgument, "no command of the renewal is waiting for an answer") }
        let operation = Self.name(of: sent)
        guard response.status.isSuccess else {
            throw PIVError(statusWord: response.status, operation: operation,
                           advice: [.securityStatusNotSatisfied: "the card refused: verify the PIN before renewing, and renew with the card it was issued for"])
        }
        switch stage {
        case .witness:
            let witness = try PIVClient.dynamicAuthenticationValue(response.data, tag: 0x80, operation)
            guard witness.count == 16 else { throw PIVError(.pivMalformedResponse, "\(operation): the witness is not one AES block") }
            challenge = (0..<16).map { _ in UInt8.random(in: 0...255) }
            let decrypted = try PIVBlockCipher.decrypt(witness, key: managementKey)
            stage = .challenge
            command = Self.authenticate(BERTLV(tag: 0x7C, value: BERTLV(tag: 0x80, value: decrypted).bytes + BERTLV(tag: 0x81, value: challenge).bytes).bytes)
        case .challenge:
            let answer = try PIVClient.dynamicAuthenticationValue(response.data, tag: 0x82, operation)
            guard answer == (try PIVBlockCipher.encrypt(challenge, key: managementKey)) else {
                throw PIVError(.pivCardAuthenticationFailed, "\(operation): the card did not prove it holds its management key; it is not the card this server personalized")
            }
            move(to: .generate(0))
        case .generate(let index):
            guard let template = try? BERTLV.first(0x7F49, in: response.data), let point = try? BERTLV.first(0x86, in: template.value),
                  point.value.count == algorithm.publicPointLength, point.value.first == 0x04 else {
                throw PIVError(.pivMalformedResponse, "\(operation): the answer is not an uncompressed \(algorithm) point in 7F49 { 86 }")
            }
            points.append(point.value)
            move(to: .attest(index))
        case .attest(let index):
            guard response.data.first == 0x30, response.data.count <= 4096 else {
                throw PIVError(.pivMalformedResponse, "\(operation): the answer is not a DER certificate")
            }
            attestationDERs.append(response.data)
            move(to: index + 1 < slots.count ? .generate(index + 1) : .deviceCertificate)
        case .deviceCertificate:
            guard let outer = try? BERTLV.first(0x53, in: response.data) else {
                throw PIVError(.pivMalformedResponse, "\(operation): the answer lacks the 53 template")
            }
            deviceObject = try PIVDataObjects.certificate(fromObject: outer.value)
            move(to: .awaitingCertificates)
        case .write(let index):
            move(to: index + 1 < slots.count ? .write(index + 1) : .finished)
        case .awaitingCertificates, .finished:
            throw PIVError(.pivInvalidArgument, "no command of the renewal is waiting for an answer")
        }
    }

    /// The card's attestations of the new keys, in the order of `slots`. Each is only what the card said: the
    /// server checks the chain, the card serial and that the attested key is the generated one.
    public func attestations() throws -> [(slot: PIVSlot, publicKey: Certificate.PublicKey, attestation: KeyAttestation)] {
        guard stage == .awaitingCertificates else { throw PIVError(.pivInvalidArgument, "the card has not attested its new keys yet") }
        let device: Certificate
        do { device = try Certificate(derEncoded: deviceObject) } catch {
            throw PIVError(.pivMalformedResponse, "the card's attestation key certificate does not parse")
        }
        return try slots.indices.map { index in
            let publicKey: Certificate.PublicKey
            do {
                publicKey = algorithm == .p256 ? Certificate.PublicKey(try P256.Signing.PublicKey(x963Representation: points[index]))
                    : Certificate.PublicKey(try P384.Signing.PublicKey(x963Representation: points[index]))
            } catch { throw PIVError(.pivMalformedResponse, "the new key in \(slots[index]) is not a point on \(algorithm)") }
            let certificate: Certificate
            do { certificate = try Certificate(derEncoded: attestationDERs[index]) } catch {
                throw PIVError(.pivMalformedResponse, "the attestation of \(slots[index]) does not parse")
            }
            let attestation: KeyAttestation
            do { attestation = try KeyAttestation(certificate: certificate, deviceCertificate: device) } catch {
                throw PIVError(.pivMalformedResponse, "the attestation of \(slots[index]) lacks the card model, serial or slot")
            }
            return (slots[index], publicKey, attestation)
        }
    }

    /// The certificates the server issued, one per slot in order, each for the key the card generated there.
    public mutating func provide(certificates issued: [Certificate]) throws {
        let expected = try attestations()
        guard issued.count == expected.count, zip(issued, expected).allSatisfy({ $0.publicKey == $1.publicKey }) else {
            throw PIVError(.pivInvalidArgument, "each new key needs its certificate, in the order of the slots")
        }
        certificates = try issued.map { PIVDataObjects.certificateObject(try DEREncoding.encode($0)) }
        move(to: .write(0))
    }

    private mutating func move(to next: Stage) {
        stage = next
        switch next {
        case .generate(let index):
            command = CommandAPDU(.generateAsymmetricKeyPair, p1: 0x00, p2: slots[index].keyReference,
                                  data: [0xAC, 0x03, 0x80, 0x01, algorithm.rawValue], expectedLength: 256)
        case .attest(let index):
            command = CommandAPDU(.attest, p1: slots[index].keyReference, p2: 0x00, expectedLength: 256)
        case .deviceCertificate:
            let tag = PIVObjectTag.attestationCertificate.bytes
            command = CommandAPDU(.getDataBERTLV, p1: 0x3F, p2: 0xFF, data: [0x5C, UInt8(tag.count)] + tag, expectedLength: 256)
        case .write(let index):
            let tag = slots[index].certificateObject.bytes
            command = CommandAPDU(.putDataBERTLV, p1: 0x3F, p2: 0xFF,
                                  data: [0x5C, UInt8(tag.count)] + tag + BERTLV(tag: 0x53, value: certificates[index]).bytes)
        case .witness, .challenge, .awaitingCertificates, .finished:
            command = nil
        }
    }

    private static func authenticate(_ data: [UInt8]) -> CommandAPDU {
        CommandAPDU(.generalAuthenticate, p1: PIVClient.managementKeyAlgorithm, p2: PIVClient.managementKeyReference, data: data, expectedLength: 256)
    }

    // MARK: What the tool relays

    /// True for a command this script can produce, and nothing else: management-key authentication, key generation
    /// and attestation in 9A or 9C, reading the attestation key's certificate, and writing the certificate object of
    /// 9A or 9C. The citizen's tool relays nothing else (no VERIFY, no PIN change, no other object), whatever a
    /// server asks.
    public static func permits(_ command: CommandAPDU) -> Bool {
        guard command.cla == 0x00 else { return false }
        let slots: Set<UInt8> = [PIVSlot.authentication.keyReference, PIVSlot.signature.keyReference]
        switch command.instruction {
        case .generalAuthenticate:
            return command.p1 == PIVClient.managementKeyAlgorithm && command.p2 == PIVClient.managementKeyReference
        case .generateAsymmetricKeyPair:
            return command.p1 == 0x00 && slots.contains(command.p2)
        case .attest:
            return slots.contains(command.p1) && command.p2 == 0x00 && command.data.isEmpty
        case .getDataBERTLV:
            return command.p1 == 0x3F && command.p2 == 0xFF && command.data == [0x5C, 0x03] + PIVObjectTag.attestationCertificate.bytes
        case .putDataBERTLV:
            return command.p1 == 0x3F && command.p2 == 0xFF && writtenSlot(command) != nil
        default:
            return false
        }
    }

    /// The slot whose certificate object a permitted PUT DATA writes, and the certificate's DER.
    public static func writtenCertificate(_ command: CommandAPDU) -> (slot: PIVSlot, der: [UInt8])? {
        guard command.instruction == .putDataBERTLV, let slot = writtenSlot(command),
              let elements = try? BERTLV.parseAll(command.data), elements.count == 2, elements[1].tag == 0x53,
              let der = try? PIVDataObjects.certificate(fromObject: elements[1].value) else { return nil }
        return (slot, der)
    }

    private static func writtenSlot(_ command: CommandAPDU) -> PIVSlot? {
        let data = command.data
        guard data.count > 5, data[0] == 0x5C, data[1] == 0x03 else { return nil }
        let tag = Array(data[2..<5])
        return [PIVSlot.authentication, .signature].first { $0.certificateObject.bytes == tag }
    }

    static func name(of command: CommandAPDU) -> String {
        switch command.instruction {
        case .generalAuthenticate: "GENERAL AUTHENTICATE (management key)"
        case .generateAsymmetricKeyPair: "GENERATE ASYMMETRIC KEY PAIR \(String(command.p2, radix: 16, uppercase: true))"
        case .attest: "ATTEST \(String(command.p1, radix: 16, uppercase: true))"
        case .getDataBERTLV: "GET DATA 5FFF01"
        case .putDataBERTLV: "PUT DATA"
        default: "command \(String(command.ins, radix: 16, uppercase: true))"
        }
    }
}
