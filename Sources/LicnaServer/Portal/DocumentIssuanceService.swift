import Crypto
import Fluent
import Foundation
import LicnaBasics
import LicnaCore
import LicnaDocuments
import LicnaIdentityProvider
import LicnaPortal
import LicnaTranslations
import SQLKit

/// Documents on request (issue 14, item 3): a signed-in citizen (level substantial or high) asks for an extract
/// or certificate of the registry for themselves or a minor child; the server writes the PDF in the chosen language
/// and script with a QR code of its verification address, seals it with the institution's e-seal at PAdES B-LT,
/// registers it (id, type, person, SHA-256, issued, valid until) and keeps it, encrypted, for download. Anyone can
/// check a document at `/d/{id}` (genuine and current, or revoked); an officer can revoke it.
struct DocumentIssuanceService: Sendable {
    let database: any Database
    let services: LicnaServices

    /// Someone a document may be asked for: the account's own person, a minor child of theirs, or an adult who gave
    /// them a mandate for the document's service.
    struct Subject: Sendable, Hashable {
        let personID: String
        let name: String
        let isSelf: Bool
        var mandateID: String? = nil
    }

    /// An issued document's register entry.
    struct Issued: Sendable {
        let id: String
        let type: IssuedDocumentType
        let personID: String
        let requestedBy: String
        let locale: String
        let sha256: String
        let issuedAt: Date
        let validUntil: Date
        let revokedAt: Date?
        let downloads: Int
        let verifications: Int
    }

    /// What ends the audit detail of a document an officer issued for a citizen present at a service point.
    static let assistedNote = "assisted"

    /// The least level of a sign-in that may ask for documents.
    static let requiredLevel = LevelOfAssurance.substantial

    private var clock: any WallClock { services.configuration.clock }
    private var sql: any SQLDatabase { database.sql }

    // MARK: Who may be asked for

    /// The account's person, if it is linked to one.
    func personID(ofAccount accountID: String) async throws -> String? {
        typealias Accounts = AccountsTable
        return try await sql.select().column(Accounts.personID).from(Accounts.table).where(Accounts.id, .equal, accountID).first()?
            .decode(column: Accounts.personID.name, as: String?.self)
    }

    /// The account's own person, their living minor children (the registry's parent links) and, for a `type`, the
    /// adults whose mandates in force cover it.
    func subjects(accountID: String, type: IssuedDocumentType? = nil) async throws -> [Subject] {
        guard let own = try await personID(ofAccount: accountID), let uuid = UUID(uuidString: own),
              let person = try await PersonModel.find(uuid, on: database) else { return [] }
        var subjects = [Subject(personID: own, name: person.fullName, isSelf: true)]
        typealias Parents = PersonParentsTable
        let children = try await sql.select().column(Parents.childID).from(Parents.table).where(Parents.parentID, .equal, own).all()
            .compactMap { try? $0.decode(column: Parents.childID.name, as: String.self) }.compactMap(UUID.init(uuidString:))
        let today = clock.today
        for child in try await PersonModel.query(on: database).filter(\.$id ~~ children).all()
        where child.status == PersonStatus.living.rawValue && (CivilDate(iso8601: child.birthDate).map { $0.age(on: today) < 18 } ?? false) {
            subjects.append(Subject(personID: try child.requireID().uuidString, name: child.fullName, isSelf: false))
        }
        if let type {
            for mandate in try await services.mandates(on: database).active(proxyID: own, service: type.rawValue)
            where !subjects.contains(where: { $0.personID == mandate.grantorID }) {
                guard let uuid = UUID(uuidString: mandate.grantorID), let grantor = try await PersonModel.find(uuid, on: database),
                      grantor.status == PersonStatus.living.rawValue else { continue }
                subjects.append(Subject(personID: mandate.grantorID, name: grantor.fullName, isSelf: false, mandateID: mandate.id))
            }
        }
        return subjects
    }

    // MARK: Issuing

    /// Writes, seals, registers and keeps a document of `type` about `personID` for the signed-in account, in
    /// `locale`; returns its id. Nothing is registered when any step fails.
    func request(_ type: IssuedDocumentType, personID: String, signIn: SignIn, locale: ServiceLocale) async throws -> String {
        guard signIn.level >= Self.requiredLevel else { throw DocumentIssuanceError(.documentLevel, "sign-in level \(signIn.level)") }
        let subjects = try await subjects(accountID: signIn.accountID, type: type)
        guard !subjects.isEmpty else { throw DocumentIssuanceError(.documentUnlinked, "the account has no registry person") }
        guard let subject = subjects.first(where: { $0.personID == personID }), let uuid = UUID(uuidString: personID),
              let person = try await PersonModel.find(uuid, on: database) else {
            throw DocumentIssuanceError(.documentNotEntitled, "not the account's person, a minor child of it or a mandate's grantor")
        }
        return try await issue(type, person: person, locale: locale, requestedBy: signIn.accountID,
                               context: AuditContext(actor: "account:" + signIn.accountID, purpose: .documentRequest),
                               note: subject.mandateID.map { "mandate " + $0 })
    }

    /// Writes, seals, registers and keeps a document of `type` about `person` in `locale`, requested by
    /// `requestedBy` (an account id, or `officer:<email>` at a service point); `note` ends the audit entry's detail
    /// (the mandate used, or that an officer assisted). Returns the id; nothing is registered when a step fails.
    func issue(_ type: IssuedDocumentType, person: PersonModel, locale: ServiceLocale, requestedBy: String, context: AuditContext,
               note: String?) async throws -> String {
        let personID = try person.requireID().uuidString
        let id = Self.newID()
        let now = clock.now
        let validUntil = now.addingTimeInterval(Double(type.validityDays) * 86_400)
        let pdf = try render(type, person: person, id: id, locale: locale, issued: now, validUntil: validUntil)
        let trust = services.trust
        let sealed = try await trust.authority(on: database).seal(
            pdf: pdf, timestamps: InstallationTimestampAuthority(trust: trust, database: database), level: .longTerm,
            revocation: InstallationRevocationSource(trust: trust, database: database),
            context: context)
        let digest = SHA256.hash(data: sealed).hexString
        let stored = try seal(sealed, id: id)
        typealias Documents = IssuedDocumentsTable
        let requester = requestedBy
        let detail = "\(type.rawValue) \(id)" + (note.map { " " + $0 } ?? "")
        try await database.retryingTransaction { db in
            try await db.sql.insert(into: Documents.table)
                .columns(Documents.id, Documents.type, Documents.personID, Documents.requestedBy, Documents.locale, Documents.sha256, Documents.pdfSealed,
                         Documents.issuedAt, Documents.validUntil, Documents.downloads, Documents.verifications)
                .values(SQLBind(id), SQLBind(type.rawValue), SQLBind(personID), SQLBind(requester), SQLBind(locale.description), SQLBind(digest),
                        SQLBind(stored), SQLBind(Int64(now.timeIntervalSince1970)), SQLBind(Int64(validUntil.timeIntervalSince1970)), SQLBind(0), SQLBind(0))
                .run()
            // The person's data tracker shows this read of their record: who asked, for what.
            try await services.audit.append([context.event(.documentIssue, .person, personID, detail: detail)], on: db)
        }
        return id
    }

    /// 128 random bits, base64url: what the QR code and `/d/{id}` carry; counting through ids finds nothing.
    static func newID() -> String {
        var generator = SystemRandomNumberGenerator()
        return Data((0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }).base64URLEncoded
    }

    /// Whether `text` could be a document id (22 base64url characters), before any database read.
    static func isWellFormed(_ text: String) -> Bool {
        text.utf8.count == 22 && text.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0) || $0 == 0x2D || $0 == 0x5F }
    }

    /// The verification address printed in the QR code.
    func verificationURL(_ id: String) -> String {
        services.configuration.publicURL.trimmingCharacters(in: ["/"]) + "/d/" + id
    }

    private func render(_ type: IssuedDocumentType, person: PersonModel, id: String, locale: ServiceLocale, issued: Date, validUntil: Date) throws -> [UInt8] {
        let language = locale.language
        func t(_ key: String, _ arguments: [String: String] = [:]) -> String { Translations.bundled.text(key, locale, arguments) }
        let cyrillic = locale.script == .cyrillic
        func name(_ latin: String, _ cyrillicForm: String?) -> String {
            cyrillic ? (cyrillicForm ?? Transliteration.serbianCyrillicText(latin)) : latin
        }
        func place(_ text: String) -> String { cyrillic ? Transliteration.serbianCyrillicText(text) : text }
        let catalogue = services.catalogue.current.catalogue
        let title = catalogue.service(type.rawValue)?.text(locale).name ?? type.rawValue
        let institution = catalogue.service(type.rawValue).map { locale.transliterated(catalogue.institutionName($0.institution, language: language)) } ?? ""
        let fullName = name(person.givenName, person.givenNameCyrillic) + " " + name(person.surname, person.surnameCyrillic)
        var rows: [[String]] = [
            [t("documents.pdf.given-name"), name(person.givenName, person.givenNameCyrillic)],
            [t("documents.pdf.surname"), name(person.surname, person.surnameCyrillic)],
            [t("documents.pdf.birth-date"), Self.date(person.birthDate)],
            [t("documents.pdf.birth-place"), place(person.birthPlace)],
            [t("documents.pdf.sex"), t("documents.pdf.sex." + person.sex)],
            [t("documents.pdf.identification-number"), person.identificationNumber],
        ]
        switch type {
        case .birthCertificate:
            // The citizen's own extract of the register of births carries the JMBG, as the register does.
            let jmbg = try services.protector.open(SealedValue(keyVersion: person.jmbgKeyVersion, combined: person.jmbgSealed), owner: try person.requireID().uuidString)
            rows.append([t("documents.pdf.jmbg"), jmbg.digits])
            rows.append([t("documents.pdf.citizenship"), person.citizenship])
        case .residenceCertificate:
            rows.append([t("documents.pdf.address"), place(person.address)])
            rows.append([t("documents.pdf.municipality"), place(person.municipality)])
        case .citizenshipCertificate:
            rows.append([t("documents.pdf.citizenship"), person.citizenship])
        }
        let issuedDay = CivilDate(issued, in: clock.timeZone).iso8601
        let validDay = CivilDate(validUntil, in: clock.timeZone).iso8601
        rows += [[t("documents.pdf.issued"), Self.date(issuedDay)], [t("documents.pdf.valid-until"), Self.date(validDay)], [t("documents.pdf.number"), id]]
        let url = verificationURL(id)
        guard let code = QRCode(text: url, errorCorrection: .medium) else { throw DocumentWriterError(.layout, "the address does not fit a QR code") }
        var configuration = PDFDocumentWriter.Configuration()
        configuration.title = title
        configuration.language = locale.description
        configuration.creationDate = issued
        configuration.pageNumberLabel = nil
        let writer = try PDFDocumentWriter.withSystemFonts(configuration: configuration)
        let blocks: [DocumentBlock] = [
            .paragraph(institution),
            .heading(title),
            .paragraph(t("documents.pdf.statement." + type.rawValue, ["name": fullName])),
            .table(DocumentTable(columnWidths: [0.4, 0.6], rows: rows, headerRowCount: 0)),
            .spacer(12),
            .qrCode(code, side: 110, caption: t("documents.pdf.verify", ["url": url])),
            .paragraph(t("documents.pdf.sealed", ["institution": institution]), fontSize: 9),
        ]
        return [UInt8](try writer.render(blocks).data)
    }

    /// `2026-12-04` as `04.12.2026.`, as the region writes dates.
    static func date(_ iso: String) -> String {
        let parts = iso.split(separator: "-")
        guard parts.count == 3 else { return iso }
        return "\(parts[2]).\(parts[1]).\(parts[0])."
    }

    // MARK: The register

    private var sealingKey: SymmetricKey { services.configuration.masterKey.derive(purpose: "issued-documents", version: 1) }

    private func seal(_ pdf: [UInt8], id: String) throws -> Data {
        try AES.GCM.seal(pdf, using: sealingKey, authenticating: Data("issued_documents/\(id)".utf8)).combined ?? Data()
    }

    private func open(_ sealed: Data, id: String) throws -> [UInt8] {
        [UInt8](try AES.GCM.open(AES.GCM.SealedBox(combined: sealed), using: sealingKey, authenticating: Data("issued_documents/\(id)".utf8)))
    }

    /// The register entry of `id`, or nil.
    func issued(_ id: String) async throws -> Issued? {
        guard Self.isWellFormed(id) else { return nil }
        typealias Documents = IssuedDocumentsTable
        guard let row = try await registerSelect().where(Documents.id, .equal, id).first() else { return nil }
        return try Self.issued(row)
    }

    /// The register's columns (everything but the PDF), for ``issued(_:)``.
    private func registerSelect() -> SQLSelectBuilder {
        typealias Documents = IssuedDocumentsTable
        return sql.select()
            .columns(Documents.id, Documents.type, Documents.personID, Documents.requestedBy, Documents.locale, Documents.sha256, Documents.issuedAt,
                     Documents.validUntil, Documents.revokedAt, Documents.downloads, Documents.verifications)
            .from(Documents.table)
    }

    private static func issued(_ row: any SQLRow) throws -> Issued? {
        typealias Documents = IssuedDocumentsTable
        guard let type = IssuedDocumentType(rawValue: try row.decode(column: Documents.type.name, as: String.self)) else { return nil }
        return Issued(id: try row.decode(column: Documents.id.name, as: String.self), type: type,
                      personID: try row.decode(column: Documents.personID.name, as: String.self),
                      requestedBy: try row.decode(column: Documents.requestedBy.name, as: String.self),
                      locale: try row.decode(column: Documents.locale.name, as: String.self),
                      sha256: try row.decode(column: Documents.sha256.name, as: String.self),
                      issuedAt: Date(timeIntervalSince1970: Double(try row.decode(column: Documents.issuedAt.name, as: Int64.self))),
                      validUntil: Date(timeIntervalSince1970: Double(try row.decode(column: Documents.validUntil.name, as: Int64.self))),
                      revokedAt: try row.decode(column: Documents.revokedAt.name, as: Int64?.self).map { Date(timeIntervalSince1970: Double($0)) },
                      downloads: try row.decode(column: Documents.downloads.name, as: Int.self),
                      verifications: try row.decode(column: Documents.verifications.name, as: Int.self))
    }

    /// The documents the account asked for, and those about its person, newest first.
    func documents(accountID: String) async throws -> [Issued] {
        typealias Documents = IssuedDocumentsTable
        let own = try await personID(ofAccount: accountID)
        var query = registerSelect()
        if let own {
            query = query.where { $0.where(SQLIdentifier(Documents.requestedBy.name), .equal, SQLBind(accountID))
                .orWhere(SQLIdentifier(Documents.personID.name), .equal, SQLBind(own)) }
        } else {
            query = query.where(Documents.requestedBy, .equal, accountID)
        }
        return try await query.orderBy(Documents.issuedAt.name, .descending).limit(500).all().compactMap(Self.issued)
    }

    /// The entry of `id` if the account may see it: it asked for it, or the document is about its person.
    func issued(_ id: String, accountID: String) async throws -> Issued {
        guard let issued = try await issued(id) else { throw DocumentIssuanceError(.documentNotFound, "no such document") }
        let own = try await personID(ofAccount: accountID)
        guard issued.requestedBy == accountID || issued.personID == own else {
            // The same answer as for an unknown id: another person's document is not confirmed to exist.
            throw DocumentIssuanceError(.documentNotFound, "no such document")
        }
        return issued
    }

    /// The sealed PDF, for the account that may see it; counted as a download.
    func download(_ id: String, accountID: String) async throws -> (Issued, [UInt8]) {
        try await download(try await issued(id, accountID: accountID))
    }

    /// The sealed PDF for the one who requested it (an officer at a service point prints what they issued); counted.
    func download(_ id: String, requestedBy: String) async throws -> (Issued, [UInt8]) {
        guard let issued = try await issued(id), issued.requestedBy == requestedBy else { throw DocumentIssuanceError(.documentNotFound, "no such document") }
        return try await download(issued)
    }

    private func download(_ issued: Issued) async throws -> (Issued, [UInt8]) {
        let id = issued.id
        typealias Documents = IssuedDocumentsTable
        guard let row = try await sql.select().column(Documents.pdfSealed).from(Documents.table).where(Documents.id, .equal, id).first() else {
            throw DocumentIssuanceError(.documentNotFound, "no such document")
        }
        let pdf = try open(try row.decode(column: Documents.pdfSealed.name, as: Data.self), id: id)
        try await sql.update(Documents.table).set(Documents.downloads, to: SQLRaw("\(Documents.downloads.name) + 1")).where(Documents.id, .equal, id).run()
        return (issued, pdf)
    }

    /// What the public verification page shows: the entry and the holder's name (nothing more); counted.
    func verify(_ id: String) async throws -> (Issued, String)? {
        guard let issued = try await issued(id), let uuid = UUID(uuidString: issued.personID),
              let person = try await PersonModel.find(uuid, on: database) else { return nil }
        typealias Documents = IssuedDocumentsTable
        try await sql.update(Documents.table).set(Documents.verifications, to: SQLRaw("\(Documents.verifications.name) + 1")).where(Documents.id, .equal, id).run()
        return (issued, person.fullName)
    }

    /// Revokes `id` (an officer's act); its verification page then says so.
    func revoke(_ id: String, reason: String, context: AuditContext) async throws -> Issued {
        guard try await issued(id) != nil else { throw DocumentIssuanceError(.documentNotFound, "no such document") }
        typealias Documents = IssuedDocumentsTable
        let now = Int64(clock.now.timeIntervalSince1970)
        let reason = String(reason.prefix(200))
        try await database.retryingTransaction { db in
            guard let row = try await db.sql.select().column(Documents.revokedAt).from(Documents.table).where(Documents.id, .equal, id).first(),
                  try row.decode(column: Documents.revokedAt.name, as: Int64?.self) == nil else {
                throw DocumentIssuanceError(.documentRevoked, "already revoked")
            }
            try await db.sql.update(Documents.table).set(Documents.revokedAt, to: SQLBind(now)).set(Documents.revokedReason, to: SQLBind(reason))
                .where(Documents.id, .equal, id).run()
            try await services.audit.append([context.event(.documentRevoke, .document, id, detail: reason)], on: db)
        }
        return try await issued(id)!
    }

    // MARK: Parent links

    /// Records that `parentID` is a parent of `childID` (both registry persons); idempotent.
    func linkParent(child childID: UUID, parent parentID: UUID, source: String, context: AuditContext) async throws {
        try await Self.linkParent(child: childID, parent: parentID, source: source, context: context, audit: services.audit, clock: clock, on: database)
    }

    static func linkParent(child childID: UUID, parent parentID: UUID, source: String, context: AuditContext, audit: AuditLog, clock: any WallClock,
                           on database: any Database) async throws {
        guard childID != parentID else { throw RegistryError.invalidRegistration }
        typealias Parents = PersonParentsTable
        let key = childID.uuidString + "/" + parentID.uuidString
        guard try await database.sql.select().column(Parents.id).from(Parents.table).where(Parents.id, .equal, key).first() == nil else { return }
        guard try await PersonModel.find(childID, on: database) != nil, try await PersonModel.find(parentID, on: database) != nil else {
            throw RegistryError.notFound
        }
        try await database.sql.insert(into: Parents.table).columns(Parents.id, Parents.childID, Parents.parentID, Parents.source, Parents.createdAt)
            .values(SQLBind(key), SQLBind(childID.uuidString), SQLBind(parentID.uuidString), SQLBind(source), SQLBind(Int64(clock.now.timeIntervalSince1970)))
            .run()
        try await audit.append([context.event(.personParentLink, .person, childID.uuidString, detail: "parent \(parentID.uuidString) (\(source))")], on: database)
    }
}

extension LicnaServices {
    /// Documents on request on a database.
    func documents(on database: any Database) -> DocumentIssuanceService {
        DocumentIssuanceService(database: database, services: self)
    }
}
