import Testing

@testable import BloomEngine

@Suite("GGUF file")
struct GGUFFileTests {
    @Test("a missing file is reported with its path")
    func missingFile() {
        #expect(throws: GGUFError.self) { try GGUFFile(path: "/nonexistent/model.gguf") }
    }
}
