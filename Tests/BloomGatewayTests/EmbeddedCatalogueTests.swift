import BloomCore
import BloomGateway
import BloomTesting
import Foundation
import Testing

@Suite("Embedded models in the catalogue")
struct EmbeddedCatalogueTests {
    func configuration(models: String? = nil, tasks: String? = nil, dataDirectory: String = "/srv/bloom")
        -> Configuration
    {
        var configuration = Configuration()
        configuration.dataDirectory = dataDirectory
        if let models { configuration.extraSections["models"] = Data(models.utf8) }
        if let tasks { configuration.extraSections["tasks"] = Data(tasks.utf8) }
        return configuration
    }

    @Test("with nothing configured, the catalogue is SmolLM2 from the data directory, one generation at a time")
    func defaultModel() throws {
        let catalogue = try Catalogue(configuration: self.configuration(), environment: [:])
        let model = try #require(catalogue.model(named: "smollm2"))
        #expect(model.provider == .embedded)
        #expect(model.endpoints == ["/srv/bloom/models/SmolLM2-135M-Instruct.Q4_1.gguf"])
        #expect(model.concurrency == 1)
        #expect(catalogue.candidates(forTask: "chat")?.map(\.name) == ["smollm2"])
    }

    @Test("SmolLM2 comes after every configured model, in the chat task too, and stays out of other tasks")
    func defaultComesLast() throws {
        let models = #"[{"name": "big", "provider": "ollama", "endpoint": "http://gpu:11434"}]"#
        let withoutTasks = try Catalogue(configuration: self.configuration(models: models), environment: [:])
        #expect(withoutTasks.models.map(\.name) == ["big", "smollm2"])
        #expect(withoutTasks.candidates(forTask: "chat")?.map(\.name) == ["big", "smollm2"])

        let tasks = #"{"chat": ["big"], "lead_qualification": ["big"]}"#
        let withTasks = try Catalogue(configuration: self.configuration(models: models, tasks: tasks), environment: [:])
        #expect(withTasks.candidates(forTask: "chat")?.map(\.name) == ["big", "smollm2"])
        #expect(withTasks.candidates(forTask: "lead_qualification")?.map(\.name) == ["big"])
    }

    @Test("BLOOM_EMBEDDED=off leaves SmolLM2 out")
    func switchedOff() throws {
        let directory = try TestModelFile.temporaryDirectory("embedded-off")
        let configuration = try ConfigurationLoader(
            environment: ["BLOOM_EMBEDDED": "off"], workingDirectory: directory
        ).load()
        #expect(!configuration.embedded)
        let catalogue = try Catalogue(configuration: configuration, environment: [:])
        #expect(catalogue.models.isEmpty)
        #expect(catalogue.candidates(forTask: "chat") == nil)
    }

    @Test("a model named smollm2 in bloom.json replaces the default and keeps its own task order")
    func ownSmolLM2() throws {
        let models = #"[{"name": "smollm2", "provider": "embedded", "path": "/models/other.gguf"}]"#
        let catalogue = try Catalogue(configuration: self.configuration(models: models), environment: [:])
        #expect(catalogue.models.map(\.endpoints) == [["/models/other.gguf"]])
    }

    @Test("bloom.json embedded models: a path, smollm2, or a name from the Ollama store")
    func fromFile() throws {
        let store = try FakeOllamaStore()
        let blob = try store.add(name: "library/qwen2", tag: "0.5b")
        let models = """
            [{"name": "local", "provider": "embedded", "path": "/models/llama.gguf", "options": {"num_ctx": 2048}},
             {"name": "tiny", "provider": "embedded", "model": "smollm2"},
             {"name": "qwen", "provider": "embedded", "model": "ollama:qwen2:0.5b"}]
            """
        let catalogue = try Catalogue(
            configuration: self.configuration(models: models), environment: ["OLLAMA_MODELS": store.root])
        #expect(catalogue.model(named: "local")?.endpoints == ["/models/llama.gguf"])
        #expect(catalogue.model(named: "local")?.defaultOptions.contextSize == 2048)
        #expect(catalogue.model(named: "tiny")?.endpoints == ["/srv/bloom/models/SmolLM2-135M-Instruct.Q4_1.gguf"])
        #expect(catalogue.model(named: "qwen")?.endpoints == [blob])
        #expect(catalogue.model(named: "qwen")?.upstreamModel == "ollama:qwen2:0.5b")
    }

    @Test(
        "broken embedded models are refused, naming the model and what to give",
        arguments: [
            (#"{"name": "x", "provider": "embedded"}"#, "needs \"path\""),
            (#"{"name": "x", "provider": "embedded", "endpoint": "http://a"}"#, "not endpoints"),
            (#"{"name": "x", "provider": "embedded", "model": "llama3"}"#, "expected smollm2, ollama:NAME[:TAG]"),
            (#"{"name": "x", "provider": "embedded", "model": "ollama:nothere"}"#, "run `ollama pull nothere:latest`"),
        ]
    )
    func refused(model: String, message: String) throws {
        let store = try FakeOllamaStore()
        #expect {
            try Catalogue(
                configuration: self.configuration(models: "[\(model)]"), environment: ["OLLAMA_MODELS": store.root])
        } throws: { error in
            let text = (error as? CatalogueError)?.message ?? ""
            return text.contains("model \"x\"") && text.contains(message)
        }
    }
}

/// An Ollama model store in a temporary folder, in Ollama's own layout.
struct FakeOllamaStore {
    let root: String

    init() throws {
        self.root = try TestModelFile.temporaryDirectory("ollama-store")
    }

    /// Adds `NAMESPACE/NAME:TAG` from registry.ollama.ai with a tiny GGUF as its weights;
    /// returns the blob's path.
    @discardableResult
    func add(name: String, tag: String, host: String = "registry.ollama.ai") throws -> String {
        let digest = UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        let blobs = self.root + "/blobs"
        try FileManager.default.createDirectory(atPath: blobs, withIntermediateDirectories: true)
        let blob = "\(blobs)/sha256-\(digest)"
        try TestModelFile.writeEmptyGGUF(to: blob)
        let folder = "\(self.root)/manifests/\(host)/\(name)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let manifest = """
            {"schemaVersion": 2, "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
             "config": {"mediaType": "application/vnd.docker.container.image.v1+json", "digest": "sha256:00"},
             "layers": [
               {"mediaType": "application/vnd.ollama.image.template", "digest": "sha256:11", "size": 10},
               {"mediaType": "application/vnd.ollama.image.model", "digest": "sha256:\(digest)", "size": 24}]}
            """
        try manifest.write(toFile: "\(folder)/\(tag)", atomically: true, encoding: .utf8)
        return blob
    }
}
