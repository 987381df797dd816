import Foundation

/// Where Licna keeps its state: an embedded SQLite database in a data folder, or a PostgreSQL server.
public enum StorageLocation: Sendable, Hashable {
    case sqlite(directory: String)
    case postgres(url: String)

    /// The SQLite database file inside a data folder.
    public static let sqliteFileName = "licna.sqlite"

    public var sqliteFile: String? {
        if case .sqlite(let directory) = self { return (directory as NSString).appendingPathComponent(Self.sqliteFileName) }
        return nil
    }

    /// A description without credentials, for messages.
    public var safeDescription: String {
        switch self {
        case .sqlite(let directory): return "SQLite in \(directory)"
        case .postgres(let url):
            guard var components = URLComponents(string: url) else { return "PostgreSQL" }
            components.password = components.password == nil ? nil : "***"
            return "PostgreSQL at \(components.string ?? "?")"
        }
    }
}
