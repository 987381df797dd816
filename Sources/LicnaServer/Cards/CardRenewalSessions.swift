import Foundation
import LicnaCardClient

/// Renewals in progress, in this process's memory (docs/card.md "Renewal"): each lives five minutes from its start.
/// A session is taken out while one answer is processed, so that two requests never run the same step; a card has
/// at most one session, the newest. Several servers behind one address need sticky sessions for renewal.
actor CardRenewalSessions {
    struct Session: Sendable {
        let id: String
        let applicationID: String
        let cardNumber: String
        let chip: (model: String, serial: String)
        var script: CardRenewalScript
        let expiresAt: Date
        /// Serials of certificates issued (on hold) for this session's keys, revoked if it never finishes.
        var issued: [String] = []
        /// The issuing CA's certificate (PEM) of the new certificates.
        var issuer: String?
    }

    static let lifetime: TimeInterval = 300
    /// Renewals at once, all cards together: a bound on memory, far above what citizens renew per five minutes.
    static let capacity = 10_000

    private var sessions: [String: Session] = [:]
    private var byCard: [String: String] = [:]

    /// Stores a new session for its card; returns the sessions it displaced or that expired (their held certificates
    /// are for the caller to revoke). Refuses when full.
    func open(_ session: Session, now: Date) -> (accepted: Bool, abandoned: [Session]) {
        var abandoned = expire(now: now)
        if let previous = byCard[session.cardNumber], let old = sessions.removeValue(forKey: previous) { abandoned.append(old) }
        guard sessions.count < Self.capacity else { return (false, abandoned) }
        sessions[session.id] = session
        byCard[session.cardNumber] = session.id
        return (true, abandoned)
    }

    /// Takes the session out to process one answer: live, or expired (for the caller to revoke what it issued).
    func take(_ id: String, now: Date) -> (live: Session?, expired: Session?) {
        guard let session = sessions.removeValue(forKey: id) else { return (nil, nil) }
        if byCard[session.cardNumber] == id { byCard[session.cardNumber] = nil }
        return session.expiresAt > now ? (session, nil) : (nil, session)
    }

    /// Puts a session back after a step, unless a newer one for the card was opened meanwhile.
    func put(_ session: Session) -> Bool {
        guard byCard[session.cardNumber] == nil else { return false }
        sessions[session.id] = session
        byCard[session.cardNumber] = session.id
        return true
    }

    /// Removes and returns the expired sessions.
    func expire(now: Date) -> [Session] {
        let expired = sessions.values.filter { $0.expiresAt <= now }
        for session in expired {
            sessions[session.id] = nil
            if byCard[session.cardNumber] == session.id { byCard[session.cardNumber] = nil }
        }
        return expired
    }
}
