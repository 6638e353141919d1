import BloomGateway
import BloomHTTP
import BloomTesting
import Testing

@Suite("ModelHealthMonitor")
struct ModelHealthMonitorTests {
    func monitor(_ models: [CatalogueModel]) throws -> ModelHealthMonitor {
        ModelHealthMonitor(
            catalogue: try Catalogue(models: models), client: try HTTPClient(), probeTimeout: .seconds(1))
    }

    @Test("a pulled model is ready, and chat can be served")
    func ready() async throws {
        let fake = try FakeModelServer(.answer(["x"]))
        fake.setListing(models: ["mistral:latest"])
        let monitor = try self.monitor([CatalogueModel(name: "mistral", provider: .ollama, endpoints: [fake.url])])
        #expect(monitor.status(of: "mistral").state == .unknown)
        #expect(!monitor.canServe(task: "chat"))
        await monitor.refresh()
        #expect(monitor.status(of: "mistral").state == .ready)
        #expect(monitor.status(of: "mistral").latencyMilliseconds != nil)
        #expect(monitor.canServe(task: "chat"))
        await fake.stop()
    }

    @Test("a model the server does not have is misconfigured, with the pull command")
    func notPulled() async throws {
        let fake = try FakeModelServer(.answer(["x"]))
        fake.setListing(models: ["llama3:latest"])
        let monitor = try self.monitor([CatalogueModel(name: "mistral", provider: .ollama, endpoints: [fake.url])])
        await monitor.refresh()
        #expect(monitor.status(of: "mistral").state == .misconfigured)
        #expect(monitor.status(of: "mistral").detail?.contains("ollama pull mistral") == true)
        await fake.stop()
    }

    @Test("a server that does not answer makes the model unreachable, within the probe timeout")
    func unreachable() async throws {
        let monitor = try self.monitor([
            CatalogueModel(name: "gone", provider: .ollama, endpoints: ["http://127.0.0.1:9"])
        ])
        let start = ContinuousClock.now
        await monitor.refresh()
        #expect(monitor.status(of: "gone").state == .unreachable)
        #expect(ContinuousClock.now - start < .seconds(2))
    }

    @Test("an OpenAI-compatible server answering 503 is loading")
    func loading() async throws {
        let fake = try FakeModelServer(.answer(["x"]))
        fake.setListing(models: [], status: 503)
        let monitor = try self.monitor([CatalogueModel(name: "qwen", provider: .openAI, endpoints: [fake.openAIURL])])
        await monitor.refresh()
        #expect(monitor.status(of: "qwen").state == .loading)
        await fake.stop()
    }

    @Test("a model with one endpoint down and one up is ready")
    func bestEndpoint() async throws {
        let fake = try FakeModelServer(.answer(["x"]))
        fake.setListing(models: ["mistral"])
        let model = CatalogueModel(name: "mistral", provider: .ollama, endpoints: ["http://127.0.0.1:9", fake.url])
        let monitor = try self.monitor([model])
        await monitor.refresh()
        #expect(monitor.status(of: "mistral").state == .ready)
        await fake.stop()
    }
}
