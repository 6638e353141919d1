import BloomCore
import BloomGateway
import Foundation
import Testing

@Suite("Catalogue")
struct CatalogueTests {
    /// A configuration whose bloom.json had these `models` and `tasks` sections; without the
    /// embedded default model unless `embedded` is set.
    func configuration(
        models: String? = nil, tasks: String? = nil, ollamaModel: String? = nil, ollamaHost: String? = nil,
        embedded: Bool = false
    )
        -> Configuration
    {
        var configuration = Configuration()
        configuration.embedded = embedded
        if let models { configuration.extraSections["models"] = Data(models.utf8) }
        if let tasks { configuration.extraSections["tasks"] = Data(tasks.utf8) }
        configuration.ollamaModel = ollamaModel
        configuration.ollamaHost = ollamaHost
        return configuration
    }

    @Test("OLLAMA_HOST and OLLAMA_MODEL alone give a one-model catalogue, named as given")
    func runbookSetup() throws {
        let catalogue = try Catalogue(
            configuration: self.configuration(ollamaModel: "mistral", ollamaHost: "http://gpu:11434"),
            environment: [:]
        )
        #expect(
            catalogue.models == [CatalogueModel(name: "mistral", provider: .ollama, endpoints: ["http://gpu:11434"])])
        #expect(catalogue.model(named: "mistral:latest")?.name == "mistral")
        #expect(catalogue.candidates(forTask: "chat")?.map(\.name) == ["mistral"])
    }

    @Test("OLLAMA_MODEL without OLLAMA_HOST uses Ollama's default address")
    func defaultHost() throws {
        let catalogue = try Catalogue(configuration: self.configuration(ollamaModel: "llama3"), environment: [:])
        #expect(catalogue.model(named: "llama3")?.endpoints == ["http://localhost:11434"])
    }

    @Test("bloom.json models and tasks are read, with options, several endpoints and a key from the environment")
    func fromFile() throws {
        let models = """
            [{"name": "fast", "provider": "openai",
              "endpoints": ["http://127.0.0.1:8080/v1/", "http://127.0.0.1:8081/v1"],
              "model": "qwen2-0.5b", "context_window": 4096, "options": {"temperature": 0.2, "max_tokens": 256},
              "api_key_env": "FAST_KEY"},
             {"name": "smart", "provider": "ollama", "endpoint": "http://gpu:11434", "capabilities": ["chat", "json"],
              "concurrency": 32}]
            """
        let tasks = #"{"chat": ["smart", "fast"], "lead_qualification": ["fast"]}"#
        let catalogue = try Catalogue(
            configuration: self.configuration(models: models, tasks: tasks),
            environment: ["FAST_KEY": "sk-123"]
        )
        let fast = try #require(catalogue.model(named: "fast"))
        #expect(fast.endpoints == ["http://127.0.0.1:8080/v1", "http://127.0.0.1:8081/v1"])
        #expect(fast.upstreamModel == "qwen2-0.5b")
        #expect(fast.contextWindow == 4096)
        #expect(fast.defaultOptions.temperature == 0.2)
        #expect(fast.defaultOptions.maxTokens == 256)
        #expect(fast.apiKey == "sk-123")
        #expect(catalogue.model(named: "smart")?.capabilities == ["chat", "json"])
        #expect(catalogue.model(named: "smart")?.concurrency == 32)
        #expect(fast.concurrency == nil)
        #expect(catalogue.candidates(forTask: "chat")?.map(\.name) == ["smart", "fast"])
        #expect(catalogue.candidates(forTask: "lead_qualification")?.map(\.name) == ["fast"])
        #expect(catalogue.candidates(forTask: "recommendation") == nil)
    }

    @Test(
        "a broken catalogue is refused with a message naming the problem",
        arguments: [
            (
                #"[{"name": "a", "provider": "ollama", "endpoint": "http://x:1"},"#
                    + #" {"name": "a", "provider": "ollama", "endpoint": "http://y:1"}]"#,
                nil, "used twice"
            ),
            (#"[{"name": "a", "provider": "bard", "endpoint": "http://x:1"}]"#, nil, "\"provider\": ollama or openai"),
            (#"[{"name": "a", "provider": "ollama"}]"#, nil, "no endpoints"),
            (#"[{"name": "a", "provider": "ollama", "endpoint": "https://x:1"}]"#, nil, "expected an http:// URL"),
            (
                #"[{"name": "a", "provider": "ollama", "endpoint": "http://x:1", "colour": "red"}]"#, nil,
                "unknown key \"colour\""
            ),
            (
                #"[{"name": "a", "provider": "ollama", "endpoint": "http://x:1", "options": {"temperature": "hot"}}]"#,
                nil, "must be a number"
            ),
            (
                #"[{"name": "a", "provider": "openai", "endpoint": "http://x:1", "api_key_env": "NOPE"}]"#, nil,
                "NOPE, which is not set"
            ),
            (
                #"[{"name": "a", "provider": "ollama", "endpoint": "http://x:1"}]"#, #"{"chat": ["b"]}"#,
                "unknown model \"b\""
            ),
            (#"{"name": "a"}"#, nil, "must be a list"),
            (
                #"[{"name": "a", "provider": "ollama", "endpoint": "http://x:1", "concurrency": 0}]"#, nil,
                "expected a whole number from 1 to 4096"
            ),
        ]
    )
    func refusals(models: String, tasks: String?, message: String) {
        #expect {
            _ = try Catalogue(configuration: self.configuration(models: models, tasks: tasks), environment: [:])
        } throws: { error in
            (error as? CatalogueError)?.message.contains(message) == true
        }
    }

    @Test("a model in bloom.json wins over OLLAMA_MODEL of the same name")
    func fileWins() throws {
        let models = #"[{"name": "mistral", "provider": "ollama", "endpoint": "http://gpu:11434"}]"#
        let catalogue = try Catalogue(
            configuration: self.configuration(models: models, ollamaModel: "mistral", ollamaHost: "http://other:11434"),
            environment: [:]
        )
        #expect(catalogue.models.count == 1)
        #expect(catalogue.model(named: "mistral")?.endpoints == ["http://gpu:11434"])
    }
}
