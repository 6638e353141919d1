import BloomGateway
import BloomHTTP
import BloomTesting
import Foundation
import Testing

@Suite("OllamaProvider against a fake Ollama on loopback")
struct OllamaProviderTests {
    static let request = ChatRequest(
        model: "mistral:latest",
        messages: [ChatMessage(.system, "Be brief."), ChatMessage(.user, "Hello")]
    )

    func run(_ behavior: FakeModelServer.Behavior, _ request: ChatRequest = Self.request) async throws -> (
        events: [ChatEvent], error: ProviderError?, fake: FakeModelServer
    ) {
        let fake = try FakeModelServer(behavior)
        let provider = OllamaProvider(baseURL: fake.url, client: try HTTPClient())
        var events: [ChatEvent] = []
        do {
            for try await event in try await provider.chat(request) { events.append(event) }
            return (events, nil, fake)
        } catch let error as ProviderError {
            return (events, error, fake)
        }
    }

    @Test("an answer streams its tokens in order, then a summary with Ollama's counts and timings")
    func answer() async throws {
        let (events, error, fake) = try await self.run(.answer(["Hi", " there", "!"]))
        #expect(error == nil)
        #expect(events.dropLast() == [.delta("Hi"), .delta(" there"), .delta("!")])
        guard case .done(let summary) = events.last else {
            Issue.record("no summary")
            return
        }
        #expect(summary.promptTokens == 12)
        #expect(summary.completionTokens == 3)
        #expect(summary.finishReason == "stop")
        #expect(summary.generationDuration == .milliseconds(30))
        #expect(summary.tokensPerSecond == 100)
        await fake.stop()
    }

    @Test("the request carries the model, the messages, streaming and the options in Ollama's names")
    func requestBody() async throws {
        var request = Self.request
        request.options.temperature = 0.2
        request.options.maxTokens = 64
        request.options.contextSize = 4096
        request.options.seed = 7
        request.options.stop = ["\n\n"]
        request.options.jsonOutput = true
        request.keepAlive = "10m"
        let (_, error, fake) = try await self.run(.answer(["{}"]), request)
        #expect(error == nil)
        let body = try #require(fake.requests.first)
        #expect(body["model"] as? String == "mistral:latest")
        #expect(body["stream"] as? Bool == true)
        #expect(body["format"] as? String == "json")
        #expect(body["keep_alive"] as? String == "10m")
        let messages = try #require(body["messages"] as? [[String: String]])
        #expect(messages == [["role": "system", "content": "Be brief."], ["role": "user", "content": "Hello"]])
        let options = try #require(body["options"] as? [String: Any])
        #expect(options["temperature"] as? Double == 0.2)
        #expect(options["num_predict"] as? Int == 64)
        #expect(options["num_ctx"] as? Int == 4096)
        #expect(options["seed"] as? Int == 7)
        #expect(options["stop"] as? [String] == ["\n\n"])
        await fake.stop()
    }

    @Test(
        "failures are classified for the router",
        arguments: [
            (
                FakeModelServer.Behavior.status(404, "model 'mistral' not found"), ProviderError.Kind.modelMissing,
                false
            ),
            (.status(503, "server busy"), .overloaded, true),
            (.status(500, "boom"), .upstreamStatus, true),
            (.errorLine(after: [], "out of memory"), .upstreamStatus, true),
            (.errorLine(after: ["Hi"], "out of memory"), .failedMidStream, false),
            (.malformedLine(after: []), .malformed, true),
            (.malformedLine(after: ["Hi"]), .failedMidStream, false),
            (.cut(after: ["Hi", " there"]), .failedMidStream, false),
        ]
    )
    func failures(behavior: FakeModelServer.Behavior, kind: ProviderError.Kind, retryable: Bool) async throws {
        let (_, error, fake) = try await self.run(behavior)
        #expect(error?.kind == kind)
        #expect(error?.isRetryable == retryable)
        await fake.stop()
    }

    @Test("a missing model tells the operator to pull it")
    func pullHint() async throws {
        let (_, error, fake) = try await self.run(.status(404, "model 'mistral:latest' not found"))
        #expect(error?.message.contains("ollama pull mistral:latest") == true)
        await fake.stop()
    }

    @Test("text sent before a mid-stream failure is still delivered")
    func partialText() async throws {
        let (events, error, fake) = try await self.run(.cut(after: ["Hi", " there"]))
        #expect(events == [.delta("Hi"), .delta(" there")])
        #expect(error?.kind == .failedMidStream)
        await fake.stop()
    }

    @Test("an unreachable server is reported as unreachable, quickly")
    func unreachable() async throws {
        let provider = OllamaProvider(baseURL: "http://127.0.0.1:9", client: try HTTPClient())
        let start = ContinuousClock.now
        do {
            _ = try await provider.chat(Self.request)
            Issue.record("expected a failure")
        } catch let error as ProviderError {
            #expect(error.kind == .unreachable)
            #expect(error.isRetryable)
        }
        #expect(ContinuousClock.now - start < .seconds(2))
    }

    @Test("cancelling the consumer stops the generation upstream")
    func cancellation() async throws {
        let fake = try FakeModelServer(.hangBeforeFirstToken)
        let provider = OllamaProvider(baseURL: fake.url, client: try HTTPClient())
        let consumer = Task {
            for try await _ in try await provider.chat(Self.request) {}
        }
        #expect(await fake.probe.waitUntil { fake.probe.has("chat.started") })
        consumer.cancel()
        #expect(await fake.probe.waitUntil(timeout: .seconds(2)) { fake.probe.has("chat.cancelled") })
        await fake.stop()
    }
}
