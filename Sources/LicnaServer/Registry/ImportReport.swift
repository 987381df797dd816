import LicnaCore

/// How far an import has come; reported to whoever shows progress (a bar on a terminal, lines otherwise).
public struct ImportProgress: Sendable {
    /// `validating` (first pass) or `writing` (second pass).
    public var phase: String
    public var rowsDone: Int
    /// Known in the writing phase; `nil` while the file is first read.
    public var rowsTotal: Int?
    public var elapsedSeconds: Double
}

/// What an import did.
public struct ImportReport: Sendable {
    public var imported = 0
    /// Rows whose JMBG is already registered: reported, never duplicated.
    public var alreadyRegistered: [Int] = []
    /// Rows that cannot be imported.
    public var rejected: [RegistryCSV.RowError] = []
    /// `true` when nothing was written because of rejected rows.
    public var refused = false
}
