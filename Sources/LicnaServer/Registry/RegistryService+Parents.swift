import Fluent
import Foundation
import LicnaCore

extension RegistryService {
    /// Imports parent links (issue 14, item 3): CSV text with the header `child,parent` and one pair of
    /// identification numbers per line. All or nothing: one transaction, and the first bad line (a malformed or
    /// unknown number, a person named as their own parent) refuses the whole file with its line number. Links that
    /// exist already are kept. Returns the number of lines read.
    public func importParentLinks(csv text: String, context: AuditContext) async throws -> Int {
        var lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
        while lines.last?.isEmpty == true { lines.removeLast() }
        guard let header = lines.first else { throw ImportFailure(line: 1, reason: "empty-file") }
        guard header.lowercased().replacingOccurrences(of: " ", with: "") == "child,parent" else { throw ImportFailure(line: 1, reason: "header") }
        var pairs: [(line: Int, child: String, parent: String)] = []
        for (index, line) in lines.enumerated().dropFirst() where !line.isEmpty {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard fields.count == 2, (try? IdentificationNumber(fields[0])) != nil, (try? IdentificationNumber(fields[1])) != nil, fields[0] != fields[1] else {
                throw ImportFailure(line: index + 1, reason: "parent-link")
            }
            pairs.append((index + 1, fields[0], fields[1]))
        }
        let audit = self.audit
        let clock = self.clock
        let links = pairs
        try await database.retryingTransaction { db in
            for pair in links {
                guard let child = try await PersonModel.query(on: db).filter(\.$identificationNumber == pair.child).first(),
                      let parent = try await PersonModel.query(on: db).filter(\.$identificationNumber == pair.parent).first() else {
                    throw ImportFailure(line: pair.line, reason: "unknown-person")
                }
                try await DocumentIssuanceService.linkParent(child: try child.requireID(), parent: try parent.requireID(), source: "import",
                                                             context: context, audit: audit, clock: clock, on: db)
            }
        }
        return pairs.count
    }
}
