import BloomCore
import BloomGateway
import BloomHTTP
import BloomTesting
import Foundation
import Testing

/// The embedded provider against the real SmolLM2 file: only in optimised builds, where a
/// generation takes milliseconds rather than minutes.
@Suite("Embedded provider", .serialized, .enabled(if: TestModelFile.canGenerate))
struct EmbeddedProviderTests {
    let path = TestModelFile.path ?? ""

    func request(_ prompt: String, maxTokens: Int = 16, seed: Int? = 7, temperature: Double? = nil) -> ChatRequest {
        var options = GenerationOptions()
        options.maxTokens = maxTokens
        options.seed = seed
        options.temperature = temperature
        return ChatRequest(model: "smollm2", messages: [ChatMessage(.user, prompt)], options: options)
    }

    /// Every event of a generation, in order.
    func collect(_ stream: AsyncThrowingStream<ChatEvent, any Error>) async throws -> [ChatEvent] {
        var events: [ChatEvent] = []
        for try await event in stream { events.append(event) }
        return events
    }

    static func text(_ events: [ChatEvent]) -> String {
        events.map { if case .delta(let text) = $0 { text } else { "" } }.joined()
    }

    static func summary(_ events: [ChatEvent]) -> GenerationSummary? {
        if case .done(let summary) = events.last { summary } else { nil }
    }

    /// Polls `condition` until it holds or `timeout` passes.
    static func eventually(within timeout: Duration, _ condition: () -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if condition() { return true }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return condition()
    }

    @Test("streams text deltas, then one summary with counts, a finish reason and timings")
    func streams() async throws {
        let models = EmbeddedModels(threads: 2)
        let provider = models.provider(path: self.path, keepAlive: .duration(.seconds(60)))
        let events = try await self.collect(try await provider.chat(self.request("What is the capital of France?")))
        let deltas = events.dropLast()
        #expect(deltas.count >= 2)
        #expect(deltas.allSatisfy { if case .delta = $0 { true } else { false } })
        #expect(!Self.text(events).isEmpty)
        let summary = try #require(Self.summary(events))
        #expect(summary.promptTokens > 10)
        #expect(summary.completionTokens > 0 && summary.completionTokens <= 16)
        #expect(["stop", "length"].contains(summary.finishReason))
        #expect(summary.promptDuration.map { $0 > .zero } == true)
        #expect(summary.generationDuration.map { $0 > .zero } == true)
        // The summary goes out just before the model thread marks itself idle.
        #expect(await Self.eventually(within: .seconds(1)) { models.state(of: self.path) == .idle })
        #expect(models.loads(of: self.path) == 1)
    }

    @Test("the same seed gives the same text; a different seed, sampling hot, gives another")
    func seeded() async throws {
        let models = EmbeddedModels(threads: 2)
        let provider = models.provider(path: self.path, keepAlive: .duration(.seconds(60)))
        let prompt = "Write one sentence about the sea."
        func run(seed: Int) async throws -> String {
            Self.text(try await self.collect(try await provider.chat(self.request(prompt, maxTokens: 24, seed: seed))))
        }
        let first = try await run(seed: 42)
        let second = try await run(seed: 42)
        #expect(first == second)
        #expect(!first.isEmpty)
        var others: Set<String> = []
        for seed in 1...3 { others.insert(try await run(seed: seed)) }
        #expect(others.contains { $0 != first })
    }

    @Test("dropping the stream after two deltas stops the generation within a second")
    func cancels() async throws {
        let models = EmbeddedModels(threads: 2)
        let provider = models.provider(path: self.path, keepAlive: .duration(.seconds(60)))
        var request = self.request("Count from one to one thousand in words.", maxTokens: 2000, temperature: 0)
        request.options.stop = []
        var stream: AsyncThrowingStream<ChatEvent, any Error>? = try await provider.chat(request)
        var iterator = stream?.makeAsyncIterator()
        for _ in 0..<2 { _ = try await iterator?.next() }
        #expect(models.state(of: self.path) == .busy)
        let dropped = ContinuousClock.now
        iterator = nil
        stream = nil
        #expect(await Self.eventually(within: .seconds(1)) { models.state(of: self.path) == .idle })
        #expect(ContinuousClock.now - dropped < .seconds(1))
    }

    @Test("two requests at once run one after the other, in the order they came")
    func serialises() async throws {
        let models = EmbeddedModels(threads: 2)
        let provider = models.provider(path: self.path, keepAlive: .duration(.seconds(60)))
        let clock = ContinuousClock()
        let first = try await provider.chat(self.request("Name a colour.", maxTokens: 24))
        let second = try await provider.chat(self.request("Name a fruit.", maxTokens: 24))
        // Read the second first: it must still wait for the first to finish.
        async let secondStart: ContinuousClock.Instant = {
            var iterator = second.makeAsyncIterator()
            _ = try await iterator.next()
            let start = clock.now
            while try await iterator.next() != nil {}
            return start
        }()
        var firstEnd = clock.now
        for try await event in first {
            if case .done = event { firstEnd = clock.now }
        }
        #expect(try await secondStart >= firstEnd - .milliseconds(5))
        #expect(models.loads(of: self.path) == 1)
    }

    @Test("the model unloads once idle past its keep-alive, and a request's keep_alive wins")
    func unloads() async throws {
        let models = EmbeddedModels(threads: 2)
        let provider = models.provider(path: self.path, keepAlive: .duration(.milliseconds(300)))
        _ = try await self.collect(try await provider.chat(self.request("Hi", maxTokens: 2)))
        #expect(models.state(of: self.path) != .unloaded)
        #expect(await Self.eventually(within: .seconds(2)) { models.state(of: self.path) == .unloaded })

        var kept = self.request("Hi", maxTokens: 2)
        kept.keepAlive = "1h"
        _ = try await self.collect(try await provider.chat(kept))
        try await Task.sleep(for: .milliseconds(600))
        #expect(models.state(of: self.path) == .idle)
        #expect(models.loads(of: self.path) == 2)
    }

    @Test("a prompt longer than the context fails with contextExceeded, which is not retried")
    func promptTooLong() async throws {
        let provider = EmbeddedModels(threads: 2).provider(path: self.path, keepAlive: .duration(.seconds(5)))
        var request = self.request(String(repeating: "lorem ipsum dolor ", count: 200))
        request.options.contextSize = 128
        await #expect {
            _ = try await self.collect(try await provider.chat(request))
        } throws: { error in
            guard let error = error as? ProviderError else { return false }
            return error.kind == .contextExceeded && !error.isRetryable && error.message.contains("holds 128")
        }
    }
}

@Suite("Embedded provider without a model file")
struct EmbeddedProviderMissingFileTests {
    @Test("a missing default model is a configuration error that says to run bloom pull smollm2")
    func missingFile() async throws {
        let directory = try TestModelFile.temporaryDirectory("no-model")
        let path = EmbeddedModelReference.defaultPath(dataDirectory: directory)
        let provider = EmbeddedModels(threads: 1).provider(path: path, keepAlive: .duration(.seconds(1)))
        await #expect {
            _ = try await provider.chat(ChatRequest(model: "smollm2", messages: [ChatMessage(.user, "Hi")]))
        } throws: { error in
            guard let error = error as? ProviderError else { return false }
            return error.kind == .modelMissing && !error.isRetryable && error.message.contains("bloom pull smollm2")
        }
    }

    @Test("the probe calls a missing or broken file misconfigured and a GGUF header ready, without loading it")
    func probes() async throws {
        let directory = try TestModelFile.temporaryDirectory("probe")
        let good = directory + "/good.gguf"
        try TestModelFile.writeEmptyGGUF(to: good)
        let broken = directory + "/broken.gguf"
        try Data("not a model".utf8).write(to: URL(fileURLWithPath: broken))
        let missing = EmbeddedModelReference.defaultPath(dataDirectory: directory)
        let catalogue = try Catalogue(models: [
            CatalogueModel(name: "good", provider: .embedded, endpoints: [good]),
            CatalogueModel(name: "broken", provider: .embedded, endpoints: [broken]),
            CatalogueModel(name: "missing", provider: .embedded, endpoints: [missing]),
        ])
        let embedded = EmbeddedModels(threads: 1)
        let monitor = ModelHealthMonitor(catalogue: catalogue, client: try HTTPClient(), embedded: embedded)
        await monitor.refresh()
        #expect(monitor.status(of: "good").state == .ready)
        #expect(monitor.status(of: "good").detail?.contains("not loaded") == true)
        #expect(monitor.status(of: "broken").state == .misconfigured)
        #expect(monitor.status(of: "broken").detail?.contains("not a GGUF file") == true)
        #expect(monitor.status(of: "missing").state == .misconfigured)
        #expect(monitor.status(of: "missing").detail?.contains("bloom pull smollm2") == true)
        #expect(embedded.loads(of: good) == 0)
    }
}
