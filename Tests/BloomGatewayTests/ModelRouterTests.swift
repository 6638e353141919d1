import BloomGateway
import BloomHTTP
import BloomTesting
import Foundation
import Testing

/// The router against two fake model servers on loopback: every outcome is asserted, and every
/// request must end within its budget.
@Suite("ModelRouter")
struct ModelRouterTests {
    static let messages = [ChatMessage(.user, "Hello")]

    /// Two Ollama models, `first` then `second`, on two fakes, with short budgets.
    func makeRouter(
        _ first: FakeModelServer,
        _ second: FakeModelServer,
        firstContext: Int? = nil,
        configure: (inout RouterPolicy) -> Void = { _ in }
    ) throws -> ModelRouter {
        let catalogue = try Catalogue(models: [
            CatalogueModel(name: "first", provider: .ollama, endpoints: [first.url], contextWindow: firstContext),
            CatalogueModel(name: "second", provider: .ollama, endpoints: [second.url]),
        ])
        var policy = RouterPolicy()
        // Budgets of a second: short enough for the timeout tests to stay quick, long enough that
        // a loaded test machine does not time out a healthy fake's first token.
        policy.firstTokenTimeout = .seconds(1)
        policy.stallTimeout = .seconds(1)
        policy.deadline = .seconds(5)
        policy.retryBackoff = .milliseconds(10)
        configure(&policy)
        let client = try HTTPClient()
        return ModelRouter(catalogue: catalogue, policy: policy) { model, endpoint in
            OllamaProvider(baseURL: endpoint, client: client)
        }
    }

    /// All text and the final error of a generation.
    func drain(_ generation: RoutedGeneration) async -> (text: String, error: (any Error)?) {
        var text = ""
        do {
            for try await event in generation.events {
                if case .delta(let piece) = event { text += piece }
            }
            return (text, nil)
        } catch {
            return (text, error)
        }
    }

    @Test("the first healthy model answers")
    func firstAnswers() async throws {
        let (a, b) = (try FakeModelServer(.answer(["Hi", "!"])), try FakeModelServer(.answer(["no"])))
        let generation = try await self.makeRouter(a, b).generate(Self.messages)
        #expect(generation.model == "first")
        #expect(generation.attempts == 1)
        #expect(generation.fallbacks == 0)
        let (text, error) = await self.drain(generation)
        #expect(text == "Hi!")
        #expect(error == nil)
        #expect(b.requests.isEmpty)
    }

    @Test("a retryable failure is retried, then the next model answers")
    func retryThenFallback() async throws {
        let (a, b) = (try FakeModelServer(.status(503, "busy")), try FakeModelServer(.answer(["ok"])))
        let generation = try await self.makeRouter(a, b).generate(Self.messages)
        #expect(generation.model == "second")
        #expect(generation.fallbacks == 1)
        #expect(generation.attempts == 3)
        #expect(a.requests.count == 2)
        #expect(await self.drain(generation).text == "ok")
    }

    @Test("metrics count attempts, retries, fallbacks, failures by kind, tokens and latencies")
    func metrics() async throws {
        let (a, b) = (try FakeModelServer(.status(503, "busy")), try FakeModelServer(.answer(["o", "k"])))
        let router = try self.makeRouter(a, b)
        _ = await self.drain(try await router.generate(Self.messages))
        let first = router.metrics.snapshot("first")
        #expect(first.requests == 2)
        #expect(first.retries == 1)
        #expect(first.fallbacks == 1)
        #expect(first.failures == ["overloaded": 2])
        #expect(first.successes == 0)
        let second = router.metrics.snapshot("second")
        #expect(second.requests == 1)
        #expect(second.successes == 1)
        #expect(second.tokensIn == 12)
        #expect(second.tokensOut == 2)
        #expect(second.tokensPerSecond == 100)
        #expect(second.latencyP50Milliseconds != nil)
        #expect(second.timeToFirstTokenP50Milliseconds != nil)
        #expect(router.metrics.snapshot("second|\(b.url)").successes == 1)
    }

    @Test("a missing model is not retried; the next model answers")
    func missingModelFallsBack() async throws {
        let (a, b) = (try FakeModelServer(.status(404, "not found")), try FakeModelServer(.answer(["ok"])))
        let generation = try await self.makeRouter(a, b).generate(Self.messages)
        #expect(generation.model == "second")
        #expect(generation.attempts == 2)
        #expect(a.requests.count == 1)
    }

    @Test("a model that gives no first token in time is abandoned (and cancelled upstream) for the next")
    func firstTokenTimeout() async throws {
        let (a, b) = (try FakeModelServer(.hangBeforeFirstToken), try FakeModelServer(.answer(["late but here"])))
        let router = try self.makeRouter(a, b) { $0.retriesPerModel = 0 }
        let start = ContinuousClock.now
        let generation = try await router.generate(Self.messages)
        #expect(generation.model == "second")
        #expect(ContinuousClock.now - start < .seconds(3))
        #expect(await a.probe.waitUntil(timeout: .seconds(2)) { a.probe.has("chat.cancelled") })
    }

    @Test("when every model fails, the error lists each attempt, within the budget")
    func allFail() async throws {
        let (a, b) = (try FakeModelServer(.status(500, "boom")), try FakeModelServer(.hangBeforeFirstToken))
        let router = try self.makeRouter(a, b)
        let start = ContinuousClock.now
        do {
            _ = try await router.generate(Self.messages)
            Issue.record("expected every model to fail")
        } catch let error as RouterError {
            guard case .allFailed(let attempts) = error else {
                Issue.record("unexpected \(error)")
                return
            }
            #expect(attempts.count == 4)
            #expect(attempts.first?.contains("first") == true)
            #expect(attempts.last?.contains("no first token") == true)
        }
        #expect(ContinuousClock.now - start < .seconds(5))
    }

    @Test("a failure after the first token ends the stream with an error and is not retried")
    func midStreamFailure() async throws {
        let (a, b) = (try FakeModelServer(.cut(after: ["Hel", "lo"])), try FakeModelServer(.answer(["dup"])))
        let generation = try await self.makeRouter(a, b).generate(Self.messages)
        let (text, error) = await self.drain(generation)
        #expect(text == "Hello")
        #expect((error as? ProviderError)?.kind == .failedMidStream)
        #expect(b.requests.isEmpty)
    }

    @Test("a stream that stalls between tokens ends within the stall budget")
    func stall() async throws {
        let (a, b) = (
            try FakeModelServer(.answer(["a", "b", "c"], delay: .seconds(5))), try FakeModelServer(.answer([]))
        )
        let generation = try await self.makeRouter(a, b).generate(Self.messages)
        let start = ContinuousClock.now
        let (text, error) = await self.drain(generation)
        #expect(text == "a")
        #expect((error as? ProviderError)?.message.contains("stalled") == true)
        #expect(ContinuousClock.now - start < .seconds(3))
        #expect(await a.probe.waitUntil(timeout: .seconds(2)) { a.probe.has("chat.cancelled") })
    }

    @Test("a deployment that keeps failing cools down and is skipped at once")
    func cooldown() async throws {
        let (a, b) = (try FakeModelServer(.status(500, "boom")), try FakeModelServer(.answer(["ok"])))
        let router = try self.makeRouter(a, b) { policy in
            policy.failuresBeforeCooldown = 2
            policy.retriesPerModel = 1
        }
        _ = try await router.generate(Self.messages)
        #expect(a.requests.count == 2)
        let generation = try await router.generate(Self.messages)
        #expect(generation.model == "second")
        #expect(generation.attempts == 1)
        #expect(a.requests.count == 2)
    }

    @Test("a model whose context is too small for the prompt is skipped")
    func contextWindow() async throws {
        let (a, b) = (try FakeModelServer(.answer(["small"])), try FakeModelServer(.answer(["big"])))
        let router = try self.makeRouter(a, b, firstContext: 16)
        let long = [ChatMessage(.user, String(repeating: "word ", count: 100))]
        let generation = try await router.generate(long)
        #expect(generation.model == "second")
        #expect(a.requests.isEmpty)
    }

    @Test("an explicit model is used alone; unknown models and tasks are errors")
    func explicitModel() async throws {
        let (a, b) = (try FakeModelServer(.answer(["a"])), try FakeModelServer(.answer(["b"])))
        let router = try self.makeRouter(a, b)
        #expect(try await router.generate(Self.messages, model: "second").model == "second")
        await #expect(throws: RouterError.unknownModel("third")) {
            _ = try await router.generate(Self.messages, model: "third")
        }
        await #expect(throws: RouterError.unknownTask("poetry")) {
            _ = try await router.generate(Self.messages, task: "poetry")
        }
    }
}

@Suite("ModelRouter concurrency limits")
struct ModelRouterLimitTests {
    @Test("a full deployment queues, a full queue is refused at once with a retry hint, and queued requests run later")
    func queueing() async throws {
        let fake = try FakeModelServer(.answer(["a", "b"], delay: .milliseconds(150)))
        let catalogue = try Catalogue(models: [CatalogueModel(name: "only", provider: .ollama, endpoints: [fake.url])])
        var policy = RouterPolicy()
        policy.concurrencyPerDeployment = 1
        policy.queuePerDeployment = 1
        let client = try HTTPClient()
        let router = ModelRouter(catalogue: catalogue, policy: policy) { _, endpoint in
            OllamaProvider(baseURL: endpoint, client: client)
        }
        @Sendable func complete() async throws -> String {
            var text = ""
            for try await event in try await router.generate([ChatMessage(.user, "hi")]).events {
                if case .delta(let piece) = event { text += piece }
            }
            return text
        }
        let running = Task { try await complete() }
        #expect(await fake.probe.waitUntil { fake.probe.has("chat.started") })
        let queued = Task { try await complete() }
        try await Task.sleep(for: .milliseconds(50))
        let load = router.load(of: try #require(catalogue.model(named: "only")))
        #expect(load.running == 1)
        #expect(load.waiting == 1)
        let start = ContinuousClock.now
        await #expect(throws: RouterError.overloaded(retryAfterSeconds: 2)) { _ = try await complete() }
        #expect(ContinuousClock.now - start < .milliseconds(200))
        #expect(try await running.value == "ab")
        #expect(try await queued.value == "ab")
        #expect(fake.requests.count == 2)
        await fake.stop()
    }
}
