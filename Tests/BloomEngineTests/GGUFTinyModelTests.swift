import BloomTesting
import Foundation
import Testing

@testable import BloomEngine

@Suite("Tiny GGUF models")
struct GGUFTinyModelTests {
    @Test(
        "a tiny model opens with every matrix in the requested format",
        arguments: TinyModel.Architecture.allCases, [GGMLType.f32, .q8_0, .q4_1, .q4_K])
    func tinyModel(_ architecture: TinyModel.Architecture, format: GGMLType) throws {
        let model = TinyModel(architecture: architecture, weightFormat: format, tiedOutput: format != .q8_0)
        let path = GGUFFileTests.temporaryPath("tiny-\(architecture)-\(format.name)")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try model.write(to: path)
        let file = try GGUFFile(path: path)
        let arch = architecture.rawValue

        #expect(try file.requireString(GGUFKey.architecture) == arch)
        #expect(try file.requireInteger(GGUFKey.embeddingLength(arch)) == model.hidden)
        #expect(try file.requireInteger(GGUFKey.headCountKV(arch)) == 2)
        let tokens = try #require(try file.strings(GGUFKey.tokens))
        #expect(tokens.count == 264 && tokens[32] == "\u{120}" && tokens[65] == "A" && tokens[10] == "\u{10A}")
        #expect(tokens.suffix(3) == ["<|endoftext|>", "<|im_start|>", "<|im_end|>"])
        #expect(file.value(GGUFKey.tokenTypes)?.array?.suffix(4).map(\.integer) == [1, 3, 3, 3])
        #expect(try file.requireString(GGUFKey.chatTemplate).contains("<|im_start|>"))

        #expect((file.tensor(named: TensorName.output) == nil) == model.tiedOutput)
        #expect((file.tensor(named: TensorName.queryBias(1)) != nil) == (architecture == .qwen2))
        let down = try file.requireTensor(TensorName.down(1))
        #expect(down.shape == [model.feedForward, model.hidden] && down.type == format)
        for tensor in file.tensors where tensor.shape.count == 2 {
            let matrix = try WeightMatrix(tensor: tensor)
            #expect(matrix.rows == tensor.shape[1] && matrix.columns == tensor.shape[0])
        }
    }

    @Test("the same seed writes the same file and another seed does not")
    func seeded() {
        let a = TinyModel(seed: 4).writer().encoded().bytes
        #expect(a == TinyModel(seed: 4).writer().encoded().bytes)
        #expect(a != TinyModel(seed: 5).writer().encoded().bytes)
    }
}
