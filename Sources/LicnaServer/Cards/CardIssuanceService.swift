import Crypto
import Fluent
import Foundation
import LicnaAPI
import LicnaBasics
import LicnaCore
import LicnaDocuments
import LicnaPKI
import SQLKit

/// Card issuance (docs/card.md, "Life of a card"): applications with the contract, approval, the plan and record of
/// a personalization, delivery, activation, suspension, replacement, revocation and the statistics. Every change is
/// one transaction with its audit entry; the certificates' status changes run in the same transaction.
public struct CardIssuanceService: Sendable {
    let database: any Database
    let services: LicnaServices

    init(database: any Database, services: LicnaServices) {
        self.database = database
        self.services = services
    }

    var clock: any WallClock { services.configuration.clock }
    var configuration: CardIssuanceConfiguration { services.configuration.cards }
    var audit: AuditLog { services.audit }
    var nowSeconds: Int64 { Int64(clock.now.timeIntervalSince1970) }

    func authority(on database: any Database) -> CertificateAuthorityService { services.trust.authority(on: database) }

    /// The largest photo accepted (a passport-style JPEG is 20–200 KB).
    static let maximumPhotoBytes = 2 << 20

    // MARK: Applications

    /// An application for the living person with this identification number. The officer confirms that the citizen
    /// accepted the contract in `language` (its version, the time, the officer and the text's SHA-256 are recorded).
    /// A person has one application or card in use at a time: a lost or broken card is replaced (`replace`).
    /// `identityDocument` is the type of the document the citizen identified with at the counter (the card policy's
    /// `documentTypes`): a type the policy does not know, or whose acceptance ended (Montenegro's old ID cards after
    /// 30 March 2023), is refused.
    public func apply(identificationNumber: String, photo: [UInt8]?, fingerprints: [UInt8]? = nil, language: String,
                      contractAccepted: Bool, identityDocument: String? = nil, context: AuditContext) async throws -> CardView {
        guard contractAccepted else { throw CardIssuanceError(.cardContractNotAccepted) }
        if let identityDocument {
            let policy = try await authority(on: database).cardPolicy()
            switch policy.acceptance(of: DocumentType.ID(rawValue: identityDocument), on: clock.today) {
            case .accepted: break
            case .ended(let day): throw CardIssuanceError(.cardDocumentNotAccepted, ["type": String(identityDocument.prefix(40)), "date": day.iso8601])
            case .unknownType: throw CardIssuanceError(.cardUnknownDocumentType, ["type": String(identityDocument.prefix(40)),
                                                                                 "types": policy.documentTypes.map(\.id.rawValue).joined(separator: ", ")])
            }
        }
        guard (try? IdentificationNumber(identificationNumber)) != nil else { throw CardIssuanceError(.cardUnknownPerson) }
        if let photo { try Self.checkPhoto(photo) }
        let contract = CardContract(language: language)
        return try await database.retryingTransaction { db in
            guard let person = try await PersonModel.query(on: db).filter(\.$identificationNumber == identificationNumber).first(),
                  person.status == PersonStatus.living.rawValue, let personID = person.id?.uuidString else {
                throw CardIssuanceError(.cardUnknownPerson)
            }
            try await Self.requireNoCardInUse(personID: personID, on: db)
            let model = try self.newApplication(person: person, personID: personID, contract: contract, officer: context.actor)
            if let photo { model.photoSealed = try self.seal(photo, application: model.id!, purpose: "photo") }
            if let fingerprints { model.fingerprintsSealed = try self.seal(fingerprints, application: model.id!, purpose: "fingerprints") }
            do { try await model.create(on: db) } catch let error as any DatabaseError where error.isConstraintFailure {
                throw CardIssuanceError(.cardOpenApplication, ["id": "-", "state": "-"])  // another officer's application won the race
            }
            try await self.audit.append([context.event(.cardApply, .cardApplication, model.id,
                                                       detail: "contract \(contract.version) sha256:\(contract.sha256) (\(contract.language))"
                                                           + (identityDocument.map { ", identified with \($0)" } ?? ""))], on: db)
            return Self.view(model)
        }
    }

    func newApplication(person: PersonModel, personID: String, contract: CardContract, officer: String) throws -> CardApplicationModel {
        let model = CardApplicationModel()
        model.id = UUID().uuidString.lowercased()
        model.personID = personID
        model.identificationNumber = person.identificationNumber
        model.municipality = person.municipality
        model.language = contract.language
        model.state = .submitted
        model.contractVersion = contract.version
        model.contractSHA256 = contract.sha256
        model.contractAcceptedAt = nowSeconds
        model.contractOfficer = officer
        model.submittedAt = nowSeconds
        model.stateChangedAt = nowSeconds
        model.suspensionFailures = 0
        return model
    }

    static func requireNoCardInUse(personID: String, on db: any Database) async throws {
        let open = try await CardApplicationModel.query(on: db).filter(\.$personID == personID).all()
            .filter { !$0.state.isFinal }
        if let existing = open.first {
            throw CardIssuanceError(.cardOpenApplication, ["id": existing.id ?? "", "state": existing.stateText])
        }
    }

    static func checkPhoto(_ photo: [UInt8]) throws {
        guard photo.count <= maximumPhotoBytes else {
            throw CardIssuanceError(.cardPhoto, ["detail": "\(photo.count) bytes; at most \(maximumPhotoBytes)"])
        }
        do { _ = try JPEGImage(bytes: photo) } catch {
            throw CardIssuanceError(.cardPhoto, ["detail": "not a baseline or progressive JPEG image"])
        }
    }

    /// An officer approves a submitted application.
    public func approve(id: String, context: AuditContext) async throws -> CardView {
        try await transition(id: id, to: .approved, action: .cardApprove, context: context) { model, now in model.approvedAt = now }
    }

    /// The personalized card was handed to its holder: it now waits for activation. The fingerprint images are
    /// deleted unless the country's law keeps them (the card policy's `keepFingerprints`, or
    /// `CardIssuanceConfiguration.keepFingerprints` for this server).
    public func deliver(cardNumber: String, context: AuditContext) async throws -> CardView {
        let keep = try await authority(on: database).cardPolicy().keepFingerprints || configuration.keepFingerprints
        return try await database.retryingTransaction { db in
            let model = try await Self.card(number: cardNumber, on: db)
            try self.move(model, to: .delivered)
            model.deliveredAt = self.nowSeconds
            var events = [context.event(.cardDeliver, .cardApplication, model.id, detail: "card \(cardNumber)")]
            if !keep, model.fingerprintsSealed != nil {
                model.fingerprintsSealed = nil
                events.append(context.event(.cardBiometricsDeleted, .cardApplication, model.id))
            }
            try await model.save(on: db)
            try await self.audit.append(events, on: db)
            return Self.view(model)
        }
    }

    /// Moves an application through `transition`, with its audit entry, in one transaction.
    func transition(id: String, to state: CardState, action: AuditAction, context: AuditContext,
                    _ update: @escaping @Sendable (CardApplicationModel, Int64) -> Void = { _, _ in }) async throws -> CardView {
        try await database.retryingTransaction { db in
            guard let model = try await CardApplicationModel.find(id, on: db) else { throw CardIssuanceError(.cardUnknownApplication, ["id": id]) }
            try self.move(model, to: state)
            update(model, self.nowSeconds)
            try await model.save(on: db)
            try await self.audit.append([context.event(action, .cardApplication, id)], on: db)
            return Self.view(model)
        }
    }

    /// Changes the state, or says why the workflow does not allow it.
    func move(_ model: CardApplicationModel, to state: CardState) throws {
        guard model.state.allows(state) else {
            throw CardIssuanceError.wrongState(model.state, needs: CardState.allCases.filter { $0.allows(state) })
        }
        model.state = state
        model.stateChangedAt = nowSeconds
    }

    static func card(number: String, on db: any Database) async throws -> CardApplicationModel {
        guard let model = try await CardApplicationModel.query(on: db).filter(\.$cardNumber == number).first() else {
            throw CardIssuanceError(.cardUnknownCard, ["card": String(number.prefix(20))])
        }
        return model
    }

    /// Applications, newest first, optionally in one state.
    public func list(state: CardState? = nil, limit: Int = 1000) async throws -> [CardView] {
        var query = CardApplicationModel.query(on: database)
        if let state { query = query.filter(\.$stateText == state.rawValue) }
        return try await query.sort(\.$submittedAt, .descending).limit(limit).all().map(Self.view)
    }

    /// One application, by its id or its card's number.
    public func find(_ idOrCardNumber: String) async throws -> CardView {
        if let model = try await CardApplicationModel.find(idOrCardNumber, on: database) { return Self.view(model) }
        return Self.view(try await Self.card(number: idOrCardNumber, on: database))
    }

    static func view(_ model: CardApplicationModel) -> CardView {
        func date(_ seconds: Int64?) -> Date? { seconds.map { Date(timeIntervalSince1970: Double($0)) } }
        return CardView(id: model.id ?? "", identificationNumber: model.identificationNumber, state: model.stateText,
                        cardNumber: model.cardNumber, cardExpires: model.cardExpires, authenticationSerial: model.authenticationSerial,
                        signatureSerial: model.signatureSerial, municipality: model.municipality, contractVersion: model.contractVersion,
                        contractSHA256: model.contractSHA256, submittedAt: Date(timeIntervalSince1970: Double(model.submittedAt)),
                        personalizedAt: date(model.personalizedAt), deliveredAt: date(model.deliveredAt),
                        activatedAt: date(model.activatedAt), replaces: model.replaces, replacementReason: model.replacementReason,
                        closedReason: model.closedReason)
    }

    // MARK: Replacement and revocation

    /// Replaces a card: its certificates are revoked (keyCompromise for a lost or stolen card, superseded otherwise),
    /// it is marked replaced with the reason, and a new application for the same person is opened, pre-filled with
    /// the old one's photo and contract acceptance, waiting for approval.
    public func replace(cardNumber: String, reason: CardReplacementReason, context: AuditContext) async throws -> CardView {
        try await database.retryingTransaction { db in
            let old = try await Self.card(number: cardNumber, on: db)
            guard !old.state.isFinal else { throw CardIssuanceError.wrongState(old.state, needs: CardState.allCases.filter { !$0.isFinal }) }
            let revocation: RevocationReason = [.lost, .stolen].contains(reason) ? .keyCompromise : .superseded
            try await self.revokeCertificates(of: old, reason: revocation, context: context, on: db)
            try self.move(old, to: .replaced)
            old.replacementReason = reason.rawValue
            old.closedReason = "replaced"
            try await old.save(on: db)
            let new = CardApplicationModel()
            new.id = UUID().uuidString.lowercased()
            new.personID = old.personID
            new.identificationNumber = old.identificationNumber
            new.municipality = old.municipality
            new.language = old.language
            new.state = .submitted
            new.contractVersion = old.contractVersion
            new.contractSHA256 = old.contractSHA256
            new.contractAcceptedAt = old.contractAcceptedAt
            new.contractOfficer = old.contractOfficer
            new.replaces = old.id
            new.submittedAt = self.nowSeconds
            new.stateChangedAt = self.nowSeconds
            new.suspensionFailures = 0
            if let sealed = old.photoSealed, let photo = try? self.open(sealed, application: old.id!, purpose: "photo") {
                new.photoSealed = try self.seal(photo, application: new.id!, purpose: "photo")
            }
            try await new.create(on: db)
            try await self.audit.append([context.event(.cardReplace, .cardApplication, old.id, detail: "card \(cardNumber), \(reason.rawValue); new application \(new.id!)")], on: db)
            return Self.view(new)
        }
    }

    /// An officer revokes a card for good (its certificates revoked with `reason`).
    public func revoke(cardNumber: String, reason: RevocationReason = .privilegeWithdrawn, context: AuditContext) async throws -> CardView {
        try await database.retryingTransaction { db in
            let model = try await Self.card(number: cardNumber, on: db)
            try self.move(model, to: .revoked)
            try await self.revokeCertificates(of: model, reason: reason, context: context, on: db)
            model.closedReason = "officer"
            try await model.save(on: db)
            try await self.audit.append([context.event(.cardRevoke, .cardApplication, model.id, detail: "card \(cardNumber)")], on: db)
            return Self.view(model)
        }
    }

    /// Revokes every certificate of the card not revoked yet, inside the caller's transaction.
    func revokeCertificates(of model: CardApplicationModel, reason: RevocationReason, invalidity: Date? = nil,
                            context: AuditContext, on db: any Database) async throws {
        let authority = authority(on: db)
        for serial in model.certificateSerials {
            do {
                _ = try await authority.change(serial: CertificateSerial(rawValue: serial), .revoke(reason, invalidityDate: invalidity), context: context)
            } catch let error as TrustError where error.code == .caAlreadyRevoked {
                continue
            }
        }
    }

    /// Puts the card's good certificates on hold, or releases its held ones, inside the caller's transaction.
    func setHold(_ hold: Bool, of model: CardApplicationModel, context: AuditContext, on db: any Database) async throws {
        let authority = authority(on: db)
        for serial in model.certificateSerials {
            do {
                _ = try await authority.change(serial: CertificateSerial(rawValue: serial), hold ? .hold : .release, context: context)
            } catch let error as TrustError where [.caAlreadyOnHold, .caNotOnHold].contains(error.code) {
                continue  // already as wanted
            }
        }
    }

    // MARK: Sealing

    func seal(_ bytes: [UInt8], application: String, purpose: String) throws -> Data {
        let key = services.configuration.masterKey.derive(purpose: "card-biometrics", version: 1)
        let box = try AES.GCM.seal(bytes, using: key, authenticating: Data("\(CardApplicationsTable.table.name)/\(application)/\(purpose)".utf8))
        guard let combined = box.combined else { throw CardIssuanceError.invalid("sealing failed") }
        return combined
    }

    func open(_ sealed: Data, application: String, purpose: String) throws -> [UInt8] {
        let key = services.configuration.masterKey.derive(purpose: "card-biometrics", version: 1)
        return Array(try AES.GCM.open(AES.GCM.SealedBox(combined: sealed), using: key,
                                      authenticating: Data("\(CardApplicationsTable.table.name)/\(application)/\(purpose)".utf8)))
    }

    /// The keyed hash the server keeps of a suspension code (HMAC-SHA256 under a key derived from the master key):
    /// a copy of the database without the master key gives no way to test codes offline.
    func suspensionCodeHash(_ code: SuspensionCode, cardNumber: String) -> String {
        Array(HMAC<SHA256>.authenticationCode(for: Self.suspensionCodeMessage(code, cardNumber), using: suspensionCodeKey)).hexString
    }

    /// Whether `code` is the card's code: its MAC checked against the stored one by CryptoKit's constant-time comparison.
    func suspensionCode(_ code: SuspensionCode, cardNumber: String, matches stored: String?) -> Bool {
        guard let stored, let mac = ASCIIHex.decode(stored) else { return false }
        return HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: Self.suspensionCodeMessage(code, cardNumber), using: suspensionCodeKey)
    }

    private var suspensionCodeKey: SymmetricKey { services.configuration.masterKey.derive(purpose: "card-suspension-codes", version: 1) }

    private static func suspensionCodeMessage(_ code: SuspensionCode, _ cardNumber: String) -> Data { Data("\(cardNumber)/\(code.canonical)".utf8) }
}

/// What card issuance is configured with (`LicnaConfiguration.cards`).
public struct CardIssuanceConfiguration: Sendable {
    /// How long certificates of a card never activated stay on hold before they are revoked (cessationOfOperation).
    public var activationWindow: TimeInterval = 365 * 86_400
    /// Whether fingerprint images stay after delivery (a law may require it); by default they are deleted.
    public var keepFingerprints = false
    /// The version of the master secret that card management keys are derived from (recorded per card).
    public var managementKeyVersion = 1

    public init() {}
}
