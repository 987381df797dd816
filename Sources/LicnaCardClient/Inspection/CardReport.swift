import Foundation
import LicnaCard
import LicnaPKI
import X509

/// What a reader can learn from a Licna card without the PIN (`licna card show`): the identity application's
/// free data, the tries left, the two certificates, and with the CAN the eMRTD data groups, checked by passive
/// authentication against the given CSCAs. The JMBG is never read here: it needs the PIN.
public struct CardReport: Sendable {
    public var identity: [String: String] = [:]
    public var pinTriesLeft: Int?
    public var pukTriesLeft: Int?
    public var certificates: [String: Certificate] = [:]
    public var mrz: [String]?
    public var dataGroupsRead: [Int] = []
    public var dataGroupsUnreadable: [Int: String] = [:]
    public var passiveAuthentication: PassiveAuthenticationReport?
    public var problems: [String] = []
    /// The eMRTD files read, by file identifier (`011D`…), for inspection with other tools.
    public var files: [String: [UInt8]] = [:]
    /// Each certificate's OCSP status (`good`, `certificateHold`, `revoked: <reason>`, `unknown`), when asked of the
    /// issuing server (`status --server`).
    public var certificateStatus: [String: String] = [:]

    /// The card's last day, ISO 8601 (from the identity application's `cardExpiry`).
    public var cardExpires: String? {
        guard let day = identity["cardExpiry"], day.count == 8, day.allSatisfy(\.isNumber) else { return nil }
        return "\(day.prefix(4))-\(day.dropFirst(4).prefix(2))-\(day.suffix(2))"
    }

    /// Activated when the server says every certificate is good; nil when it was not asked.
    public var activated: Bool? {
        certificateStatus.isEmpty ? nil : certificates.keys.allSatisfy { certificateStatus[$0] == "good" }
    }

    /// True when passive authentication ran and failed.
    public var passiveAuthenticationFailed: Bool { passiveAuthentication.map { !$0.passed } ?? false }

    /// Reads the card; passive authentication checks the certificates at `time` (the caller's clock).
    public static func read(channel: any CardChannel, can: String?, csca: [Certificate], at time: Date) throws -> CardReport {
        var report = CardReport()
        let piv = PIVClient(channel: channel)
        do {
            _ = try piv.select()
            report.pinTriesLeft = try piv.pinTriesLeft()
            // The PUK's tries are Licna's extension of SP 800-73-4: another PIV card answers 6A 88.
            report.pukTriesLeft = try? piv.pukTriesLeft()
            for (name, slot) in [("9A", PIVSlot.authentication), ("9C", .signature)] {
                if let der = try? piv.readCertificate(slot: slot), let certificate = try? Certificate(derEncoded: der) {
                    report.certificates[name] = certificate
                }
            }
        } catch {
            report.problems.append("PIV: \(error)")
        }
        let names: [(IdentityApplication.Tag, String)] = [
            (.identificationNumber, "identificationNumber"), (.cardNumber, "cardNumber"),
            (.issuingAuthority, "issuingAuthority"), (.cardExpiry, "cardExpiry"), (.holderName, "holderName"),
        ]
        let selectIdentity = try channel.send(CommandAPDU(.select, p1: 0x04, p2: 0x0C, data: IdentityApplication.identifier))
        if selectIdentity.status.isSuccess {
            for (tag, name) in names {
                let answer = try channel.send(CommandAPDU(.getData, p1: 0x00, p2: tag.rawValue, expectedLength: 256))
                if answer.status.isSuccess, let text = String(bytes: answer.data, encoding: .utf8) { report.identity[name] = text }
            }
        }
        let emrtd = EMRTDReader(channel: channel)
        do {
            try emrtd.select()
            if let can { try emrtd.verify(can: can) }
            let result = try emrtd.readAll()
            report.dataGroupsRead = result.dataGroups.keys.sorted()
            for (file, bytes) in result.files { report.files[String(format: "%04X", file.fid)] = bytes }
            for (number, status) in result.unreadableDataGroups {
                report.dataGroupsUnreadable[number] = status.map { "\($0)" } ?? "unreadable"
            }
            if let dg1 = result.dataGroups[1] { report.mrz = LDSFile.mrzLines(inDG1: dg1) }
            if !csca.isEmpty, let sod = result.sod {
                _ = sod
                report.passiveAuthentication = PassiveAuthentication(trustedCSCAs: csca, validationTime: time).verify(result)
            }
        } catch {
            report.problems.append("eMRTD: \(error)")
        }
        return report
    }

    /// Lines for a person (values are data, not translated).
    public func lines() -> [String] {
        var lines: [String] = []
        for (key, value) in identity.sorted(by: { $0.key < $1.key }) { lines.append("\(key): \(value)") }
        if let cardExpires { lines.append("cardExpires: \(cardExpires)") }
        if let activated { lines.append("activated: \(activated)") }
        lines.append("pinTriesLeft: \(pinTriesLeft.map(String.init) ?? "verified")")
        lines.append("pukTriesLeft: \(pukTriesLeft.map(String.init) ?? "?")")
        for (slot, certificate) in certificates.sorted(by: { $0.key < $1.key }) {
            lines.append("certificate \(slot): \(certificate.subject) (serial \(certificate.serialNumber.hex), until \(certificate.notValidAfter))"
                         + (certificateStatus[slot].map { ", OCSP \($0)" } ?? ""))
        }
        if let mrz { lines.append(contentsOf: mrz.map { "mrz: \($0)" }) }
        lines.append("dataGroupsRead: \(dataGroupsRead.map(String.init).joined(separator: ","))")
        for (number, reason) in dataGroupsUnreadable.sorted(by: { $0.key < $1.key }) { lines.append("dataGroupUnreadable: DG\(number) \(reason)") }
        if let passiveAuthentication {
            lines.append("passiveAuthentication: \(passiveAuthentication.passed ? "passed" : "FAILED")")
            lines.append(contentsOf: passiveAuthentication.failures.map { "passiveAuthenticationFailure: \($0)" })
        }
        lines.append(contentsOf: problems.map { "problem: \($0)" })
        return lines
    }

    public func json() -> String {
        var object: [String: Any] = ["identity": identity, "dataGroupsRead": dataGroupsRead,
                                     "dataGroupsUnreadable": Dictionary(uniqueKeysWithValues: dataGroupsUnreadable.map { ("\($0.key)", $0.value) }),
                                     "problems": problems]
        object["pinTriesLeft"] = pinTriesLeft ?? NSNull()
        object["pukTriesLeft"] = pukTriesLeft ?? NSNull()
        object["certificates"] = Dictionary(uniqueKeysWithValues: certificates.map { slot, certificate in
            var entry: [String: Any] = ["subject": "\(certificate.subject)", "serial": certificate.serialNumber.hex, "issuer": "\(certificate.issuer)",
                                        "notAfter": ISO8601DateFormatter().string(from: certificate.notValidAfter),
                                        "pem": (try? certificate.serializeAsPEM().pemString) ?? ""]
            if let status = certificateStatus[slot] { entry["ocsp"] = status }
            return (slot, entry)
        })
        object["cardExpires"] = cardExpires ?? NSNull()
        object["activated"] = activated ?? NSNull()
        object["mrz"] = mrz ?? NSNull()
        object["files"] = files.mapValues { Data($0).base64EncodedString() }
        if let passiveAuthentication {
            object["passiveAuthentication"] = [
                "passed": passiveAuthentication.passed, "signatureVerified": passiveAuthentication.signatureVerified,
                "chainVerified": passiveAuthentication.chainVerified, "failures": passiveAuthentication.failures,
                "dataGroupsNotRead": passiveAuthentication.dataGroupsNotRead,
            ] as [String: Any]
        }
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}
