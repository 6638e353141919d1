import Foundation

/// The real SmolLM2 file, when set-up has fetched it (`BLOOM_TEST_MODEL`, else the test command's
/// download location), for the tests that check the engine against llama.cpp.
enum RealModel {
    static let path: String? = {
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let downloaded = repository.appendingPathComponent(".build/models/SmolLM2-135M-Instruct.Q4_1.gguf").path
        let candidates: [String?] = [ProcessInfo.processInfo.environment["BLOOM_TEST_MODEL"], downloaded]
        return candidates.compactMap { $0 }.first { FileManager.default.fileExists(atPath: $0) }
    }()

    /// Real-model tests run in optimised builds only: unoptimised Swift runs the forward pass
    /// tens of times slower, and the test command runs the suite optimised as well.
    static var isUsable: Bool {
        #if DEBUG
            false
        #else
            path != nil
        #endif
    }

    /// A loaded copy shared by the tests of one process.
    static let model: Result<BloomEngineModelBox, any Error> = Result {
        BloomEngineModelBox(try Model(path: path ?? "/nonexistent"))
    }

    static func fixture(_ name: String) throws -> Data {
        guard let url = Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Fixtures") else {
            throw CocoaError(.fileNoSuchFile)
        }
        return try Data(contentsOf: url)
    }
}

@testable import BloomEngine

struct BloomEngineModelBox: Sendable {
    let model: Model
    init(_ model: Model) { self.model = model }
}
