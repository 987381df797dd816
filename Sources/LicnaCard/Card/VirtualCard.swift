import Crypto
import Synchronization

/// The Licna eID card in software: the card OS with the PIV, eMRTD and identity applications over a card image,
/// behind the ISO 7816-4 transport. One command at a time, like a real card; every change is durable before the
/// card answers.
///
/// A virtual card is for development, tests and pilots: whoever holds its image file holds its keys, so it is
/// never a qualified signature-creation device.
public final class VirtualCard: SmartCard {
    /// `3B 88 80 01` + "LICNA001" + TCK: direct convention, T=1 only, 8 historical bytes (ISO/IEC 7816-3 §8.2).
    public static let answerToReset: [UInt8] = {
        let body: [UInt8] = [0x88, 0x80, 0x01] + Array("LICNA001".utf8)
        return [0x3B] + body + [body.reduce(0, ^)]
    }()

    /// The applications every Licna card carries, in SELECT order.
    public static let applications: [any CardApplication] = [PIVApplication(), EMRTDApplication(), IdentityApplication()]

    private struct State {
        var os: CardOS
        var transport = APDUTransport()
    }

    private let state: Mutex<State>
    public let store: CardImageStore?

    public var atr: [UInt8] { Self.answerToReset }

    public init(image: CardImage, store: CardImageStore?) {
        self.store = store
        state = Mutex(State(os: CardOS(applications: Self.applications, context: CardContext(image: image, store: store))))
    }

    /// Opens the card image at `path` (locked while this object lives).
    public convenience init(contentsOf path: String) throws {
        let store = try CardImageStore(path: path)
        self.init(image: try store.read(), store: store)
    }

    /// Makes a blank card in the personalization state at `path`, with a random AES-256 transport key, which is
    /// returned (the caller hands it to the personalization bureau; it is not kept anywhere else).
    public static func create(at path: String, configure: (inout CardImage) -> Void = { _ in }) throws -> (card: VirtualCard, transportKey: [UInt8]) {
        let key = SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }
        var image = CardImage(transportKey: key)
        configure(&image)
        let store = try CardImageStore.create(path: path, image: image)
        return (VirtualCard(image: image, store: store), key)
    }

    /// A blank card that lives in memory only (tests and the fuzzer).
    public static func inMemory(transportKey: [UInt8] = [UInt8](repeating: 0x01, count: 32)) -> VirtualCard {
        VirtualCard(image: CardImage(transportKey: transportKey), store: nil)
    }

    /// The card's state now (for tests and `licna card` diagnostics; never sent over a reader).
    public var image: CardImage { state.withLock { $0.os.image } }

    public func reset() {
        state.withLock {
            try? $0.os.flush()
            $0.os.reset()
            $0.transport = APDUTransport()
        }
    }

    /// Writes what personalization kept in memory (changes in the personalization state are written together at
    /// ACTIVATE, at a reset, or here; `CardContext`).
    public func flush() throws {
        try state.withLock { try $0.os.flush() }
    }

    deinit {
        try? state.withLock { try $0.os.flush() }
    }

    public func powerOff() {
        reset()
    }

    public func transmit(_ command: [UInt8]) -> [UInt8] {
        state.withLock { state in
            var os = state.os
            let response = state.transport.receive(command) { os.handle($0) }
            state.os = os
            return response
        }
    }
}
