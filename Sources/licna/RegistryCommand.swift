import ArgumentParser
import Foundation
import LicnaBasics
import LicnaCommandLine
import LicnaCore
import LicnaServer

struct Registry: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The civil registry: import, export, find, register births, record deaths.",
        subcommands: [Import.self, Export.self, Find.self, RegisterBirth.self, RecordDeath.self, ImportParents.self])

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import persons from a registry CSV (header in the README).",
            discussion: """
            All or nothing: one bad row imports nothing, and every bad row is named with its line and reason \
            (exit status 1). With --skip-invalid the good rows are imported and the rejected ones written, with \
            their reasons, to --rejected (default FILE.rejected.csv, mode 0600). Rows whose JMBG is already \
            registered are reported and skipped, never duplicated.
            """)

        @OptionGroup var storage: StorageOptions
        @Argument(help: "The CSV file.") var file: String
        @Flag(help: "Import the good rows and write the rejected ones to a file.") var skipInvalid = false
        @Option(help: "Where to write rejected rows (with --skip-invalid).") var rejected: String?
        @Option(help: "Why the data is imported, for the audit trail.") var purpose = "registry-import"

        func run() async throws {
            guard FileManager.default.isReadableFile(atPath: file) else {
                throw explained(Exit.failed, "cli.import.unreadable", ["file": file])
            }
            let display = ProgressDisplay()
            let rejectedPath = rejected ?? file + ".rejected.csv"
            let (file, skipInvalid, purpose) = (self.file, self.skipInvalid, self.purpose)
            let report: ImportReport
            do {
                report = try await withInstallation(storage) { app in
                    let importer = RegistryImporter(registry: app.licna.registry(on: app.db))
                    var rejectedFile: FileHandle?
                    defer { try? rejectedFile?.close() }
                    return try await importer.importFile(
                        at: file, skipInvalid: skipInvalid, context: AuditContext(actor: commandLineActor, purpose: .stated(purpose)),
                        progress: { display.update($0) },
                        rejected: { fields, error in
                            if rejectedFile == nil {
                                rejectedFile = try SecretFile.open(forWriting: rejectedPath)
                                rejectedFile?.write(Data(CSVWriter.line(["line", "reason"] + RegistryCSV.header).utf8))
                            }
                            rejectedFile?.write(Data(CSVWriter.line([String(error.line), error.reason] + fields).utf8))
                        })
                }
            } catch let failure as ImportFailure {
                display.finish()
                throw failure.explained()
            }
            display.finish()
            for line in report.alreadyRegistered.prefix(100) { Terminal.print("line \(line): already-registered") }
            if report.alreadyRegistered.count > 100 {
                Terminal.say("cli.import.more-existing", ["count": "\(report.alreadyRegistered.count - 100)"])
            }
            for rejection in report.rejected { Terminal.print("line \(rejection.line): \(rejection.reason)") }
            if report.refused {
                throw explained(Exit.no, "cli.import.refused", ["count": "\(report.rejected.count)"])
            }
            Terminal.say("cli.import.done", ["imported": "\(report.imported)", "existing": "\(report.alreadyRegistered.count)",
                                             "rejected": "\(report.rejected.count)"])
            if !report.rejected.isEmpty { Terminal.say("cli.import.rejected-file", ["path": rejectedPath]) }
        }
    }

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Export the registry as CSV (the import header), JMBGs included; the file is created with mode 0600.")

        @OptionGroup var storage: StorageOptions
        @Option(name: [.short, .customLong("out")], help: "Output file, or - for standard output.") var out: String = "-"
        @Option(help: "Why the data is exported, for the audit trail.") var purpose = "registry-export"

        func run() async throws {
            let (out, purpose) = (self.out, self.purpose)
            let count = try await withInstallation(storage) { app in
                let handle = out == "-" ? FileHandle.standardOutput : try SecretFile.open(forWriting: out)
                var buffer = ""
                let count = try await app.licna.registry(on: app.db).export(context: AuditContext(actor: commandLineActor, purpose: .stated(purpose))) { line in
                    buffer += line
                    if buffer.utf8.count > 1 << 16 { handle.write(Data(buffer.utf8)); buffer = "" }
                }
                handle.write(Data(buffer.utf8))
                if out != "-" { try handle.close() }
                return count
            }
            Terminal.say("cli.export.done", ["count": "\(count)"])
        }
    }

    struct Find: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Find persons by JMBG (read from standard input), identification number, name or birth date.",
            discussion: """
            --json prints an array of persons: id, identificationNumber, givenName, surname, givenNameCyrillic, \
            surnameCyrillic, birthDate (ISO 8601), birthPlace, sex (M/F), citizenship, address, municipality, status, \
            deathDate, and jmbg only with --reveal-jmbg (audited). Exit status 1 when nobody is found.
            """)

        @OptionGroup var storage: StorageOptions
        @Option(help: "`-`: read the JMBG from standard input (never as an argument).") var jmbg: String?
        @Option(help: "The 9-digit identification number.") var id: String?
        @Option(help: "Part of a name, in Latin or Cyrillic.") var name: String?
        @Option(help: "Born before this date (YYYY-MM-DD).") var bornBefore: String?
        @Flag(help: "Print JSON.") var json = false
        @Flag(help: "Include the JMBG (the reveal is written to the audit trail).") var revealJMBG = false
        @Option(help: "The legal basis of this read (citizen-request, identity-document, civil-status, residence, social-benefit, tax, court-order, police, audit, data-correction), optionally followed by ': ' and a case reference; recorded, and shown to the person.")
        var purpose: String
        @Option(help: "At most this many persons.") var limit = 100

        func validate() throws {
            guard [jmbg, id, name, bornBefore].compactMap({ $0 }).count == 1 else {
                throw ValidationError(Terminal.text("cli.find.one-criterion"))
            }
            if let jmbg, jmbg != "-" { throw ValidationError(Terminal.text("cli.find.jmbg-stdin")) }
            _ = try legalBasis()
        }

        /// The `--purpose` read as one of the installation's legal bases; a usage error when it is not one.
        func legalBasis() throws -> LegalBasis {
            guard let basis = LegalBasis(purpose: purpose, allowed: LegalBasis.standard) else {
                throw ValidationError(Terminal.text("error.registry.legal-basis"))
            }
            return basis
        }

        func query() throws -> RegistryQuery {
            let today = SystemWallClock().today
            if jmbg != nil {
                if Terminal.standardInputIsTerminal { Terminal.say("cli.numbers.decode.prompt") }
                let line = readLine()?.trimmingCharacters(in: .whitespaces) ?? ""
                do { return .jmbg(try JMBG(line, today: today)) } catch {
                    throw explained(Exit.usage, "cli.numbers.invalid.\(error.rawValue)")
                }
            }
            if let id {
                do { return .identificationNumber(try IdentificationNumber(id)) } catch {
                    throw explained(Exit.usage, "error.identification-number.invalid")
                }
            }
            if let bornBefore {
                guard let date = CivilDate(iso8601: bornBefore) else { throw explained(Exit.usage, "error.date-format") }
                return .bornBefore(date)
            }
            return .name(name ?? "")
        }

        func run() async throws {
            let query = try query()
            let (reveal, purpose, limit) = (revealJMBG, try legalBasis().purpose, self.limit)
            let persons = try await withInstallation(storage) { app in
                try await app.licna.registry(on: app.db).find(query, revealJMBG: reveal, limit: limit,
                                                              context: AuditContext(actor: commandLineActor, purpose: purpose))
            }
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
                Terminal.print(String(decoding: try encoder.encode(persons), as: UTF8.self))
            } else {
                for person in persons {
                    Terminal.print([person.identificationNumber, person.givenName + " " + person.surname, person.birthDate,
                                    person.sex, person.municipality, person.status, person.jmbg].compactMap { $0 }.joined(separator: "\t"))
                }
            }
            if persons.isEmpty {
                Terminal.say("cli.find.none")
                throw Exit.no
            }
        }
    }

    struct RegisterBirth: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "register-birth",
            abstract: "Register a birth: allocates the JMBG and the identification number in one transaction.",
            discussion: "Prints the new person as JSON, with the allocated JMBG for the birth certificate.")

        @OptionGroup var storage: StorageOptions
        @Option var givenName: String
        @Option var surname: String
        @Option var givenNameCyrillic: String?
        @Option var surnameCyrillic: String?
        @Option(help: "YYYY-MM-DD.") var birthDate: String
        @Option var birthPlace: String
        @Option(help: "M or F.") var sex: String
        @Option(help: "JMBG region code of the registration area (21 Podgorica, 26 Nikšić …).") var region: Int
        @Option var citizenship = "ME"
        @Option var address: String
        @Option var municipality: String
        @Option(name: .customLong("parent"), help: "A parent's identification number, if the parent is in the registry (repeat for the other).")
        var parents: [String] = []

        func run() async throws {
            guard let date = CivilDate(iso8601: birthDate) else { throw explained(Exit.usage, "error.date-format") }
            guard let sex = Sex(rawValue: sex.uppercased()) else { throw explained(Exit.usage, "cli.sex-format") }
            let registration = BirthRegistration(givenName: givenName, surname: surname, givenNameCyrillic: givenNameCyrillic,
                                                 surnameCyrillic: surnameCyrillic, birthDate: date, birthPlace: birthPlace, sex: sex,
                                                 regionCode: region, citizenship: citizenship, address: address, municipality: municipality,
                                                 parents: parents.isEmpty ? nil : parents)
            do {
                let result = try await withInstallation(storage) { app in
                    try await app.licna.registry(on: app.db).registerBirth(registration, context: AuditContext(actor: commandLineActor, purpose: .birthRegistration))
                }
                var person = result.person
                person.jmbg = result.jmbg.digits
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
                Terminal.print(String(decoding: try encoder.encode(person), as: UTF8.self))
            } catch let error as RegistryError {
                throw error.explained()
            }
        }
    }

    struct ImportParents: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "import-parents",
            abstract: "Import parent links (CSV: child,parent identification numbers), all or nothing.",
            discussion: "The links let a parent request documents for a minor child on the portal. A bad line refuses the whole file and names the line.")

        @OptionGroup var storage: StorageOptions
        @Argument(help: "The CSV file (header: child,parent).") var file: String

        func run() async throws {
            guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
                throw explained(Exit.usage, "cli.import.unreadable", ["file": file])
            }
            do {
                let count = try await withInstallation(storage) { app in
                    try await app.licna.registry(on: app.db).importParentLinks(csv: text, context: AuditContext(actor: commandLineActor, purpose: .registryImport))
                }
                Terminal.say("cli.registry.parents-imported", ["count": String(count)])
            } catch let error as ImportFailure {
                throw error.explained()
            } catch let error as RegistryError {
                throw error.explained()
            }
        }
    }

    struct RecordDeath: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "record-death",
            abstract: "Record a death (a life event: the person's certificates are revoked by the card register).")

        @OptionGroup var storage: StorageOptions
        @Option(help: "The person's identification number.") var id: String
        @Option(help: "Date of death, YYYY-MM-DD.") var date: String

        func run() async throws {
            guard let date = CivilDate(iso8601: date) else { throw explained(Exit.usage, "error.date-format") }
            guard let number = try? IdentificationNumber(id) else { throw explained(Exit.usage, "error.identification-number.invalid") }
            do {
                let person = try await withInstallation(storage) { app in
                    let registry = app.licna.registry(on: app.db)
                    let context = AuditContext(actor: commandLineActor, purpose: .deathRegistration)
                    guard let found = try await registry.find(.identificationNumber(number), context: context).first else {
                        throw RegistryError.notFound
                    }
                    let person = try await registry.recordDeath(personID: found.id, date: date, context: context)
                    // The person's certificates are revoked now (a running server would do it within a minute).
                    let revoked = try await app.licna.trust.authority(on: app.db).processDeaths(context: context)
                    if revoked > 0 { Terminal.say("cli.death.certificates-revoked", ["count": "\(revoked)"]) }
                    return person
                }
                Terminal.say("cli.death.done", ["id": person.identificationNumber, "date": person.deathDate ?? ""])
            } catch let error as RegistryError {
                throw error.explained()
            }
        }
    }
}
