import NIOConcurrencyHelpers

/// Connections of our own to an SQLite installation's file, for the paths that bypass the database driver
/// (`SQLiteFileConnection`): one is taken for a job and given back after it, at most
/// `maximumIdle` are kept, and one whose job failed is closed rather than reused.
final class SQLiteConnectionPool<Connection: AnyObject & Sendable>: Sendable {
    private let idle = NIOLockedValueBox<[Connection]>([])
    private let maximumIdle: Int
    private let open: @Sendable () throws -> Connection

    init(maximumIdle: Int = 8, open: @escaping @Sendable () throws -> Connection) {
        self.maximumIdle = maximumIdle
        self.open = open
    }

    func withConnection<T>(_ body: (Connection) throws -> T) throws -> T {
        let connection = try idle.withLockedValue { $0.popLast() } ?? open()
        let result = try body(connection)
        idle.withLockedValue { if $0.count < maximumIdle { $0.append(connection) } }
        return result
    }
}
