import BloomGateway
import Foundation
import Testing

@Suite("Ollama model store")
struct OllamaModelStoreTests {
    @Test("lists every pulled model with its size and blob, named as Ollama names them")
    func lists() throws {
        let fake = try FakeOllamaStore()
        let qwen = try fake.add(name: "library/qwen2", tag: "0.5b")
        let mine = try fake.add(name: "alice/helper", tag: "latest")
        let elsewhere = try fake.add(name: "team/coder", tag: "v1", host: "models.example.com")
        let store = OllamaModelStore(root: fake.root)
        #expect(
            store.list() == [
                OllamaModelStore.Entry(name: "alice/helper:latest", size: 24, path: mine),
                OllamaModelStore.Entry(name: "models.example.com/team/coder:v1", size: 24, path: elsewhere),
                OllamaModelStore.Entry(name: "qwen2:0.5b", size: 24, path: qwen),
            ])
    }

    @Test("resolves NAME (tag latest), NAME:TAG and NAMESPACE/NAME:TAG to the weights blob")
    func resolves() throws {
        let fake = try FakeOllamaStore()
        let latest = try fake.add(name: "library/llama3", tag: "latest")
        let small = try fake.add(name: "library/llama3", tag: "1b")
        let mine = try fake.add(name: "alice/helper", tag: "latest")
        let store = OllamaModelStore(root: fake.root)
        #expect(try store.resolve("llama3") == latest)
        #expect(try store.resolve("llama3:1b") == small)
        #expect(try store.resolve("alice/helper") == mine)
    }

    @Test("a model that is not there, or whose weights are gone, says how to get it")
    func missing() throws {
        let fake = try FakeOllamaStore()
        let blob = try fake.add(name: "library/llama3", tag: "latest")
        let store = OllamaModelStore(root: fake.root)
        #expect(throws: OllamaStoreError.self) { try store.resolve("mistral:7b") }
        do {
            _ = try store.resolve("mistral:7b")
        } catch {
            #expect(error.message.contains("ollama pull mistral:7b"))
            #expect(error.message.contains(fake.root))
        }
        try FileManager.default.removeItem(atPath: blob)
        #expect(store.list().isEmpty)
        #expect(throws: OllamaStoreError.self) { try store.resolve("llama3") }
        #expect(throws: OllamaStoreError.self) { try store.resolve("../../etc:passwd") }
    }

    @Test("the store is OLLAMA_MODELS, else ~/.ollama/models")
    func location() {
        #expect(OllamaModelStore(environment: ["OLLAMA_MODELS": "/data/ollama"]).root == "/data/ollama")
        #expect(OllamaModelStore(environment: ["HOME": "/home/bloom"]).root == "/home/bloom/.ollama/models")
    }
}
