import Crypto
import Foundation
import LicnaBasics
import LicnaCard
import LicnaPKI
import X509

/// Personalizes a blank Licna card over any channel, as a personalization bureau would (docs/card.md, "Life
/// cycle"): authenticate with the transport key, set try limits, PIN, PUK and CAN, generate both keys on the card,
/// have their CSRs (signed on the card) certified, write the PIV objects, the eMRTD files with their security
/// object and the identity data, install a new management key, and ACTIVATE.
public struct CardPersonalizer: Sendable {
    /// What the card gets besides the holder's data.
    public struct Secrets: Sendable {
        public var pin: String
        public var puk: String
        public var can: String
        public var pinTries: Int
        public var pukTries: Int

        public init(pin: String, puk: String, can: String, pinTries: Int = 5, pukTries: Int = 5) {
            self.pin = pin
            self.puk = puk
            self.can = can
            self.pinTries = pinTries
            self.pukTries = pukTries
        }
    }

    /// What personalization produced.
    public struct Result: Sendable {
        /// The card's own AES-256 management key (replaces the transport key).
        public var managementKey: [UInt8]
        public var authenticationCertificate: Certificate
        /// Nil for a card without a signature key (a minor's, by the country's policy).
        public var signatureCertificate: Certificate?
        public var dataGroups: [Int: [UInt8]]
        /// The card's attestation of its authentication key, naming the chip; nil for a card that cannot attest.
        public var authenticationAttestation: KeyAttestation?
    }

    /// A step, for progress display.
    public enum Step: String, Sendable, CaseIterable {
        case secrets, keys, certificates, travelDocument, identity, activation
    }

    public let channel: any CardChannel
    public let transportKey: [UInt8]

    public init(channel: any CardChannel, transportKey: [UInt8]) {
        self.channel = channel
        self.transportKey = transportKey
    }

    /// Personalizes the card for `holder`. `managementKey` is the card's own AES-256 management key (an issuing
    /// installation derives it from its master secret and the card number); without one, a random key is installed
    /// and returned.
    public func personalize(_ holder: CardHolder, secrets: Secrets, authority: some CardIssuingAuthority,
                            algorithm: PIVAlgorithm = .p256, managementKey: [UInt8]? = nil,
                            progress: @Sendable (Step) -> Void = { _ in }) async throws -> Result {
        if let managementKey, managementKey.count != 32 {
            throw PIVError(.pivInvalidArgument, "the card's management key must be 32 bytes (AES-256)")
        }
        let piv = PIVClient(channel: channel)
        _ = try piv.select()
        try piv.authenticateManagementKey(SymmetricKey(data: transportKey))

        progress(.secrets)
        try piv.setRetryLimits(pin: secrets.pinTries, puk: secrets.pukTries)
        try piv.setReferenceData(.pin, value: secrets.pin)
        try piv.setReferenceData(.puk, value: secrets.puk)
        try piv.setReferenceData(.can, value: secrets.can)

        progress(.keys)
        let subject = try DistinguishedName.citizen(country: holder.country, givenName: holder.givenNames,
                                                    surname: holder.surname, identificationNumber: holder.identificationNumber)
        let pin = secrets.pin
        var certificates: [Certificate] = []
        var authenticationAttestation: KeyAttestation?
        let slots = [(PIVSlot.authentication, CertificateProfile.authentication)] + (holder.signatureCertificate ? [(.signature, .signature)] : [])
        for (slot, profile) in slots {
            let point = try piv.generateKeyPair(slot: slot, algorithm: algorithm)
            let publicKey = algorithm == .p256
                ? Certificate.PublicKey(try P256.Signing.PublicKey(x963Representation: point))
                : Certificate.PublicKey(try P384.Signing.PublicKey(x963Representation: point))
            let key = CardPrivateKey(client: piv, slot: slot, algorithm: algorithm, publicKey: publicKey) {
                try piv.verify(pin: pin)
            }
            let csr = try CertificateSigningRequest(version: .v1, subject: subject, privateKey: Certificate.PrivateKey(key),
                                                    attributes: CertificateSigningRequest.Attributes())
            progress(.certificates)
            let attested = try attestation(piv, slot)
            if slot == .authentication { authenticationAttestation = attested }
            let certificate = try await authority.issueCertificate(profile: profile, csr: csr, latestNotAfter: holder.certificatesNotAfter,
                                                                   attestation: attested)
            guard certificate.notValidAfter <= holder.certificatesNotAfter else {
                throw PIVError(.pivMalformedResponse, "the certificate authority certified the card's key past the card's policy")
            }
            guard certificate.publicKey == publicKey else {
                throw PIVError(.pivMalformedResponse, "the certificate authority certified another key than the card's")
            }
            try piv.putData(tag: slot.certificateObject, value: PIVDataObjects.certificateObject(try DEREncoding.encode(certificate)))
            certificates.append(certificate)
        }
        var guid = [UInt8](repeating: 0, count: 16)
        for index in guid.indices { guid[index] = .random(in: 0...255) }
        try piv.putData(tag: .chuid, value: try PIVDataObjects.chuid(guid: guid, expiry: holder.cardExpiry))
        try piv.putData(tag: .ccc, value: try PIVDataObjects.ccc(cardID: Array(guid.prefix(14))))
        try piv.putData(tag: .keyHistory, value: try PIVDataObjects.keyHistory(onCardCertificates: 0))

        progress(.travelDocument)
        let dataGroups: [Int: [UInt8]] = [
            1: LDSFile.dg1(try holder.machineReadableZone()),
            2: LDSFile.dg2(jpeg: holder.portrait.jpeg, width: holder.portrait.width, height: holder.portrait.height),
            3: LDSFile.dg3Empty(),
        ]
        let securityObject = try await authority.securityObject(dataGroups: dataGroups)
        let emrtd = EMRTDReader(channel: channel)
        try emrtd.select()
        let files: [(EMRTDApplication.File, [UInt8])] = [
            (.com, LDSFile.com(dataGroupTags: [0x61, 0x75, 0x63])), (.dg1, dataGroups[1]!), (.dg2, dataGroups[2]!),
            (.dg3, dataGroups[3]!), (.sod, securityObject),
        ]
        for (file, content) in files {
            try write(CommandAPDU(.putData, p1: UInt8(file.rawValue >> 8), p2: UInt8(file.rawValue & 0xFF), data: content),
                      "write \(file)")
        }

        progress(.identity)
        try write(CommandAPDU(.select, p1: 0x04, p2: 0x0C, data: IdentityApplication.identifier), "select identity")
        let identity: [(IdentityApplication.Tag, String)] = [
            (.identificationNumber, holder.identificationNumber), (.cardNumber, holder.cardNumber),
            (.issuingAuthority, holder.issuingAuthority), (.cardExpiry, Self.day(holder.cardExpiry)),
            (.jmbg, holder.jmbg), (.holderName, holder.commonName),
        ]
        for (tag, value) in identity {
            try write(CommandAPDU(.putData, p1: 0x00, p2: tag.rawValue, data: Array(value.utf8)), "write identity \(tag)")
        }

        progress(.activation)
        _ = try piv.select()
        let managementKey = managementKey.map { SymmetricKey(data: $0) } ?? SymmetricKey(size: .bits256)
        try piv.setManagementKey(managementKey)
        try piv.activate()
        return Result(managementKey: managementKey.withUnsafeBytes { Array($0) }, authenticationCertificate: certificates[0],
                      signatureCertificate: certificates.count > 1 ? certificates[1] : nil, dataGroups: dataGroups,
                      authenticationAttestation: authenticationAttestation)
    }

    /// The card's attestation of the key it just generated in `slot`, or nil when the card cannot attest (a card
    /// without an attestation key, or one that does not know ATTEST). An attestation that does not parse is an error.
    private func attestation(_ piv: PIVClient, _ slot: PIVSlot) throws -> KeyAttestation? {
        let answer: (attestation: [UInt8], device: [UInt8])
        do { answer = try piv.attest(slot: slot) } catch let error as PIVError
            where ([.pivReferenceNotFound, .pivNotFound, .pivUnexpectedStatus, .pivWrongData] as [ErrorCode]).contains(error.code) {
            return nil
        }
        return try KeyAttestation(certificate: Certificate(derEncoded: answer.attestation), deviceCertificate: Certificate(derEncoded: answer.device))
    }

    private func write(_ command: CommandAPDU, _ operation: String) throws {
        let response = try channel.send(command)
        guard response.status.isSuccess else { throw PIVError(statusWord: response.status, operation: operation) }
    }

    static func day(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd"
        return formatter.string(from: date)
    }
}
