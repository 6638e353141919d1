import BloomGateway
import BloomHTTP
import BloomTesting
import Foundation
import Testing

@Suite("OpenAIProvider against a fake OpenAI-compatible server on loopback")
struct OpenAIProviderTests {
    static let request = ChatRequest(model: "qwen2", messages: [ChatMessage(.user, "Hello")])

    func run(_ behavior: FakeModelServer.Behavior, _ request: ChatRequest = Self.request) async throws -> (
        events: [ChatEvent], error: ProviderError?, fake: FakeModelServer
    ) {
        let fake = try FakeModelServer(behavior)
        let provider = OpenAIProvider(baseURL: fake.openAIURL, apiKey: "sk-test", client: try HTTPClient())
        var events: [ChatEvent] = []
        do {
            for try await event in try await provider.chat(request) { events.append(event) }
            return (events, nil, fake)
        } catch let error as ProviderError {
            return (events, error, fake)
        }
    }

    @Test("an answer streams its deltas, then a summary from the usage chunk (choices empty)")
    func answer() async throws {
        let (events, error, fake) = try await self.run(.answer(["Hi", " there"]))
        #expect(error == nil)
        #expect(events.dropLast() == [.delta("Hi"), .delta(" there")])
        #expect(events.last == .done(GenerationSummary(promptTokens: 12, completionTokens: 2, finishReason: "stop")))
        await fake.stop()
    }

    @Test("the request streams with usage and carries the options")
    func requestBody() async throws {
        var request = Self.request
        request.options.maxTokens = 32
        request.options.temperature = 0
        request.options.stop = ["</s>"]
        request.options.jsonOutput = true
        let (_, error, fake) = try await self.run(.answer(["{}"]), request)
        #expect(error == nil)
        let body = try #require(fake.requests.first)
        #expect(body["model"] as? String == "qwen2")
        #expect(body["stream"] as? Bool == true)
        #expect((body["stream_options"] as? [String: Bool])?["include_usage"] == true)
        #expect(body["max_tokens"] as? Int == 32)
        #expect(body["temperature"] as? Double == 0)
        #expect(body["stop"] as? [String] == ["</s>"])
        #expect((body["response_format"] as? [String: String])?["type"] == "json_object")
        await fake.stop()
    }

    @Test(
        "failures are classified for the router",
        arguments: [
            (FakeModelServer.Behavior.status(404, "model not found"), ProviderError.Kind.modelMissing),
            (.status(503, "Loading model"), .loading),
            (.status(503, "no slot available"), .overloaded),
            (.status(429, "too many requests"), .overloaded),
            (.status(500, "boom"), .upstreamStatus),
            (.errorLine(after: [], "context overflow"), .upstreamStatus),
            (.errorLine(after: ["Hi"], "context overflow"), .failedMidStream),
            (.malformedLine(after: []), .malformed),
            (.cut(after: ["Hi"]), .failedMidStream),
        ]
    )
    func failures(behavior: FakeModelServer.Behavior, kind: ProviderError.Kind) async throws {
        let (_, error, fake) = try await self.run(behavior)
        #expect(error?.kind == kind)
        await fake.stop()
    }

    @Test("cancelling the consumer stops the generation upstream")
    func cancellation() async throws {
        let fake = try FakeModelServer(.hangBeforeFirstToken)
        let provider = OpenAIProvider(baseURL: fake.openAIURL, client: try HTTPClient())
        let consumer = Task {
            for try await _ in try await provider.chat(Self.request) {}
        }
        #expect(await fake.probe.waitUntil { fake.probe.has("chat.started") })
        consumer.cancel()
        #expect(await fake.probe.waitUntil(timeout: .seconds(2)) { fake.probe.has("chat.cancelled") })
        await fake.stop()
    }
}
