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
            resynchronize()
            return .noPreciseDiagnosis
        }
        image = changed
        return .success
    }

    /// After a failed write the file may hold the new state anyway (the rename happened, the folder's fsync
    /// failed): the card takes whatever the file holds, so that memory never has a try the file has spent.
    private mutating func resynchronize() {
        if let store, let stored = try? store.read() { image = stored }
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
            image.secrets = secrets
            resynchronize()
            return .noPreciseDiagnosis
        }
        image.secrets = secrets
        return status
    }
}
