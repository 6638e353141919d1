import BloomTesting
import Foundation
import Testing

@testable import BloomEngine

@Suite("Transformer on tiny random models")
struct TransformerTests {
    /// Largest difference from the plain float reference, relative to the largest reference
    /// logit. The engine quantises activations to 8 bits before every quantised product (0.3–0.8 %
    /// each, measured in ENGINE-NOTES.md) and keeps keys, values and queries in fp16; over two
    /// layers that stays well under 5 %, while a wrong RoPE pairing, head mapping or bias moves
    /// logits by tens of percent.
    static let referenceTolerance: Float = 0.05

    static let formats: [GGMLType] = [.f32, .f16, .q4_0, .q4_1, .q8_0, .q4_K, .q6_K]
    static let prompt: [Int32] = [10, 200, 33, 258, 7, 99]

    static func write(_ model: TinyModel) throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("bloom-tiny-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent("model.gguf").path
        try model.write(to: path)
        return path
    }

    static func maximumDifference(_ a: [Float], _ b: [Float]) -> (difference: Float, scale: Float) {
        let difference = zip(a, b).map { abs($0 - $1) }.max() ?? 0
        return (difference, b.map(abs).max() ?? 1)
    }

    @Test(
        "both architectures and every tensor format agree with the float reference",
        arguments: TinyModel.Architecture.allCases, Self.formats)
    func matchesReference(architecture: TinyModel.Architecture, format: GGMLType) throws {
        let path = try Self.write(
            TinyModel(architecture: architecture, weightFormat: format, tiedOutput: format != .q4_0))
        let transformer = Transformer(model: try Model(path: path), contextLength: 64, threads: 2)
        let engine = Array(transformer.forward(Self.prompt))

        let reference = try ReferenceForward(path: path)
        var expected: [Float] = []
        for token in Self.prompt { expected = reference.step(token) }

        let (difference, scale) = Self.maximumDifference(engine, expected)
        #expect(
            difference <= Self.referenceTolerance * scale, "\(architecture) \(format.name): \(difference) of \(scale)")
    }

    @Test("a batched prompt gives the same logits as feeding it token by token")
    func batchedEqualsSequential() throws {
        let path = try Self.write(TinyModel(architecture: .llama, weightFormat: .q4_1))
        let model = try Model(path: path)
        let whole = Transformer(model: model, contextLength: 64, threads: 2)
        let batched = Array(whole.forward(Self.prompt))
        let sequential = Transformer(model: model, contextLength: 64, threads: 1)
        var last: [Float] = []
        for token in Self.prompt { last = Array(sequential.forward(CollectionOfOne(token))) }
        let (difference, scale) = Self.maximumDifference(batched, last)
        #expect(difference <= 1e-4 * scale)
    }

    @Test("the Swift kernels agree with the C kernels end to end")
    func swiftKernelsAgree() throws {
        let path = try Self.write(TinyModel(architecture: .qwen2, weightFormat: .q8_0))
        let model = try Model(path: path)
        let best = Transformer(model: model, contextLength: 64, threads: 2, kernels: .best)
        let swift = Transformer(model: model, contextLength: 64, threads: 2, kernels: .swift)
        let (fast, plain) = (Array(best.forward(Self.prompt)), Array(swift.forward(Self.prompt)))
        let (difference, scale) = Self.maximumDifference(fast, plain)
        #expect(difference <= 1e-3 * scale)
    }

    @Test("prompt chunks larger than the batch capacity give the same logits")
    func chunkedPrefill() throws {
        let path = try Self.write(TinyModel(architecture: .llama, weightFormat: .q8_0))
        let model = try Model(path: path)
        let single = Transformer(model: model, contextLength: 64, threads: 2)
        let whole = Array(single.forward(Self.prompt))
        let chunked = Transformer(model: model, contextLength: 64, batchCapacity: 4, threads: 2)
        let (difference, scale) = Self.maximumDifference(Array(chunked.forward(Self.prompt)), whole)
        #expect(difference <= 1e-4 * scale)
    }

    @Test("an unsupported architecture is named in the error")
    func unsupportedArchitecture() throws {
        var writer = TinyModel().writer()
        writer.add(GGUFKey.architecture, .string("mamba"))
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("bloom-mamba-\(UUID()).gguf").path
        try writer.write(to: path)
        #expect(throws: GGUFError.unsupportedArchitecture("mamba")) { try Model(path: path) }
    }
}
