import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The card image on disk: JSON in a `DurableFile` (mode 0600, replaced atomically), and an exclusive lock held
/// while a process uses the card, as a real card sits in one reader at a time.
public final class CardImageStore: Sendable {
    public let file: DurableFile
    private let lockDescriptor: Int32

    /// Why a card image cannot be used.
    public enum Failure: Error, CustomStringConvertible, Sendable {
        case missing(String)
        case inUse(String)
        case unreadable(String, String)
        case newerFormat(String, Int)
        case exists(String)

        public var description: String {
            switch self {
            case .missing(let path): "There is no card image at \(path). Make one with `licna card create --out \(path)`."
            case .inUse(let path): "The card \(path) is in use by another process (a reader or a command). Stop that process first."
            case .unreadable(let path, let reason): "The card image \(path) cannot be read (\(reason)). Restore it from a copy or make a new card."
            case .newerFormat(let path, let format): "The card image \(path) has format \(format), newer than this program understands. Update licna."
            case .exists(let path): "\(path) already exists. Choose another file name; a card image is never overwritten."
            }
        }
    }

    /// Opens an existing image and locks it.
    public init(path: String) throws {
        file = DurableFile(path: path)
        lockDescriptor = try Self.lock(path)
    }

    private init(path: String, lockDescriptor: Int32) {
        file = DurableFile(path: path)
        self.lockDescriptor = lockDescriptor
    }

    /// Creates the image file for a new card; refuses to overwrite.
    public static func create(path: String, image: CardImage) throws -> CardImageStore {
        if FileManager.default.fileExists(atPath: path) { throw Failure.exists(path) }
        let store = CardImageStore(path: path, lockDescriptor: try lock(path))
        try store.write(image)
        return store
    }

    deinit {
        flock(lockDescriptor, LOCK_UN)
        close(lockDescriptor)
    }

    public func read() throws -> CardImage {
        guard let bytes = try file.read() else { throw Failure.missing(file.path) }
        let image: CardImage
        do {
            image = try JSONDecoder().decode(CardImage.self, from: Data(bytes))
        } catch {
            throw Failure.unreadable(file.path, "\(error)")
        }
        guard image.format <= CardImage.currentFormat else { throw Failure.newerFormat(file.path, image.format) }
        return image
    }

    public func write(_ image: CardImage) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try file.write(Array(try encoder.encode(image)))
    }

    private static func lock(_ path: String) throws -> Int32 {
        let lockPath = path + ".lock"
        let descriptor = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw Failure.unreadable(lockPath, String(cString: strerror(errno))) }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            close(descriptor)
            throw Failure.inUse(path)
        }
        return descriptor
    }
}
