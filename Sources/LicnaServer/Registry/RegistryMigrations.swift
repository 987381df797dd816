import Fluent
import SQLKit

/// Creates the civil registry's tables. Runs on SQLite and PostgreSQL.
struct CreateRegistry: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(PersonModel.schema)
            .id()
            .field("identification_number", .string, .required)
            .field("jmbg_sealed", .data, .required)
            .field("jmbg_key_version", .int, .required)
            .field("jmbg_index", .data, .required)
            .field("given_name", .string, .required)
            .field("surname", .string, .required)
            .field("given_name_cyrillic", .string)
            .field("surname_cyrillic", .string)
            .field("name_folded", .string, .required)
            .field("birth_date", .string, .required)
            .field("birth_place", .string, .required)
            .field("sex", .string, .required)
            .field("citizenship", .string, .required)
            .field("address", .string, .required)
            .field("municipality", .string, .required)
            .field("status", .string, .required)
            .field("death_date", .string)
            .field("import_id", .uuid)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .unique(on: "identification_number")
            .unique(on: "jmbg_index")
            .create()
        try await database.schema(IdentificationNumberModel.schema)
            .field("id", .int, .identifier(auto: true))
            .field("number", .string, .required)
            .field("issued_at", .datetime)
            .unique(on: "number")
            .create()
        try await database.schema(LifeEventModel.schema)
            .id()
            .field("kind", .string, .required)
            .field("person_id", .uuid, .required)
            .field("event_date", .string, .required)
            .field("created_at", .datetime)
            .field("processed_at", .datetime)
            .create()
        try await database.schema(RegistryImportModel.schema)
            .id()
            .field("state", .string, .required)
            .field("actor", .string, .required)
            .field("rows", .int, .required)
            .field("started_at", .datetime)
            .field("finished_at", .datetime)
            .create()
        let sql = database.sql
        try await sql.create(index: "persons_birth_date").on(PersonModel.schema).column("birth_date").run()
        try await sql.create(index: "persons_import_id").on(PersonModel.schema).column("import_id").run()
        // A partial index over the unissued numbers only: allocation finds the next one at once, and issuing a
        // number (or recording a million imported ones) costs no entry in it.
        try await sql.raw("CREATE INDEX identification_numbers_pool ON identification_numbers (id) WHERE issued_at IS NULL").run()
    }

    func revert(on database: any Database) async throws {
        for schema in [RegistryImportModel.schema, LifeEventModel.schema, IdentificationNumberModel.schema, PersonModel.schema] {
            try await database.schema(schema).delete()
        }
    }
}
