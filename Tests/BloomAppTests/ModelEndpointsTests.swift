import BloomTesting
import Foundation
import Glibc
import Testing

/// The runbook's model checks against the real `bloom` binary and a fake Ollama on loopback.
/// The embedded default model is off here (`BLOOM_EMBEDDED=off`): these tests are about the
/// configured models; EmbeddedServeTests covers the default one.
@Suite("Model endpoints of bloom serve", .serialized)
struct ModelEndpointsTests {
    static let noEmbedded = ["BLOOM_EMBEDDED": "off"]

    func serve(_ environment: [String: String]) async throws -> (BloomProcess, Int) {
        let directory = NSTemporaryDirectory() + "bloom-models-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let bloom = try BloomProcess(
            ["serve", "--port", "0", "--data-dir", directory + "/data"],
            environment: environment.merging(Self.noEmbedded) { $1 },
            workingDirectory: directory
        )
        return (bloom, try await bloom.waitForPort())
    }

    func get(_ path: String, port: Int) async throws -> LoopbackResponse {
        let client = try LoopbackClient(port: port)
        try client.request("GET", path)
        return try await client.readResponse()
    }

    @Test("OLLAMA_HOST and OLLAMA_MODEL alone: /api/models lists the model as healthy, ready is 200")
    func runbookModel() async throws {
        let fake = try FakeModelServer(.answer(["hi"]))
        fake.setListing(models: ["mistral:latest"])
        let (bloom, port) = try await self.serve(["OLLAMA_HOST": fake.url, "OLLAMA_MODEL": "mistral"])

        let list = try await self.get("/api/models", port: port)
        #expect(list.status == 200)
        let models = try #require(list.json["models"] as? [[String: Any]])
        #expect(models.count == 1)
        #expect(models.first?["name"] as? String == "mistral")
        #expect(models.first?["provider"] as? String == "ollama")
        #expect(models.first?["health"] as? Bool == true)
        #expect(models.first?["state"] as? String == "ready")

        let detail = try await self.get("/api/models/mistral:latest", port: port)
        #expect(detail.status == 200)
        #expect(detail.json["endpoints"] as? [String] == [fake.url])
        #expect(detail.json["tasks"] as? [String] == ["chat"])

        let task = try await self.get("/api/models/tasks/chat", port: port)
        #expect((task.json["models"] as? [[String: Any]])?.first?["name"] as? String == "mistral")

        #expect(try await self.get("/health/ready", port: port).status == 200)

        let client = try LoopbackClient(port: port)
        try client.request(
            "POST", "/api/models/mistral/test", headers: [("Content-Type", "application/json")],
            body: #"{"prompt": "Hi?"}"#)
        let tested = try await client.readResponse()
        #expect(tested.status == 200)
        #expect(tested.json["text"] as? String == "hi")
        #expect(tested.json["model"] as? String == "mistral")
        #expect(tested.json["completion_tokens"] as? Int == 1)
        #expect(tested.json["latency_ms"] is Double)
        let after = try await self.get("/api/models", port: port)
        let metrics = (after.json["models"] as? [[String: Any]])?.first?["metrics"] as? [String: Any]
        #expect(metrics?["successes"] as? Int == 1)
        #expect(metrics?["tokens_out"] as? Int == 1)
        let sent = try #require(fake.requests.last)
        #expect((sent["messages"] as? [[String: String]])?.first?["content"] == "Hi?")

        try client.request("POST", "/api/models/mistral/warmup", body: "")
        let warm = try await client.readResponse()
        #expect(warm.status == 200)
        #expect(warm.json["warm"] as? Bool == true)
        #expect((fake.requests.last?["options"] as? [String: Any])?["num_predict"] as? Int == 1)

        try client.request(
            "POST", "/api/models/benchmark", headers: [("Content-Type", "application/json")],
            body: #"{"models": ["mistral"], "prompts": ["one", "two"], "max_tokens": 8}"#)
        let bench = try await client.readResponse()
        #expect(bench.status == 200)
        #expect((bench.json["runs"] as? [[String: Any]])?.count == 2)
        let benchModel = (bench.json["models"] as? [[String: Any]])?.first
        #expect(benchModel?["succeeded"] as? Int == 2)
        #expect(benchModel?["mean_latency_ms"] is Double)
        #expect(
            fake.requests.suffix(2).compactMap { ($0["messages"] as? [[String: String]])?.first?["content"] } == [
                "one", "two",
            ])

        try client.request("POST", "/api/models/benchmark", body: #"{"models": [], "prompts": ["x"]}"#)
        #expect(try await client.readResponse().errorCode == "invalid_models")
        try client.request("POST", "/api/models/benchmark", body: #"{"models": ["zzz"], "prompts": ["x"]}"#)
        #expect(try await client.readResponse().status == 404)

        fake.setBehavior(.status(500, "boom"))
        try client.request("POST", "/api/models/mistral/test", body: "")
        let failed = try await client.readResponse()
        #expect(failed.status == 502)
        #expect(failed.errorCode == "model_failed")
        bloom.signal(SIGTERM)
        #expect(await bloom.waitForExit() == 0)
        await fake.stop()
    }

    @Test("bloom models prints each model's state; bloom chat streams an answer")
    func commands() async throws {
        let fake = try FakeModelServer(.answer(["Hello", " from", " fake"]))
        fake.setListing(models: ["mistral:latest"])
        let environment = ["OLLAMA_HOST": fake.url, "OLLAMA_MODEL": "mistral", "BLOOM_EMBEDDED": "off"]
        let directory = NSTemporaryDirectory()

        let models = try BloomProcess(["models"], environment: environment, workingDirectory: directory)
        #expect(await models.waitForExit() == 0)
        #expect(models.text.contains("NAME"))
        #expect(models.text.contains("mistral"))
        #expect(models.text.contains("ready"))

        let chat = try BloomProcess(["chat", "Say hello"], environment: environment, workingDirectory: directory)
        #expect(await chat.waitForExit() == 0)
        #expect(chat.text.contains("Hello from fake"))
        #expect(chat.text.contains("model mistral"))
        #expect(chat.text.contains("3 tokens"))

        fake.setListing(models: [])
        let missing = try BloomProcess(["models"], environment: environment, workingDirectory: directory)
        #expect(await missing.waitForExit() == 1)
        #expect(missing.text.contains("misconfigured"))
        await fake.stop()
    }

    @Test("BLOOM_WARMUP=on asks each chat model for one token at start")
    func warmupAtStart() async throws {
        let fake = try FakeModelServer(.answer(["x"]))
        fake.setListing(models: ["mistral:latest"])
        let (bloom, _) = try await self.serve([
            "OLLAMA_HOST": fake.url, "OLLAMA_MODEL": "mistral", "BLOOM_WARMUP": "on",
        ])
        #expect(await fake.probe.waitUntil(timeout: .seconds(5)) { fake.probe.has("chat.completed") })
        #expect((fake.requests.first?["options"] as? [String: Any])?["num_predict"] as? Int == 1)
        #expect(await fake.probe.waitUntil(timeout: .seconds(2)) { bloom.text.contains("model warmed") })
        bloom.signal(SIGTERM)
        #expect(await bloom.waitForExit() == 0)
        await fake.stop()
    }

    @Test("bloom reload swaps in a changed catalogue without a restart; a broken one is refused")
    func reload() async throws {
        let fake = try FakeModelServer(.answer(["x"]))
        let directory = NSTemporaryDirectory() + "bloom-reload-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        func write(_ models: [String]) throws {
            let entries = models.map { #"{"name": "\#($0)", "provider": "ollama", "endpoint": "\#(fake.url)"}"# }
            try #"{"models": [\#(entries.joined(separator: ","))]}"#.write(
                toFile: directory + "/bloom.json", atomically: true, encoding: .utf8)
        }
        try write(["a"])
        let arguments = ["--config", "bloom.json", "--data-dir", directory + "/data"]
        let bloom = try BloomProcess(
            ["serve", "--port", "0"] + arguments, environment: Self.noEmbedded, workingDirectory: directory)
        let port = try await bloom.waitForPort()
        func count() async throws -> Int {
            (try await self.get("/api/models", port: port).json["models"] as? [Any])?.count ?? -1
        }
        #expect(try await count() == 1)

        try write(["a", "b"])
        let reload = try BloomProcess(["reload"] + arguments, workingDirectory: directory)
        #expect(await reload.waitForExit() == 0)
        let deadline = ContinuousClock.now + .seconds(5)
        while try await count() != 2 && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
        #expect(try await count() == 2)
        #expect(bloom.text.contains("configuration reloaded"))

        try "{ not json".write(toFile: directory + "/bloom.json", atomically: true, encoding: .utf8)
        bloom.signal(SIGHUP)
        let failed = ContinuousClock.now + .seconds(5)
        while !bloom.text.contains("reload failed") && ContinuousClock.now < failed {
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(bloom.text.contains("reload failed"))
        #expect(try await count() == 2)

        bloom.signal(SIGTERM)
        #expect(await bloom.waitForExit() == 0)
        #expect(!FileManager.default.fileExists(atPath: directory + "/data/bloom.pid"))
        await fake.stop()
    }

    @Test("unknown models and tasks are JSON 404s")
    func unknown() async throws {
        let (bloom, port) = try await self.serve([:])
        let model = try await self.get("/api/models/nope", port: port)
        #expect(model.status == 404)
        #expect(model.errorCode == "model_not_found")
        let task = try await self.get("/api/models/tasks/nope", port: port)
        #expect(task.status == 404)
        #expect(task.errorCode == "task_not_found")
        bloom.signal(SIGTERM)
        #expect(await bloom.waitForExit() == 0)
    }

    @Test("with no model that can chat, ready is 503 waiting for chat and health is degraded, not down")
    func noModel() async throws {
        let fake = try FakeModelServer(.answer(["hi"]))
        fake.setListing(models: ["llama3:latest"])
        let (bloom, port) = try await self.serve(["OLLAMA_HOST": fake.url, "OLLAMA_MODEL": "mistral"])
        let ready = try await self.get("/health/ready", port: port)
        #expect(ready.status == 503)
        #expect(ready.json["waiting_for"] as? [String] == ["chat"])
        let health = try await self.get("/health", port: port)
        #expect(health.status == 200)
        #expect(health.json["status"] as? String == "degraded")
        let models = try #require(health.json["dependencies"] as? [String: [String: Any]])
        #expect((models["models"]?["detail"] as? String)?.contains("misconfigured") == true)
        let list = try await self.get("/api/models", port: port)
        #expect((list.json["models"] as? [[String: Any]])?.first?["health"] as? Bool == false)
        bloom.signal(SIGTERM)
        #expect(await bloom.waitForExit() == 0)
        await fake.stop()
    }
}
