import LicnaBasics

/// Why a backup is not restored (`error.restore.<what>`): the file checks of ``BackupFileReader`` and the
/// server's restore.
extension ErrorCode {
    /// The target installation already holds data.
    public static let restoreNotEmpty = ErrorCode("restore-not-empty")
    /// The file is not a Licna backup.
    public static let restoreFormat = ErrorCode("restore-format")
    /// The backup file changed while it was being restored.
    public static let restoreChanged = ErrorCode("restore-changed")
    /// The CA keys in the backup do not fit their certificates or rows.
    public static let restoreKeys = ErrorCode("restore-keys")
    /// The backup file is cut off.
    public static let restoreTruncated = ErrorCode("restore-truncated")
    /// The backup was written by a newer Licna.
    public static let restoreVersion = ErrorCode("restore-version")
    /// The backup was made under another master key.
    public static let restoreMasterKey = ErrorCode("restore-master-key")
    /// A version 1 backup (no MAC), refused without `--accept-legacy-backup`.
    public static let restoreLegacy = ErrorCode("restore-legacy")
    /// The backup's MAC does not match: it was changed after it was written.
    public static let restoreMAC = ErrorCode("restore-mac")
    /// The backup holds a CA and no root fingerprint was given.
    public static let restoreRootNeeded = ErrorCode("restore-root-needed")
    /// The backup's root is not the one pinned.
    public static let restoreRootMismatch = ErrorCode("restore-root-mismatch")
}
