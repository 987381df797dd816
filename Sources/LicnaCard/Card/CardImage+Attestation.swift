import Foundation

extension CardImage {
    /// Manufacture: gives the card its attestation key and the manufacturer's certificate for it (DER), stored
    /// as PIV object `5FFF01` in the certificate form of SP 800-73-4 Part 1 Table 15 (`70 cert, 71 00, FE 00`).
    public mutating func installAttestation(_ attestation: CardAttestationKey, certificate der: [UInt8]) {
        self.attestation = attestation
        let object = BERTLV(tag: 0x70, value: der).bytes + [0x71, 0x01, 0x00, 0xFE, 0x00]
        pivObjects[PIVApplication.key(for: PIVApplication.attestationCertificateTag)] = Data(object)
    }
}
