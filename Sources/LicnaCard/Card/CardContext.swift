/// What an application works on: the card image, the session, and the store that makes a change durable.
/// A change reaches `image` only after the store has written it, so a failed write leaves the card as it was.
public struct CardContext: Sendable {
    public private(set) var image: CardImage
    public var session = CardSession()
    let store: CardImageStore?

    public init(image: CardImage, store: CardImageStore?) {
        self.image = image
        self.store = store
    }

    /// Writes a changed image durably, then adopts it. On a failed write nothing changes and the card answers
    /// `6F 00`.
    mutating func commit(_ change: (inout CardImage) -> Void) -> StatusWord {
        var changed = image
        change(&changed)
        do {
            try store?.write(changed)
        } catch {
            return .noPreciseDiagnosis
        }
        image = changed
        return .success
    }

    /// Runs a PIN/PUK/CAN operation whose every step is persisted before the card acts on it (`PINStore`). If a
    /// write fails the operation stops there with `6F 00`, and the secrets stay as last persisted.
    mutating func withSecrets(_ operation: (inout PINStore, (PINStore) throws -> Void) throws -> StatusWord) -> StatusWord {
        var secrets = image.secrets
        let base = image
        let store = store
        let status: StatusWord
        do {
            status = try operation(&secrets) { candidate in
                var written = base
                written.secrets = candidate
                try store?.write(written)
            }
        } catch {
            status = .noPreciseDiagnosis
        }
        image.secrets = secrets
        return status
    }
}
