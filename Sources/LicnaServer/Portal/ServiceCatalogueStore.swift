import Foundation
import LicnaPortal
import LicnaTranslations
import Logging
import NIOConcurrencyHelpers

/// The catalogue the portal shows, and its search index, reloaded when a file of its folder changes (checked at
/// most every two seconds, when a page asks). A folder that no longer loads is refused with a logged error and the
/// last good catalogue stays: an operator's typo never empties the portal.
public final class ServiceCatalogueStore: Sendable {
    /// A loaded catalogue and its index.
    public struct Snapshot: Sendable {
        public let catalogue: ServiceCatalogue
        public let search: ServiceSearch
    }

    /// The folder read.
    public let folder: URL
    /// The catalogue shipped with Licna.
    public static var bundledFolder: URL { URL(fileURLWithPath: bundledResource("Services")) }
    private let logger = Logger(label: "licna.catalogue")
    private let state: NIOLockedValueBox<(snapshot: Snapshot, signature: [String], checked: ContinuousClock.Instant)>
    private let checkInterval: Duration

    /// Loads `folder`; throws ``CatalogueError`` when it does not load (the server does not start with it).
    /// The folder is looked at again at most every `checkInterval` seconds.
    public init(folder: URL, checkInterval: Duration = .seconds(2)) throws {
        self.folder = folder
        self.checkInterval = checkInterval
        let signature = Self.signature(folder)
        state = NIOLockedValueBox((try Self.load(folder), signature, ContinuousClock.now))
    }

    /// The current catalogue, reloaded first when its folder changed.
    public var current: Snapshot {
        let now = ContinuousClock.now
        let (snapshot, due) = state.withLockedValue { value -> (Snapshot, Bool) in
            guard now - value.checked >= checkInterval else { return (value.snapshot, false) }
            value.checked = now
            return (value.snapshot, true)
        }
        guard due else { return snapshot }
        let signature = Self.signature(folder)
        guard signature != state.withLockedValue({ $0.signature }) else { return snapshot }
        do {
            let reloaded = try Self.load(folder)
            state.withLockedValue { $0 = (reloaded, signature, now) }
            logger.notice("service catalogue reloaded", metadata: ["services": "\(reloaded.catalogue.services.count)"])
            return reloaded
        } catch {
            // Remember the bad signature so the error is logged once per change, not at every request.
            state.withLockedValue { $0.signature = signature }
            logger.error("service catalogue not reloaded: the last good one stays", metadata: ["error": "\(error)"])
            return snapshot
        }
    }

    private static func load(_ folder: URL) throws -> Snapshot {
        let catalogue = try ServiceCatalogue.load(folder: folder)
        return Snapshot(catalogue: catalogue, search: ServiceSearch(catalogue: catalogue, lifeEventNames: lifeEventNames))
    }

    /// Each life event's name in each language, from the translation files.
    static let lifeEventNames: [LifeEvent: [String: String]] = Dictionary(uniqueKeysWithValues: LifeEvent.allCases.map { event in
        (event, Dictionary(uniqueKeysWithValues: Translations.languages.map { ($0, Translations.bundled.text("portal.event.\(event.rawValue)", $0)) }))
    })

    /// Names, sizes and modification times of the folder's files: what changes when one is edited.
    private static func signature(_ folder: URL) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path))?.sorted() ?? []
        return names.map { name in
            let attributes = try? FileManager.default.attributesOfItem(atPath: folder.appendingPathComponent(name).path)
            let modified = (attributes?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
            return "\(name) \(attributes?[.size] as? Int ?? -1) \(modified)"
        }
    }
}
