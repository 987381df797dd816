import Crypto
import Foundation
import LicnaCard
import LicnaPKI
import SwiftASN1
import X509

@testable import LicnaCardClient

/// A throwaway country signing CA (P-384) and Document Signer (P-256), built through `CertificateHierarchyBuilder`'s
/// roles (ICAO 9303-12 §5): from `validFrom`, the CSCA valid for a year and the Document Signer for 90 days.
struct EMRTDTestPKI: Sendable {
    let cscaKey: Certificate.PrivateKey
    let csca: Certificate
    let dsKey: Certificate.PrivateKey
    let documentSigner: Certificate

    init(country: String = "UT", validFrom: Date = Date(timeIntervalSinceNow: -3600)) throws {
        let hierarchy = CertificateHierarchyBuilder(now: validFrom)
        let csca = try hierarchy.selfSigned(
            .csca.lasting(86_400 * 365),
            subject: try DistinguishedName { CountryName(country); OrganizationName("Licna Test"); CommonName("CSCA \(country)") })
        let documentSigner = try hierarchy.issue(
            .documentSigner.lasting(86_400 * 90),
            subject: try DistinguishedName { CountryName(country); OrganizationName("Licna Test"); CommonName("Document Signer 1") },
            under: csca)
        (self.csca, cscaKey) = (csca.certificate, csca.privateKey)
        (self.documentSigner, dsKey) = (documentSigner.certificate, documentSigner.privateKey)
    }

    /// EF.SOD over `dataGroups`, signed by the Document Signer.
    func sod(_ dataGroups: [Int: [UInt8]]) async throws -> [UInt8] {
        try await DocumentSecurityObject.build(
            dataGroups: dataGroups, documentSigner: documentSigner, signer: SoftwareSignatureProducer(privateKey: dsKey))
    }
}

/// A specimen card's LDS files (ICAO 9303-10 §4.6, §4.7): EF.COM, DG1 (the 9303 TD1 specimen), DG2, DG3.
enum EMRTDSpecimen {
    static let mrz = "I<UTOD231458907<<<<<<<<<<<<<<<" + "7408122F1204159UTO<<<<<<<<<<<6" + "ERIKSSON<<ANNA<MARIA<<<<<<<<<<"
    static let com = BERTLV(tag: 0x60, value: hex("5F01 04 30313037 5F36 06 303430303030 5C 03 617563")).bytes
    static let dg1 = BERTLV(tag: 0x61, value: BERTLV(tag: 0x5F1F, value: Array(mrz.utf8)).bytes).bytes
    /// A face stand-in long enough for several READ BINARY chunks and a two-byte length.
    static let dg2 = BERTLV(tag: 0x75, value: (0..<1500).map { UInt8(($0 * 13) & 0xFF) }).bytes
    static let dg3 = BERTLV(tag: 0x63, value: (0..<300).map { UInt8($0 & 0xFF) }).bytes
    static var dataGroups: [Int: [UInt8]] { [1: dg1, 2: dg2, 3: dg3] }
}

/// The eMRTD application of docs/card.md: SELECT by AID and FID, READ BINARY with offsets, CAN/PIN VERIFY;
/// DG1 and DG2 after VERIFY, DG3 never (`69 82`).
final class FakeEMRTDApplication: @unchecked Sendable {
    var files: [UInt16: [UInt8]]
    var can = "123456"
    var verified = false
    var selectedApplication = false
    var current: UInt16?

    init(files: [UInt16: [UInt8]]) {
        self.files = files
    }

    func answer(_ command: CommandAPDU) -> ResponseAPDU {
        switch (command.ins, command.p1, command.p2) {
        case (0xA4, 0x04, 0x0C):
            selectedApplication = command.data == EMRTDReader.applicationIdentifier
            return ResponseAPDU(selectedApplication ? .success : .fileNotFound)
        case (0xA4, 0x02, 0x0C):
            guard selectedApplication, command.data.count == 2 else { return ResponseAPDU(.commandNotAllowed) }
            let fid = UInt16(command.data[0]) << 8 | UInt16(command.data[1])
            guard files[fid] != nil else { return ResponseAPDU(.fileNotFound) }
            current = fid
            return ResponseAPDU()
        case (0x20, 0x00, 0x82):
            verified = command.data == Array(can.utf8)
            return ResponseAPDU(verified ? .success : .verificationFailed(triesLeft: 9))
        case (0xB0, let high, let low):
            guard let current, let file = files[current] else { return ResponseAPDU(.commandNotAllowed) }
            if current == 0x0103 || ((current == 0x0101 || current == 0x0102) && !verified) {
                return ResponseAPDU(.securityStatusNotSatisfied)
            }
            let offset = Int(high) << 8 | Int(low)
            guard offset < file.count else { return ResponseAPDU(.wrongParameters) }
            let length = min(command.expectedLength ?? 256, file.count - offset)
            return ResponseAPDU(data: Array(file[offset..<(offset + length)]))
        default:
            return ResponseAPDU(.instructionNotSupported)
        }
    }
}
