/// Every table the migrations create, each defined once. The order is the backup's: a restore inserts in this order
/// and deletes in the reverse one. `StoredTablesTests` checks that the migrated database holds exactly these tables
/// and columns, so that a new table is either backed up or excluded here with its reason.
enum StoredTables {
    static let all: [SchemaTable] = [
        InstallationTable.table,
        AuditHeadTable.table, AuditEntriesTable.table, AuditCheckpointsTable.table,
        IdentificationNumbersTable.table, RegistryImportsTable.table, PersonsTable.table, LifeEventsTable.table,
        PKISettingsTable.table, PKIAuthoritiesTable.table, PKISigningKeysTable.table, PKICertificatesTable.table,
        PKIStatusChangesTable.table, PKICRLsTable.table, PKICountersTable.table,
        OfficerSessionsTable.table,
        CardApplicationsTable.table, AuthNoncesTable.table, CardChipsTable.table,
        AccountsTable.table, OIDCClientsTable.table, OIDCCodesTable.table, OIDCTokensTable.table, OIDCRevokedFamiliesTable.table,
        OIDCAssertionsTable.table, OIDCSigningKeysTable.table, SignOnSessionsTable.table, OIDCConsentsTable.table,
        AccountTokensTable.table, OfficerTokensTable.table, AccountAliasesTable.table,
        IssuedDocumentsTable.table, PersonParentsTable.table, DataQuestionsTable.table, PortalCountersTable.table, MandatesTable.table,
    ]

    /// Tables that belong to the database's tools, not to Licna: Fluent's record of the migrations it ran.
    static let foreign: Set<String> = ["_fluent_migrations"]
}
