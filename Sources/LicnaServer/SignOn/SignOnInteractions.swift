import Foundation
import LicnaBasics
import LicnaIdentityProvider

/// Sign-ins in progress at the provider's pages (node-oidc-provider's "interactions"): the checked authorization
/// request, a CSRF token for the page's forms, and once the person has signed in, how. Each lives ten minutes, in this
/// process; its id is also a cookie of the browser that started it, so that another browser cannot finish it.
actor SignOnInteractions {
    struct Interaction: Sendable {
        var request: AuthorizationRequest
        var csrf: String
        var signIn: SignIn?
        /// The password was right and the account has an authenticator: its code is still to come.
        var awaitingSecondFactor = false
        var expiresAt: Date
    }

    static let lifetime: TimeInterval = 600
    static let capacity = 50_000
    private var interactions: [String: Interaction] = [:]

    /// Starts an interaction; returns its id.
    func start(_ request: AuthorizationRequest, now: Date) -> String {
        if interactions.count >= Self.capacity { interactions = interactions.filter { $0.value.expiresAt > now } }
        if interactions.count >= Self.capacity, let oldest = interactions.min(by: { $0.value.expiresAt < $1.value.expiresAt })?.key {
            interactions[oldest] = nil
        }
        let id = Self.random()
        interactions[id] = Interaction(request: request, csrf: Self.random(), signIn: nil, expiresAt: now.addingTimeInterval(Self.lifetime))
        return id
    }

    func interaction(_ id: String, now: Date) -> Interaction? {
        guard let interaction = interactions[id] else { return nil }
        guard interaction.expiresAt > now else {
            interactions[id] = nil
            return nil
        }
        return interaction
    }

    /// Records the sign-in and moves the interaction to a new id (a new session identifier after sign-in).
    func signedIn(_ id: String, _ signIn: SignIn, awaitingSecondFactor: Bool = false, now: Date) -> String? {
        guard var interaction = self.interaction(id, now: now) else { return nil }
        interactions[id] = nil
        interaction.signIn = signIn
        interaction.awaitingSecondFactor = awaitingSecondFactor
        interaction.csrf = Self.random()
        let newID = Self.random()
        interactions[newID] = interaction
        return newID
    }

    /// Ends the interaction (after its redirect), returning it once.
    func finish(_ id: String, now: Date) -> Interaction? {
        guard let interaction = self.interaction(id, now: now) else { return nil }
        interactions[id] = nil
        return interaction
    }

    static func random() -> String {
        var bytes = [UInt8](repeating: 0, count: 32)
        var generator = SystemRandomNumberGenerator()
        for index in bytes.indices { bytes[index] = UInt8.random(in: .min ... .max, using: &generator) }
        return Data(bytes).base64URLEncoded
    }
}
