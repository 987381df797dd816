import Fluent
import SQLKit

extension Database {
    /// The one way from Fluent to SQL. Licna runs only on SQL drivers (SQLite and PostgreSQL, see
    /// `LicnaConfiguration.Storage`), whose `Database` values are always `SQLDatabase`s, also inside transactions;
    /// any other driver is a programming error found at the first query, not a condition to handle.
    var sql: any SQLDatabase {
        guard let sql = self as? any SQLDatabase else {
            preconditionFailure("Licna needs an SQL database; \(type(of: self)) is not one")
        }
        return sql
    }
}
