import BloomTesting
import Foundation

@testable import BloomEngine

/// The real SmolLM2 model, when set-up has fetched it: `BLOOM_TEST_MODEL`, else
/// `.build/models/SmolLM2-135M-Instruct.Q4_1.gguf` in the repository.
enum TestModel {
    static var path: String? { TestModelFile.path }

    static var isAvailable: Bool { path != nil }

    /// The tokenizer of the real model, loaded once for all tests.
    static let tokenizer: Tokenizer? = {
        guard let path else { return nil }
        return try? Tokenizer(file: GGUFFile(path: path))
    }()

    /// Whether tests that run the forward pass can: only in optimised builds, because unoptimised
    /// Swift runs it tens of times slower, and the test command runs the suite optimised too.
    static var canRunModel: Bool { TestModelFile.canGenerate }

    /// The loaded model, shared by the tests of one process.
    static let model: Result<SharedModel, any Error> = Result {
        SharedModel(model: try Model(path: path ?? "/nonexistent"))
    }
}

struct SharedModel: Sendable {
    let model: Model
}
