/// What an application works on: the card image, the session, and the store that makes a change durable.
/// A change reaches `image` only after the store has written it, so a failed write leaves the card as it was.
///
/// Except in personalization: there changes stay in memory and are written together when the card is activated or
/// released (`flush`). Personalization is then all or nothing on disk — a station that fails half-way leaves the
/// card as it was last written, still in personalization under its transport key — and costs one durable write
/// instead of one per command. Nothing a holder relies on is at stake before ACTIVATE: the PIN's tries protect
/// nothing while the transport key can set it.
public struct CardContext: Sendable {
    public private(set) var image: CardImage
    public var session = CardSession()
    let store: CardImageStore?
    /// Whether `image` holds personalization changes not written yet.
    public private(set) var unwritten = false

    public init(image: CardImage, store: CardImageStore?) {
        self.image = image
        self.store = store
    }

    /// Writes a changed image durably, then adopts it. On a failed write nothing changes and the card answers
    /// `6F 00`.
    mutating func commit(_ change: (inout CardImage) -> Void) -> StatusWord {
        var changed = image
        change(&changed)
        if deferring, changed.lifeCycle == .personalization {
            image = changed
            unwritten = true
            return .success
        }
        do {
            try store?.write(changed)
        } catch {
            resynchronize()
            return .noPreciseDiagnosis
        }
        image = changed
        unwritten = false
        return .success
    }

    /// Writes are deferred while a stored card is in personalization.
    private var deferring: Bool { store != nil && image.lifeCycle == .personalization }

    /// Writes the personalization changes kept in memory, if any.
    public mutating func flush() throws {
        guard unwritten, let store else { return }
        try store.write(image)
        unwritten = false
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
        let store = deferring ? nil : store
        if deferring { unwritten = true }
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
