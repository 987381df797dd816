/// `persons`: the civil registry (`PersonModel`).
enum PersonsTable {
    static let id = SchemaColumn("id", .uuid, .identifier(generated: false))
    static let identificationNumber = SchemaColumn("identification_number", .text)
    static let jmbgSealed = SchemaColumn("jmbg_sealed", .blob)
    static let jmbgKeyVersion = SchemaColumn("jmbg_key_version", .integer)
    static let jmbgIndex = SchemaColumn("jmbg_index", .blob)
    static let givenName = SchemaColumn("given_name", .text)
    static let surname = SchemaColumn("surname", .text)
    static let givenNameCyrillic = SchemaColumn("given_name_cyrillic", .text, .optional)
    static let surnameCyrillic = SchemaColumn("surname_cyrillic", .text, .optional)
    static let nameFolded = SchemaColumn("name_folded", .text)
    static let birthDate = SchemaColumn("birth_date", .text)
    static let birthPlace = SchemaColumn("birth_place", .text)
    static let sex = SchemaColumn("sex", .text)
    static let citizenship = SchemaColumn("citizenship", .text)
    static let address = SchemaColumn("address", .text)
    static let municipality = SchemaColumn("municipality", .text)
    static let status = SchemaColumn("status", .text)
    static let deathDate = SchemaColumn("death_date", .text, .optional)
    static let importID = SchemaColumn("import_id", .uuid, .optional)
    static let createdAt = SchemaColumn("created_at", .datetime, .optional)
    static let updatedAt = SchemaColumn("updated_at", .datetime, .optional)

    static let table = SchemaTable(
        "persons",
        columns: [id, identificationNumber, jmbgSealed, jmbgKeyVersion, jmbgIndex, givenName, surname, givenNameCyrillic,
                  surnameCyrillic, nameFolded, birthDate, birthPlace, sex, citizenship, address, municipality, status, deathDate,
                  importID, createdAt, updatedAt],
        uniques: [[identificationNumber], [jmbgIndex]],
        backup: .model(PersonModel.self))
}

/// `identification_numbers`: the pool of identification numbers, issued or not (`IdentificationNumberModel`).
enum IdentificationNumbersTable {
    static let id = SchemaColumn("id", .integer, .identifier(generated: true))
    static let number = SchemaColumn("number", .text)
    static let issuedAt = SchemaColumn("issued_at", .datetime, .optional)

    static let table = SchemaTable("identification_numbers", columns: [id, number, issuedAt], uniques: [[number]],
                                   backup: .model(IdentificationNumberModel.self))
}

/// `life_events`: births and deaths other parts react to (`LifeEventModel`).
enum LifeEventsTable {
    static let id = SchemaColumn("id", .uuid, .identifier(generated: false))
    static let kind = SchemaColumn("kind", .text)
    static let personID = SchemaColumn("person_id", .uuid)
    static let eventDate = SchemaColumn("event_date", .text)
    static let createdAt = SchemaColumn("created_at", .datetime, .optional)
    static let processedAt = SchemaColumn("processed_at", .datetime, .optional)

    static let table = SchemaTable("life_events", columns: [id, kind, personID, eventDate, createdAt, processedAt],
                                   backup: .model(LifeEventModel.self))
}

/// `registry_imports`: one row per CSV import (`RegistryImportModel`).
enum RegistryImportsTable {
    static let id = SchemaColumn("id", .uuid, .identifier(generated: false))
    static let state = SchemaColumn("state", .text)
    static let actor = SchemaColumn("actor", .text)
    static let rows = SchemaColumn("rows", .integer)
    static let startedAt = SchemaColumn("started_at", .datetime, .optional)
    static let finishedAt = SchemaColumn("finished_at", .datetime, .optional)

    static let table = SchemaTable("registry_imports", columns: [id, state, actor, rows, startedAt, finishedAt],
                                   backup: .model(RegistryImportModel.self))
}
