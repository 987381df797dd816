import LicnaDocuments
import Testing

@Suite struct ModuleTests {
    @Test func theModuleLinks() {
        #expect(String(describing: LicnaDocuments.self) == "LicnaDocuments")
    }
}
