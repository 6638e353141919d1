import BloomTesting
import Foundation
import Glibc
import Testing

/// `bloom pull`, `bloom generate` and `bloom models --ollama-store` as a user runs them.
@Suite("Embedded-engine commands of bloom", .serialized)
struct EmbeddedCommandTests {
    static let modelFile = "SmolLM2-135M-Instruct.Q4_1.gguf"

    @Test("pull smollm2 with the model already in the data directory says so and exits 0")
    func pullAlreadyPresent() async throws {
        let directory = try TestModelFile.temporaryDirectory("pull-present")
        try FileManager.default.createDirectory(atPath: directory + "/data/models", withIntermediateDirectories: true)
        try TestModelFile.writeEmptyGGUF(to: directory + "/data/models/" + Self.modelFile)
        let pull = try BloomProcess(
            ["pull", "smollm2", "--data-dir", directory + "/data"], workingDirectory: directory)
        #expect(await pull.waitForExit() == 0)
        #expect(pull.text.contains("already present"))
        #expect(pull.text.contains(directory + "/data/models/" + Self.modelFile))
    }

    @Test("pull without pip on PATH exits 1 saying how to install it, and leaves no file")
    func pullWithoutPip() async throws {
        let directory = try TestModelFile.temporaryDirectory("pull-no-pip")
        let pull = try BloomProcess(
            ["pull", "smollm2", "--data-dir", directory + "/data"], environment: ["PATH": directory + "/empty"],
            workingDirectory: directory)
        #expect(await pull.waitForExit() == 1)
        #expect(pull.text.contains("pip is not available"))
        #expect(pull.text.contains("python3-pip"))
        #expect(!FileManager.default.fileExists(atPath: directory + "/data/models/" + Self.modelFile))
    }

    @Test("pull of another model, or generate without --model, is a usage error: exit 2 and the command's usage")
    func usageErrors() async throws {
        let pull = try BloomProcess(["pull", "llama3"])
        #expect(await pull.waitForExit() == 2)
        #expect(pull.text.contains("Usage: bloom pull smollm2"))
        let generate = try BloomProcess(["generate", "Hello"])
        #expect(await generate.waitForExit() == 2)
        #expect(generate.text.contains("generate needs --model"))
        #expect(generate.text.contains("Usage: bloom generate"))
    }

    @Test("generate with smollm2 not pulled exits 1 and says to run bloom pull smollm2")
    func generateWithoutModel() async throws {
        let directory = try TestModelFile.temporaryDirectory("generate-missing")
        let generate = try BloomProcess(
            ["generate", "--model", "smollm2", "--data-dir", directory + "/data", "Hi"], workingDirectory: directory)
        #expect(await generate.waitForExit() == 1)
        #expect(generate.text.contains("bloom pull smollm2"))
    }

    @Test("models --ollama-store lists the store's models with their files")
    func ollamaStore() async throws {
        let root = try TestModelFile.temporaryDirectory("store")
        let folder = root + "/manifests/registry.ollama.ai/library/tiny"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: root + "/blobs", withIntermediateDirectories: true)
        try TestModelFile.writeEmptyGGUF(to: root + "/blobs/sha256-abc123")
        try #"{"layers": [{"mediaType": "application/vnd.ollama.image.model", "digest": "sha256:abc123"}]}"#
            .write(toFile: folder + "/q4", atomically: true, encoding: .utf8)
        let models = try BloomProcess(["models", "--ollama-store"], environment: ["OLLAMA_MODELS": root])
        #expect(await models.waitForExit() == 0)
        #expect(models.text.contains("tiny:q4"))
        #expect(models.text.contains(root + "/blobs/sha256-abc123"))
    }

    @Test(
        "generate streams text from the real model and reports its speeds; --bench prints one JSON line a round",
        .enabled(if: TestModelFile.canGenerate))
    func generateWithRealModel() async throws {
        let path = try #require(TestModelFile.path)
        let generate = try BloomProcess([
            "generate", "--model", path, "--chat", "--seed", "3", "--max-tokens", "8", "--threads", "2",
            "Name a colour.",
        ])
        #expect(await generate.waitForExit(timeout: .seconds(60)) == 0)
        #expect(generate.text.contains("prompt tokens, prefill"))
        #expect(generate.text.contains("tokens, decode"))
        #expect(generate.text.contains("finish"))

        let bench = try BloomProcess([
            "generate", "--model", path, "--bench", "--rounds", "2", "--warmup", "1", "--decode", "8",
            "--threads", "2", "Hello there",
        ])
        #expect(await bench.waitForExit(timeout: .seconds(60)) == 0)
        let lines = bench.text.split(separator: "\n").filter { $0.hasPrefix("{") }
        #expect(lines.count == 2)
        for (index, line) in lines.enumerated() {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            #expect(object["engine"] as? String == "bloom")
            #expect(object["threads"] as? Int == 2)
            #expect(object["round"] as? Int == index + 1)
            #expect(object["decode_tokens"] as? Int == 8)
            #expect((object["prefill_tokens"] as? Int ?? 0) > 0)
            #expect((object["decode_tps"] as? Double ?? 0) > 0)
            #expect((object["prefill_tps"] as? Double ?? 0) > 0)
        }
    }
}

/// `bloom serve` with nothing configured: SmolLM2 from the data directory answers.
@Suite("bloom serve with the embedded default model", .serialized, .enabled(if: TestModelFile.canGenerate))
struct EmbeddedServeTests {
    @Test("with no configuration, POST /api/models/smollm2/test answers from SmolLM2 and ready is 200")
    func answersWithoutConfiguration() async throws {
        let model = try #require(TestModelFile.path)
        let directory = try TestModelFile.temporaryDirectory("serve-embedded")
        try FileManager.default.createDirectory(atPath: directory + "/data/models", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(
            atPath: directory + "/data/models/SmolLM2-135M-Instruct.Q4_1.gguf", withDestinationPath: model)
        let bloom = try BloomProcess(
            ["serve", "--port", "0", "--data-dir", directory + "/data"], workingDirectory: directory)
        let port = try await bloom.waitForPort()

        let client = try LoopbackClient(port: port)
        try client.request("GET", "/health/ready")
        #expect(try await client.readResponse().status == 200)
        try client.request("GET", "/api/models")
        let list = try await client.readResponse().json["models"] as? [[String: Any]]
        #expect(list?.map { $0["name"] as? String } == ["smollm2"])
        #expect(list?.first?["provider"] as? String == "embedded")
        #expect(list?.first?["state"] as? String == "ready")

        try client.request(
            "POST", "/api/models/smollm2/test", headers: [("Content-Type", "application/json")],
            body: #"{"prompt": "Say hello.", "max_tokens": 12}"#)
        let answer = try await client.readResponse(timeout: .seconds(30))
        #expect(answer.status == 200)
        #expect(answer.json["model"] as? String == "smollm2")
        #expect(!(answer.json["text"] as? String ?? "").isEmpty)
        #expect((answer.json["completion_tokens"] as? Int ?? 0) > 0)
        #expect((answer.json["prompt_tokens"] as? Int ?? 0) > 0)

        bloom.signal(SIGTERM)
        #expect(await bloom.waitForExit() == 0)
    }
}
