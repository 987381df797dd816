import Crypto
import Fluent
import Foundation
import LicnaAPI
import LicnaBasics
import LicnaCore

extension CardIssuanceService {
    /// Wrong codes for one card that cost nothing; after them each wrong code doubles the wait for the next, from one
    /// minute up to an hour. With 50 bits per code that leaves an attacker about 24 tries a day per card, and the
    /// holder is never locked out for longer than an hour.
    static let freeSuspensionFailures = 3

    static func suspensionDelay(afterFailures count: Int) -> TimeInterval {
        guard count > freeSuspensionFailures else { return 0 }
        return min(3_600, 60 * pow(2, Double(min(count - freeSuspensionFailures - 1, 10))))
    }

    /// Suspends a lost card with the code from its envelope (the public page and `licna-card suspend`, 24 hours a
    /// day): its certificates go on hold. Wrong codes are throttled per card (stored, so restarts forget nothing)
    /// and per client (`client` is checked by the caller through the server's throttle); an unknown card number
    /// gets the same answer as a wrong code. Every attempt is audited.
    public func suspend(cardNumber: String, code: String, context: AuditContext) async throws -> CardView {
        let number = String(cardNumber.trimmingCharacters(in: .whitespaces).uppercased().prefix(20))
        let parsed = SuspensionCode(code)
        enum Outcome: Sendable { case suspended(CardView), refused, throttled(Int) }
        let outcome: Outcome = try await database.retryingTransaction { db in
            guard let model = try await CardApplicationModel.query(on: db).filter(\.$cardNumber == number).first() else {
                return .refused
            }
            let now = self.nowSeconds
            if let next = model.suspensionNextAttempt, next > now { return .throttled(Int(next - now)) }
            let matches = parsed.map { self.suspensionCode($0, cardNumber: number, matches: model.suspensionCodeHash) } ?? false
            guard matches else {
                model.suspensionFailures += 1
                let delay = Self.suspensionDelay(afterFailures: model.suspensionFailures)
                model.suspensionNextAttempt = delay > 0 ? now + Int64(delay) : nil
                try await model.save(on: db)
                try await self.audit.append([context.event(.cardSuspensionRefused, .cardApplication, model.id,
                                                           detail: "wrong code \(model.suspensionFailures) in a row")], on: db)
                return .refused
            }
            model.suspensionFailures = 0
            model.suspensionNextAttempt = nil
            if model.state == .suspended {
                try await model.save(on: db)
                return .suspended(Self.view(model))
            }
            try self.move(model, to: .suspended)
            try await self.setHold(true, of: model, context: context, on: db)
            try await model.save(on: db)
            try await self.audit.append([context.event(.cardSuspend, .cardApplication, model.id, detail: "card \(number), with the envelope's code")], on: db)
            return .suspended(Self.view(model))
        }
        switch outcome {
        case .suspended(let view): return view
        case .refused: throw CardIssuanceError(.cardSuspensionRefused)
        case .throttled(let seconds): throw CardIssuanceError(.cardThrottled, ["seconds": String(seconds)])
        }
    }

    /// An officer suspends a card (the holder called, or the card was found): its certificates go on hold.
    public func suspend(cardNumber: String, context: AuditContext) async throws -> CardView {
        try await database.retryingTransaction { db in
            let model = try await Self.card(number: cardNumber, on: db)
            try self.move(model, to: .suspended)
            try await self.setHold(true, of: model, context: context, on: db)
            try await model.save(on: db)
            try await self.audit.append([context.event(.cardSuspend, .cardApplication, model.id, detail: "card \(cardNumber), by an officer")], on: db)
            return Self.view(model)
        }
    }
}
