/// The PIV card application (NIST SP 800-73-4 part 2), the subset OpenSC's PIV driver uses, plus the
/// personalization commands of docs/card.md. Data objects, keys and secrets live in the card image.
public struct PIVApplication: CardApplication {
    /// SP 800-73-4 §2.2: the PIV AID with version `01 00`.
    public static let identifier: [UInt8] = [0xA0, 0x00, 0x00, 0x03, 0x08, 0x00, 0x00, 0x10, 0x00, 0x01, 0x00]
    /// The discovery object (SP 800-73-4 §3.3.2, tag `7E`): the AID and the PIN usage policy "PIV PIN only".
    static let discovery: [UInt8] = [0x7E, 0x12, 0x4F, 0x0B] + identifier + [0x5F, 0x2F, 0x02, 0x40, 0x00]

    public var aid: [UInt8] { Self.identifier }

    public init() {}

    /// SP 800-73-4 §3.1.1: the application property template. The algorithms listed are the card's (AES-256
    /// management key, P-256, P-384); cipher suites `27`/`2E` are not, as they would switch on secure messaging.
    public func selected(context: inout CardContext) -> ResponseAPDU {
        let label = BERTLV(tag: 0x50, value: Array("Licna eID".utf8))
        let algorithms = BERTLV(tag: 0xAC, value: [0x80, 0x01, 0x0C, 0x80, 0x01, 0x11, 0x80, 0x01, 0x14, 0x06, 0x00])
        let template = BERTLV(tag: 0x61, value: [0x4F, 0x06, 0x00, 0x00, 0x10, 0x00, 0x01, 0x00]
            + BERTLV(tag: 0x79, value: BERTLV(tag: 0x4F, value: Array(Self.identifier.prefix(5))).bytes).bytes
            + label.bytes + algorithms.bytes)
        return ResponseAPDU(data: template.bytes)
    }

    public func handle(_ command: CommandAPDU, context: inout CardContext) -> ResponseAPDU {
        switch command.instruction {
        case .getDataBERTLV: getData(command, context: context)
        case .putDataBERTLV: putData(command, context: &context)
        case .verify: SecretCommands.verify(command, context: &context, references: [.pin, .puk])
        case .changeReferenceData: SecretCommands.change(command, context: &context)
        case .resetRetryCounter: SecretCommands.resetRetryCounter(command, context: &context)
        case .generalAuthenticate: GeneralAuthenticate.handle(command, context: &context)
        case .generateAsymmetricKeyPair: generateKeyPair(command, context: &context)
        case .importAsymmetricKey: importKey(command, context: &context)
        case .attest: AttestationCertificate.handle(command, context: context)
        case .setManagementKey: setManagementKey(command, context: &context)
        case .setRetryLimits: setRetryLimits(command, context: &context)
        case .activateFile: activate(command, context: &context)
        default: ResponseAPDU(.instructionNotSupported)
        }
    }

    /// The tag named by a `5C` tag list: `7E`, `5F C1 xx` (SP 800-73-4 §3.1.2) or the attestation certificate
    /// `5F FF 01` (Yubico's).
    static func requestedTag(_ tlv: BERTLV) -> UInt32? {
        guard tlv.tag == 0x5C else { return nil }
        switch tlv.value.count {
        case 1 where tlv.value[0] == 0x7E: return 0x7E
        case 3 where tlv.value[0] == 0x5F && tlv.value[1] == 0xC1: return 0x5F_C100 | UInt32(tlv.value[2])
        case 3 where tlv.value == [0x5F, 0xFF, 0x01]: return Self.attestationCertificateTag
        default: return nil
        }
    }

    static func key(for tag: UInt32) -> String { CardImage.hex(tag, width: 6) }

    /// GET DATA (`00 CB 3F FF`, §3.1.2): free to read, `6A 82` for an object the card does not hold.
    private func getData(_ command: CommandAPDU, context: CardContext) -> ResponseAPDU {
        guard command.p1 == 0x3F, command.p2 == 0xFF else { return ResponseAPDU(.incorrectP1P2) }
        guard let list = try? BERTLV.parseAll(command.data), list.count == 1, let tag = Self.requestedTag(list[0]) else {
            return ResponseAPDU(.wrongData)
        }
        if tag == 0x7E { return ResponseAPDU(data: Self.discovery) }
        guard let value = context.image.pivObjects[Self.key(for: tag)] else { return ResponseAPDU(.fileNotFound) }
        return ResponseAPDU(data: BERTLV(tag: 0x53, value: Array(value)).bytes)
    }

    /// PUT DATA (`00 DB 3F FF`, §3.3.2): `5C` tag list then the `53` object. Any object in personalization;
    /// once operational only the two certificates, with the management key and the PIN of this session.
    private func putData(_ command: CommandAPDU, context: inout CardContext) -> ResponseAPDU {
        guard command.p1 == 0x3F, command.p2 == 0xFF else { return ResponseAPDU(.incorrectP1P2) }
        guard let elements = try? BERTLV.parseAll(command.data), elements.count == 2,
              let tag = Self.requestedTag(elements[0]), tag != 0x7E, elements[1].tag == 0x53 else {
            return ResponseAPDU(.wrongData)
        }
        // The attestation certificate is the manufacturer's, written at manufacture: no personalizer replaces it.
        guard tag != Self.attestationCertificateTag else { return ResponseAPDU(.conditionsNotSatisfied) }
        if context.image.lifeCycle == .operational {
            guard tag == 0x5F_C105 || tag == 0x5F_C10A else { return ResponseAPDU(.conditionsNotSatisfied) }
            guard context.session.managementKeyAuthenticated, context.session.pinVerified else {
                return ResponseAPDU(.securityStatusNotSatisfied)
            }
        } else if let refusal = Personalization.refusal(context) {
            return ResponseAPDU(refusal)
        }
        return ResponseAPDU(context.commit { $0.pivObjects[Self.key(for: tag)] = .init(elements[1].value) })
    }

    /// GENERATE ASYMMETRIC KEY PAIR (`00 47 00 9A|9C`, §3.3.2) with `AC 03 80 01 11|14`: the private key is made
    /// on the card and stays there; the answer is the public point in `7F 49 { 86 }`.
    private func generateKeyPair(_ command: CommandAPDU, context: inout CardContext) -> ResponseAPDU {
        guard command.p1 == 0x00, let slot = KeySlot(rawValue: command.p2), slot.holdsPrivateKey else {
            return ResponseAPDU(.incorrectP1P2)
        }
        guard let template = try? BERTLV.first(0xAC, in: command.data),
              let element = try? BERTLV.first(0x80, in: template.value), element.value.count == 1,
              let algorithm = CardKeyAlgorithm(rawValue: element.value[0]), algorithm != .aes256 else {
            return ResponseAPDU(.wrongData)
        }
        guard !context.image.secrets.isPermanentlyBlocked else { return ResponseAPDU(.authenticationBlocked) }
        guard context.session.managementKeyAuthenticated else { return ResponseAPDU(.securityStatusNotSatisfied) }
        if context.image.lifeCycle == .operational, !context.session.pinVerified {
            return ResponseAPDU(.securityStatusNotSatisfied)
        }
        guard let key = CardKey.generate(algorithm) else { return ResponseAPDU(.wrongData) }
        let status = context.commit { $0.keys[slot.imageKey] = key }
        guard status.isSuccess else { return ResponseAPDU(status) }
        let point = BERTLV(tag: 0x86, value: key.publicPoint)
        return ResponseAPDU(data: BERTLV(tag: 0x7F49, value: point.bytes).bytes)
    }

    /// IMPORT ASYMMETRIC KEY (Yubico-compatible `00 FE 11|14 9A|9C Lc 06 LL <private scalar>`), personalization
    /// only, with the management key. The key is marked as imported: the card never attests it (`00 F9` answers
    /// `6A 80`), so a key made outside the card can never pass for one that never left it.
    private func importKey(_ command: CommandAPDU, context: inout CardContext) -> ResponseAPDU {
        guard let algorithm = CardKeyAlgorithm(rawValue: command.p1), algorithm != .aes256,
              let slot = KeySlot(rawValue: command.p2), slot.holdsPrivateKey else { return ResponseAPDU(.incorrectP1P2) }
        if let refusal = Personalization.refusal(context) { return ResponseAPDU(refusal) }
        guard let scalar = try? BERTLV.first(0x06, in: command.data), scalar.value.count == algorithm.hashLength,
              let key = CardKey.imported(algorithm, scalar: scalar.value) else { return ResponseAPDU(.wrongData) }
        return ResponseAPDU(context.commit { $0.keys[slot.imageKey] = key })
    }

    /// SET MANAGEMENT KEY (Yubico-compatible `00 FF FF FF|FE`, data `0C 9B 20 <AES-256 key>`), personalization only.
    private func setManagementKey(_ command: CommandAPDU, context: inout CardContext) -> ResponseAPDU {
        guard command.p1 == 0xFF, command.p2 == 0xFF || command.p2 == 0xFE else { return ResponseAPDU(.incorrectP1P2) }
        if let refusal = Personalization.refusal(context) { return ResponseAPDU(refusal) }
        let data = command.data
        guard data.count == 35, data[0] == CardKeyAlgorithm.aes256.rawValue, data[1] == KeySlot.management.rawValue,
              data[2] == 0x20 else { return ResponseAPDU(.wrongData) }
        return ResponseAPDU(context.commit {
            $0.managementKey = Array(data.suffix(32))
            $0.managementKeyIsTransportKey = false
        })
    }

    /// SET RETRY LIMITS (Yubico-compatible `00 FA <PIN tries> <PUK tries>`), personalization only.
    private func setRetryLimits(_ command: CommandAPDU, context: inout CardContext) -> ResponseAPDU {
        guard (1...15).contains(command.p1), (1...15).contains(command.p2) else { return ResponseAPDU(.incorrectP1P2) }
        guard command.data.isEmpty else { return ResponseAPDU(.wrongLength) }
        if let refusal = Personalization.refusal(context) { return ResponseAPDU(refusal) }
        return ResponseAPDU(context.commit { $0.secrets.setLimits(pinTries: Int(command.p1), pukTries: Int(command.p2)) })
    }

    /// ACTIVATE (ISO/IEC 7816-9 ACTIVATE FILE `00 44 00 00`, for the whole card): personalization ends for good.
    /// Refused while the PIN or PUK is unset or the management key is still the transport key.
    private func activate(_ command: CommandAPDU, context: inout CardContext) -> ResponseAPDU {
        guard command.p1 == 0x00, command.p2 == 0x00 else { return ResponseAPDU(.incorrectP1P2) }
        guard command.data.isEmpty else { return ResponseAPDU(.wrongLength) }
        if let refusal = Personalization.refusal(context) { return ResponseAPDU(refusal) }
        guard context.image.secrets.isPersonalized, !context.image.managementKeyIsTransportKey else {
            return ResponseAPDU(.conditionsNotSatisfied)
        }
        return ResponseAPDU(context.commit { $0.lifeCycle = .operational })
    }
}
