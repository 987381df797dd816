import Crypto
import Fluent
import Foundation
import LicnaCore
import LicnaPKI
@testable import LicnaServer
import NIOCore
import SQLKit
import SwiftASN1
import Testing
import VaporTesting
import X509

@Suite struct TrustTests {
    @Test(arguments: TestEngine.available)
    func hierarchyIsCreatedOnceWithEveryKeySealed(engine: TestEngine) async throws {
        try await TestInstallation.make(engine).withApp(http: false) { app in
            let authority = app.licna.trust.authority(on: app.db)
            try await TrustFixtures.initialize(app)
            await #expect(throws: TrustError.alreadyInitialized) { try await authority.initialize(TrustFixtures.setup, context: .test) }
            let hierarchy = try await authority.hierarchy()
            let root = try hierarchy.authority(.root).certificate
            #expect(P384.Signing.PublicKey(root.publicKey) != nil)
            #expect(root.notValidAfter.timeIntervalSince(root.notValidBefore) >= 19.9 * 365 * 86_400)
            for name in [AuthorityName.citizen, .institution] {
                let ca = try hierarchy.authority(name).certificate
                #expect(ca.issuer == root.subject)
                #expect(root.publicKey.isValidSignature(ca.signature, for: ca))
                #expect(ca.notValidAfter <= root.notValidAfter)
            }
            let csca = try hierarchy.authority(.csca).certificate
            #expect(csca.issuer == csca.subject)
            #expect(hierarchy.documentSigner?.certificate.issuer == csca.subject)
            #expect(Set(hierarchy.responders.keys) == [.citizen, .institution, .csca])
            for responder in hierarchy.responders.values {
                let days = responder.certificate.notValidAfter.timeIntervalSince(responder.certificate.notValidBefore) / 86_400
                #expect((80...100).contains(days))
                #expect(responder.certificate.extensions[oid: .PKIXExtensions.ocspNoCheck] != nil)
            }
            // The root key opens only with its passphrase; no stored key is readable without the master key.
            #expect(throws: TrustError.wrongPassphrase()) { try authority.unlockRoot(passphrase: "not the passphrase", hierarchy: hierarchy) }
            _ = try authority.unlockRoot(passphrase: TrustFixtures.setup.rootPassphrase, hierarchy: hierarchy)
            let rows = try await app.db.sql.raw("SELECT sealed_key FROM pki_authorities UNION ALL SELECT sealed_key FROM pki_signing_keys").all()
            #expect(rows.count == 4 + 5)
            for row in rows {
                let sealed = [UInt8](try row.decode(column: "sealed_key", as: Data.self))
                #expect((try? Certificate.PrivateKey(derBytes: sealed)) == nil)
            }
            #expect(try await app.licna.audit.verify(on: app.db).firstBreak == nil)
        }
    }

    @Test(arguments: TestEngine.available)
    func citizenCertificatesFollowTheProfile(engine: TestEngine) async throws {
        try await TestInstallation.make(engine).withApp(http: false) { app in
            try await TrustFixtures.initialize(app)
            let number = IdentificationNumber.random()
            let auth = try await TrustFixtures.issue(app, .authentication, subject: try TrustFixtures.citizenSubject(number: number))
            #expect(auth.subject.description.contains("PNOME-\(number)"))
            #expect(try auth.extensions.keyUsage?.digitalSignature == true)
            #expect(try auth.extensions.extendedKeyUsage?.contains(.clientAuth) == true)
            let aia = try #require(try auth.extensions.authorityInformationAccess)
            #expect(aia.contains { $0.method == .ocspServer })
            #expect(aia.contains { $0.method == .issuingCA })
            #expect(auth.extensions[oid: .PKIXExtensions.cRLDistributionPoints] != nil)
            #expect(auth.serialNumber.bytes.count <= 16 && auth.serialNumber.bytes[0] & 0x80 == 0)
            let years = auth.notValidAfter.timeIntervalSince(auth.notValidBefore) / (365.25 * 86_400)
            #expect(abs(years - 5) < 0.01)

            let signature = try await TrustFixtures.issue(app, .signature)
            #expect(try signature.extensions.keyUsage?.nonRepudiation == true)
            let statements = try QCStatements(extensionValue: try #require(signature.extensions[oid: .PKIXExtensions.qcStatements]).value)
            #expect(statements.compliance && statements.type == .eSign && !statements.keyOnQSCD)
            #expect(statements.disclosureStatements.first?.url.hasSuffix("/pki/pds") == true)
            let policies = try CertificatePolicies(extensionValue: try #require(signature.extensions[oid: .PKIXExtensions.certificatePolicies]).value)
            #expect(policies.policies == [.QC.policyQCPn, .licnaCitizenPolicy])

            let seal = try await TrustFixtures.issue(app, .eSeal, subject: try TrustFixtures.sealSubject())
            let sealStatements = try QCStatements(extensionValue: try #require(seal.extensions[oid: .PKIXExtensions.qcStatements]).value)
            #expect(sealStatements.type == .eSeal)
            let institution = try await app.licna.trust.authority(on: app.db).hierarchy().authority(.institution).certificate
            #expect(seal.issuer == institution.subject)
        }
    }

    @Test func requestsThatBreakTheProfileAreRefused() async throws {
        try await TestInstallation.make(.sqlite).withApp(http: false) { app in
            try await TrustFixtures.initialize(app)
            let authority = app.licna.trust.authority(on: app.db)
            func refused(_ subject: DistinguishedName, _ profile: CertificateProfile = .authentication, notAfter: Date? = nil) async throws -> String? {
                do {
                    _ = try await authority.issue(CertificateRequest(profile: profile, csr: try TrustFixtures.csr(subject: subject), notAfter: notAfter), context: .test)
                    return nil
                } catch let error as TrustError { return error.detail }
            }
            // A JMBG in place of the identification number; the wrong country; a bad check digit.
            #expect(try await refused(try TrustFixtures.citizenSubject(number: "0101990210006"))?.contains("13-digit") == true)
            #expect(try await refused(try TrustFixtures.citizenSubject(country: "RS")) != nil)
            var digits = Array(IdentificationNumber.random())
            digits[8] = digits[8] == "0" ? "1" : "0"
            #expect(try await refused(try TrustFixtures.citizenSubject(number: String(digits))) != nil)
            #expect(try await refused(try TrustFixtures.sealSubject(), .authentication) != nil)
            #expect(try await refused(try TrustFixtures.citizenSubject(), .eSeal) != nil)
            // A validity beyond the CA's is refused, never silently accepted (Albania's 50-year certificates): for a
            // citizen already by the card policy's five years, for an e-seal by the CA's own end.
            let fiftyYears = Date().addingTimeInterval(50 * 365 * 86_400)
            #expect(try await refused(try TrustFixtures.citizenSubject(), notAfter: fiftyYears)?.contains("at most 5 years") == true)
            #expect(try await refused(try TrustFixtures.sealSubject(), .eSeal, notAfter: fiftyYears)?.contains("outlast") == true)
            // A CSR whose signature does not match its key.
            let subject = try TrustFixtures.citizenSubject()
            let good = try TrustFixtures.csr(subject: subject)
            let other = try TrustFixtures.csr(subject: subject)
            let forged = try CertificateSigningRequest(derEncoded: Self.swapKey(of: good, with: other))
            await #expect(throws: TrustError.self) {
                _ = try await authority.issue(CertificateRequest(profile: .authentication, csr: forged), context: .test)
            }
            let count = try await app.db.sql.raw("SELECT COUNT(*) AS n FROM pki_certificates WHERE profile = 'authentication'").first()!.decode(column: "n", as: Int.self)
            #expect(count == 0)
        }
    }

    /// The CSR `csr` with `other`'s public key: its signature no longer matches.
    static func swapKey(of csr: CertificateSigningRequest, with other: CertificateSigningRequest) throws -> [UInt8] {
        var serializer = DER.Serializer()
        try serializer.serialize(csr)
        var bytes = serializer.serializedBytes
        let old = Array(csr.publicKey.subjectPublicKeyInfoBytes), new = Array(other.publicKey.subjectPublicKeyInfoBytes)
        let range = try #require(bytes.firstRange(of: old))
        bytes.replaceSubrange(range, with: new)
        return bytes
    }

    @Test(arguments: TestEngine.available)
    func ocspFollowsHoldReleaseAndRevocation(engine: TestEngine) async throws {
        try await TestInstallation.make(engine).withApp(http: false) { app in
            try await TrustFixtures.initialize(app)
            let trust = app.licna.trust
            let authority = trust.authority(on: app.db)
            let certificate = try await TrustFixtures.issue(app)
            let hierarchy = try await authority.hierarchy()
            let citizenCA = try hierarchy.authority(.citizen).certificate
            let responder = try #require(hierarchy.responders[.citizen]).certificate
            func status(_ hash: DigestAlgorithm = .sha1, nonce: [UInt8]? = nil) async throws -> OCSPCertificateStatus {
                let request = try TrustFixtures.ocspRequest(for: certificate.serialNumber.bytes.map { $0 }, issuer: citizenCA, hash: hash, nonce: nonce)
                let answer = await trust.ocsp.respond(to: request, client: ClientAddress("192.0.2.1"), on: app.db)
                let response = try OCSPResponse(derEncoded: answer.bytes)
                #expect(response.status == .successful)
                #expect(response.isSigned(by: responder))
                #expect(response.certificates.first == responder)
                if let nonce { #expect(response.nonceValue == (try DEREncoding.encode(ASN1OctetString(contentBytes: nonce[...])))) }
                return try #require(response.responses.first).status
            }
            #expect(try await status() == .good)
            #expect(try await status(.sha256) == .good)
            #expect(try await status(nonce: [1, 2, 3, 4, 5, 6, 7, 8]) == .good)
            let serial = certificate.serialNumber.hex
            try await authority.change(serial: serial, .hold, context: .test)
            try await trust.ocsp.pollChanges(on: app.db)
            guard case .revoked(_, .certificateHold) = try await status() else { Issue.record("hold must show as certificateHold"); return }
            try await authority.change(serial: serial.uppercased(), .release, context: .test)
            try await trust.ocsp.pollChanges(on: app.db)
            #expect(try await status() == .good)
            try await authority.change(serial: serial, .revoke(.keyCompromise, invalidityDate: nil), context: .test)
            try await trust.ocsp.pollChanges(on: app.db)
            guard case .revoked(_, .keyCompromise) = try await status(.sha256) else { Issue.record("revocation must show its reason"); return }
            await #expect(throws: TrustError.alreadyRevoked) { try await authority.change(serial: serial, .release, context: .test) }
            // keyCompromise produced the CRL at once.
            let crl = try #require(try await trust.crls(on: app.db).stored(CRLName(authority: .citizen, partition: 0)))
            let parsed = try CertificateRevocationList(derEncoded: crl.der)
            #expect(parsed.isSigned(by: citizenCA))
            #expect(parsed.entries.map(\.serialNumber) == [certificate.serialNumber])
            #expect(parsed.entries.first?.reason == .keyCompromise)
            // A serial this CA never issued is unknown; a CA that is not ours is unauthorized.
            let unknown = try TrustFixtures.ocspRequest(for: [0x12, 0x34], issuer: citizenCA)
            #expect(try OCSPResponse(derEncoded: await trust.ocsp.respond(to: unknown, client: nil, on: app.db).bytes).responses.first?.status == .unknown)
            let stranger = try TrustFixtures.ocspRequest(for: [1], issuer: certificate)
            #expect(await trust.ocsp.respond(to: stranger, client: nil, on: app.db).status == .unauthorized)
            let entries = try await app.licna.audit.entries(touching: [serial], on: app.db).map(\.action)
            #expect(entries == ["ca.issue", "ca.hold", "ca.release", "ca.revoke.keyCompromise"])
        }
    }

    /// A change made by another process (here: a second application on the same database, as the CLI would be)
    /// reaches a running server's cached answers through the status poll (every 0.25 s). The wait is bounded
    /// generously, not timed: under a loaded CI machine one poll can take well over a second.
    @Test(arguments: TestEngine.available)
    func changesFromAnotherProcessReachTheCache(engine: TestEngine) async throws {
        let installation = try await TestInstallation.make(engine)
        let (serial, request) = try await installation.withAppResult(http: false) { app in
            try await TrustFixtures.initialize(app)
            let certificate = try await TrustFixtures.issue(app)
            let ca = try await app.licna.trust.authority(on: app.db).hierarchy().authority(.citizen).certificate
            return (certificate.serialNumber.hex, try TrustFixtures.ocspRequest(for: certificate.serialNumber.bytes.map { $0 }, issuer: ca))
        }
        try await installation.withApp { server in
            try await server.asyncBoot()  // starts the background work: the status poll
            let first = await server.licna.trust.ocsp.respond(to: request, client: nil, on: server.db)
            let cached = await server.licna.trust.ocsp.respond(to: request, client: nil, on: server.db)
            #expect(first.body == cached.body)  // served from the cache
            try await installation.withApp(http: false) { cli in
                try await cli.licna.trust.authority(on: cli.db).change(serial: serial, .hold, context: .test)
            }
            let deadline = Date().addingTimeInterval(30)
            var status = OCSPCertificateStatus.good
            while Date() < deadline {
                status = try OCSPResponse(derEncoded: await server.licna.trust.ocsp.respond(to: request, client: nil, on: server.db).bytes).responses[0].status
                if status != .good { break }
                try await Task.sleep(for: .milliseconds(50))
            }
            guard case .revoked(_, .certificateHold) = status else { Issue.record("the hold did not reach the server within 30 seconds"); return }
        }
    }

    @Test func crlPartitionsStayUnderTheirSizeWith100000CertificatesOnHold() async throws {
        let trust = TrustConfiguration(crlPartitionSize: 10_000)
        try await TestInstallation.make(.sqlite).withApp(http: false, trust: trust) { app in
            try await TrustFixtures.initialize(app)
            // Issue a few real certificates, then 100,000 held ones as issuance records them (sequence → partition).
            let real = try await TrustFixtures.issue(app)
            let sql = app.db.sql
            let total = 100_000
            let now = Int64(Date().timeIntervalSince1970)
            try await app.db.transaction { db in
                let sql = db.sql
                let start = try await sql.raw("SELECT issued_count FROM pki_authorities WHERE id = 'citizen'").first()!.decode(column: "issued_count", as: Int64.self)
                for batch in stride(from: 0, to: total, by: 2_000) {
                    var insert = sql.insert(into: "pki_certificates")
                        .columns("serial", "authority_id", "profile", "subject", "partition_number", "not_before", "not_after", "status",
                                 "revoked_at", "reason", "certificate", "issued_at")
                    for index in batch..<min(batch + 2_000, total) {
                        let sequence = start + Int64(index) + 1
                        insert = insert.values(SQLBind(String(format: "7f%030x", index)), SQLBind("citizen"), SQLBind("authentication"), SQLBind("CN=x"),
                                               SQLBind(Int((sequence - 1) / 10_000)), SQLBind(now), SQLBind(now + 86_400 * 365), SQLBind("hold"),
                                               SQLBind(now), SQLBind(6), SQLBind(Data([0])), SQLBind(now))
                    }
                    try await insert.run()
                }
                try await sql.raw("UPDATE pki_authorities SET issued_count = issued_count + \(bind: Int64(total)) WHERE id = 'citizen'").run()
            }
            try await app.licna.trust.crls(on: app.db).publish(.citizen)
            let rows = try await sql.raw("SELECT partition_number, crl FROM pki_crls WHERE authority_id = 'citizen' ORDER BY partition_number").all()
            #expect(rows.count == 11)
            var listed = 0
            let ca = try await app.licna.trust.authority(on: app.db).hierarchy().authority(.citizen).certificate
            for row in rows {
                let crl = try CertificateRevocationList(derEncoded: [UInt8](try row.decode(column: "crl", as: Data.self)))
                #expect(crl.entries.count <= 10_000)
                #expect(crl.isSigned(by: ca))
                #expect(crl.entries.allSatisfy { $0.reason == .certificateHold })
                listed += crl.entries.count
            }
            #expect(listed == total)
            #expect(real.serialNumber.bytes.count > 0)
        }
    }

    @Test func crlAddressesAnswerAsDERWithCachingThatMatchesNextUpdate() async throws {
        try await TestInstallation.make(.sqlite).withApp { app in
            try await TrustFixtures.initialize(app)
            _ = try await TrustFixtures.issue(app)
            try await app.testing().test(.GET, "/pki/crl/citizen-0.crl") { response in
                #expect(response.status == .ok)
                #expect(response.headers.contentType?.description == "application/pkix-crl")
                let crl = try CertificateRevocationList(derEncoded: Array(buffer: response.body))
                let maxAge = Int(response.headers.first(name: .cacheControl)!.split(separator: "=")[1].split(separator: ",")[0])!
                #expect(abs(Double(maxAge) - crl.nextUpdate!.timeIntervalSinceNow) < 5)
            }
            try await app.testing().test(.GET, "/pki/crl/root.crl") { #expect($0.status == .ok) }
            try await app.testing().test(.GET, "/pki/crl/citizen-7.crl") { #expect($0.status == .notFound) }
            try await app.testing().test(.GET, "/pki/crl/..%2Fetc.crl") { #expect($0.status != .ok) }
            try await app.testing().test(.GET, "/pki/ca/root.cer") { response in
                #expect(response.status == .ok)
                let root = try Certificate(derEncoded: Array(buffer: response.body))
                #expect(root.subject.description.contains("Root CA"))
            }
        }
    }

    @Test func ocspAndTSAAnswerBadInputWithProtocolErrorsNever500() async throws {
        try await TestInstallation.make(.sqlite).withApp { app in
            try await TrustFixtures.initialize(app)
            let certificate = try await TrustFixtures.issue(app)
            let ca = try await app.licna.trust.authority(on: app.db).hierarchy().authority(.citizen).certificate
            let valid = try TrustFixtures.ocspRequest(for: certificate.serialNumber.bytes.map { $0 }, issuer: ca)
            var headers = HTTPHeaders()
            headers.contentType = HTTPMediaType(type: "application", subType: "ocsp-request")
            func post(_ path: String, _ body: [UInt8], _ headers: HTTPHeaders) async throws -> (HTTPStatus, [UInt8]) {
                var result: (HTTPStatus, [UInt8]) = (.ok, [])
                try await app.testing().test(.POST, path, headers: headers, body: ByteBuffer(bytes: body)) { result = ($0.status, Array(buffer: $0.body)) }
                return result
            }
            let (status, body) = try await post("/pki/ocsp", valid, headers)
            #expect(status == .ok)
            #expect(try OCSPResponse(derEncoded: body).responses.first?.status == .good)
            // GET with the request in the path, URL-encoded base64 (RFC 6960 Appendix A.1).
            let path = "/pki/ocsp/" + Data(valid).base64EncodedString().addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            try await app.testing().test(.GET, path) { response in
                let parsed = try OCSPResponse(derEncoded: Array(buffer: response.body))
                #expect(parsed.status == .successful)
                let cacheControl = response.headers.first(name: .cacheControl) ?? ""
                #expect(cacheControl.contains("max-age="))
                #expect(Int(cacheControl.split(separator: "=")[1].split(separator: ",")[0])! <= 60)
            }
            var random = SystemRandomNumberGenerator()
            var inputs: [[UInt8]] = [[], [0x30], [0x30, 0x80], Array(valid.dropLast()), valid + [0]]
            for _ in 0..<300 {
                var mutated = valid
                for _ in 0..<Int.random(in: 1...4, using: &random) {
                    mutated[Int.random(in: 0..<mutated.count, using: &random)] = UInt8.random(in: 0...255, using: &random)
                }
                inputs.append(mutated)
                inputs.append((0..<Int.random(in: 0...200, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) })
            }
            for input in inputs {
                let (status, body) = try await post("/pki/ocsp", input, headers)
                #expect(status == .ok)
                let response = try OCSPResponse(derEncoded: body)
                #expect([.successful, .malformedRequest, .unauthorized].contains(response.status))
            }
            let (large, largeBody) = try await post("/pki/ocsp", [UInt8](repeating: 0x30, count: 70_000), headers)
            #expect(large == .payloadTooLarge)
            #expect(try OCSPResponse(derEncoded: largeBody).status == .malformedRequest)
            let (wrongType, wrongBody) = try await post("/pki/ocsp", valid, HTTPHeaders([("Content-Type", "text/plain")]))
            #expect(wrongType == .unsupportedMediaType)
            #expect(try OCSPResponse(derEncoded: wrongBody).status == .malformedRequest)

            var tsaHeaders = HTTPHeaders()
            tsaHeaders.contentType = HTTPMediaType(type: "application", subType: "timestamp-query")
            for input in inputs.prefix(200) {
                let (status, body) = try await post("/pki/tsa", input, tsaHeaders)
                #expect(status == .ok)
                let reply = try TimeStampResponse(derEncoded: body)
                #expect(reply.status.status != .granted)
            }
            let (tooLarge, _) = try await post("/pki/tsa", [UInt8](repeating: 1, count: 70_000), tsaHeaders)
            #expect(tooLarge == .payloadTooLarge)
        }
    }

    @Test(arguments: TestEngine.available)
    func timestampsHaveIncreasingSerialsAndVerify(engine: TestEngine) async throws {
        try await TestInstallation.make(engine).withApp { app in
            try await TrustFixtures.initialize(app)
            let hierarchy = try await app.licna.trust.authority(on: app.db).hierarchy()
            let tsa = try #require(hierarchy.timestamping).certificate
            var previous: [UInt8] = []
            for hash in [DigestAlgorithm.sha256, .sha384, .sha512] {
                let digest = hash.hash(Array("document \(hash)".utf8))
                let request = TimeStampRequest(messageImprint: MessageImprint(hashing: Array("document \(hash)".utf8), with: hash),
                                               nonce: [0x01, 0x02, 0x03], certificateRequested: true)
                let reply = await app.licna.trust.timestamps.respond(to: try request.derBytes(), on: app.db)
                let token = try TimeStampToken(responseDER: reply)
                let verified = try token.verify(digest: digest, algorithm: hash, nonce: [0x01, 0x02, 0x03])
                #expect(verified.tsaCertificate == tsa)
                let serial = verified.serialNumber
                #expect(serial.count > previous.count || (serial.count == previous.count && serial.lexicographicallyPrecedes(previous) == false && serial != previous))
                previous = serial
            }
            let sha1 = TimeStampRequest(messageImprint: MessageImprint(hashing: [1], with: .sha1))
            let rejected = try TimeStampResponse(derEncoded: await app.licna.trust.timestamps.respond(to: try sha1.derBytes(), on: app.db))
            #expect(rejected.status.failureInfo?.contains(.badAlg) == true)
        }
    }

    @Test func officersIssueAndRevokeThroughTheAPI() async throws {
        try await TestInstallation.make(.sqlite).withApp { app in
            let officer = try await officerToken(app)
            try await TrustFixtures.initialize(app)
            let csr = try TrustFixtures.csr(subject: try TrustFixtures.citizenSubject()).serializeAsPEM().pemString
            var headers = HTTPHeaders([("Authorization", "Bearer \(officer)")])
            headers.contentType = .json
            var serial = ""
            try await app.testing().test(.POST, "/api/pki/certificates", headers: headers, beforeRequest: { request in
                try request.content.encode(["profile": "signature", "csr": csr])
            }) { response in
                #expect(response.status == .ok)
                let body = try response.content.decode(TrustController.IssuedBody.self)
                serial = body.serial
                #expect(try Certificate(pemEncoded: body.certificate).serialNumber.hex == body.serial)
            }
            try await app.testing().test(.POST, "/api/pki/certificates", beforeRequest: { request in
                try request.content.encode(["profile": "signature", "csr": csr])
            }) { #expect($0.status == .unauthorized) }
            try await app.testing().test(.POST, "/api/pki/certificates/\(serial)/revoke", headers: headers, beforeRequest: { request in
                try request.content.encode(["reason": "superseded"])
            }) { response in
                let view = try response.content.decode(CertificateRecordView.self)
                #expect(view.status == "revoked")
            }
            try await app.testing().test(.POST, "/api/pki/certificates/\(serial)/hold", headers: headers) { response in
                let body = try response.content.decode([String: String].self)
                #expect(response.status == .conflict)
                #expect(body["error"] == "ca-already-revoked")
            }
            try await app.testing().test(.GET, "/api/pki/certificates/00ff", headers: headers) { #expect($0.status == .notFound) }
        }
    }
}

@Suite struct TrustBackupTests {
    /// The trust services' tables travel in the backup: after a restore the CA issues, the status survives, and
    /// the responder answers with the restored keys; a restore over an installation with a CA is refused.
    @Test(arguments: TestEngine.available)
    func hierarchyAndStatusSurviveBackupAndRestore(engine: TestEngine) async throws {
        let source = try await TestInstallation.make(engine)
        let lines = Lines()
        let (serial, rootDER) = try await source.withAppResult(http: false) { app in
            try await TrustFixtures.initialize(app)
            let certificate = try await TrustFixtures.issue(app)
            try await app.licna.trust.authority(on: app.db).change(serial: certificate.serialNumber.hex, .hold, context: .test)
            _ = try await BackupService(database: app.db, masterKey: source.key, clock: app.licna.configuration.clock).backup { lines.append($0) }
            return (certificate.serialNumber.hex, try await app.licna.trust.authority(on: app.db).hierarchy().authority(.root).der)
        }
        let target = try await TestInstallation.make(engine)
        let restoredTarget = TestInstallation(storage: target.storage, directory: target.directory, key: source.key)
        try await restoredTarget.withApp(http: false) { app in
            let pin = Array(SHA256.hash(data: rootDER))
            _ = try await BackupService(database: app.db, masterKey: source.key, clock: app.licna.configuration.clock).restore(lines.reader, options: .init(rootSHA256: pin))
            let authority = app.licna.trust.authority(on: app.db)
            #expect(try await authority.status(serial: serial).status == "hold")
            #expect(try await authority.hierarchy().authority(.root).der == rootDER)
            _ = try authority.unlockRoot(passphrase: TrustFixtures.setup.rootPassphrase, hierarchy: try await authority.hierarchy())
            let fresh = try await TrustFixtures.issue(app)
            try await app.licna.trust.reload(on: app.db)
            let ca = try await authority.hierarchy().authority(.citizen).certificate
            let answer = await app.licna.trust.ocsp.respond(to: try TrustFixtures.ocspRequest(for: Array(fresh.serialNumber.bytes), issuer: ca),
                                                            client: nil, on: app.db)
            #expect(try OCSPResponse(derEncoded: answer.bytes).responses.first?.status == .good)
            // A second restore into this installation, which now has a CA, is refused.
            let again = Lines()
            _ = try await BackupService(database: app.db, masterKey: source.key, clock: app.licna.configuration.clock).backup { again.append($0) }
            await #expect(throws: BackupService.Failure.self) {
                _ = try await BackupService(database: app.db, masterKey: source.key, clock: app.licna.configuration.clock).restore(again.reader, options: .init(rootSHA256: Array(SHA256.hash(data: rootDER))))
            }
        }
    }
}

@Suite struct TrustSubjectTests {
    @Test(arguments: ["0101990210006", "0101990 210006", "010199-0210006", "01.01.990.210006"])
    func aJMBGInAnyNotationNeverEntersACertificate(written: String) throws {
        let rules = SubjectRules(country: "ME") { _ in true }
        let subject = DistinguishedName([
            RelativeDistinguishedName(try .init(type: .NameAttributes.countryName, printableString: "ME")),
            RelativeDistinguishedName(.init(type: .NameAttributes.givenName, utf8String: "Ana")),
            RelativeDistinguishedName(.init(type: .NameAttributes.surname, utf8String: "Ivanović")),
            RelativeDistinguishedName(.init(type: .NameAttributes.commonName, utf8String: "Ana Ivanović \(written)")),
            RelativeDistinguishedName(try .init(type: .NameAttributes.serialNumber, printableString: "PNOME-123456784")),
        ])
        #expect(throws: PKIError.self) { try rules.check(subject, for: .authentication) }
    }
}

@Suite struct TrustConcurrencyTests {
    /// A hold racing a revocation never overwrites it: the status update is conditional on the status read.
    @Test(arguments: TestEngine.available)
    func aRevocationIsNeverLostToAConcurrentHold(engine: TestEngine) async throws {
        try await TestInstallation.make(engine).withApp(http: false) { app in
            try await TrustFixtures.initialize(app)
            let authority = app.licna.trust.authority(on: app.db)
            var serials: [String] = []
            for _ in 0..<12 { serials.append(try await TrustFixtures.issue(app).serialNumber.hex) }
            for serial in serials {
                async let revoked: Bool = { (try? await authority.change(serial: serial, .revoke(.superseded, invalidityDate: nil), context: .test)) != nil }()
                async let held: Bool = { (try? await authority.change(serial: serial, .hold, context: .test)) != nil }()
                let (didRevoke, _) = await (revoked, held)
                #expect(didRevoke)
                #expect(try await authority.status(serial: serial).status == "revoked")
            }
        }
    }
}
