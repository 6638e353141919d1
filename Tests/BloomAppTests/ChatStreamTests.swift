import BloomStore
import BloomTesting
import Foundation
import Testing

/// `POST /api/chat/stream` over loopback, and how each way an answer can end is stored.
@Suite("Chat streaming and failures")
struct ChatStreamTests {
    func stream(_ harness: ChatHarness, _ body: String) async throws -> LoopbackResponse {
        try await harness.post("/api/chat/stream", body)
    }

    /// The stored messages of `conversation`, oldest first.
    func transcript(_ harness: ChatHarness, _ conversation: String) async throws -> [StoredMessage] {
        let id = try #require(UUID(uuidString: conversation))
        return try await harness.store.messages(conversation: id, limit: 100, offset: 0)
    }

    @Test(
        "a stream sends one delta per piece of text, then done with the message endpoint's fields",
        arguments: TestDatabase.available)
    func deltasThenDone(database: TestDatabase) async throws {
        let harness = try await ChatHarness(database, .answer(["Hel", "lo", " there"]))
        let response = try await self.stream(harness, #"{"message": "Hi"}"#)
        #expect(response.status == 200)
        #expect(response.headers["content-type"]?.hasPrefix("text/event-stream") == true)
        #expect(response.headers["x-bloom-model"] == "small")
        #expect(response.headers["x-bloom-attempts"] == "1")
        #expect(response.headers["x-bloom-fallbacks"] == "0")
        #expect(response.headers["x-bloom-gateway-overhead-ms"].flatMap(Double.init) != nil)

        let events = serverSentEvents(response.text)
        #expect(events.map(\.event) == ["delta", "delta", "delta", "done"])
        #expect(events.dropLast().map { $0.data["text"] as? String } == ["Hel", "lo", " there"])
        let done = try #require(events.last?.data)
        #expect(done["response"] as? String == "Hello there")
        #expect(done["model_used"] as? String == "small")
        #expect(done["fallback"] as? Bool == false)
        #expect((done["usage"] as? [String: Any])?["completion_tokens"] as? Int == 3)
        #expect((done["timings"] as? [String: Any])?["time_to_first_token_ms"] is Double)

        let conversation = try #require(done["conversation_id"] as? String)
        let stored = try await self.transcript(harness, conversation)
        #expect(stored.map(\.role) == [.user, .assistant])
        #expect(stored.map(\.status) == [.complete, .complete])
        #expect(stored.last?.content == "Hello there")
        #expect(stored.last?.id.uuidString.lowercased() == done["message_id"] as? String)
        await harness.stop()
    }

    @Test(
        "a client that leaves after the first delta: the answer is stored cancelled, and upstream is closed",
        arguments: TestDatabase.available)
    func cancellationMidStream(database: TestDatabase) async throws {
        let harness = try await ChatHarness(database, .answer(["First"]))
        let opened = try await harness.chat("Hello")
        let conversation = try #require(opened.json["conversation_id"] as? String)
        let pieces = ["one"] + Array(repeating: " more", count: 40)
        harness.fake.setBehavior(.answer(pieces, delay: .milliseconds(100)))

        let client = try LoopbackClient(port: harness.port)
        let body = #"{"message": "Tell me a long story", "conversation_id": "\#(conversation)"}"#
        try client.request("POST", "/api/chat/stream", headers: [("Content-Type", "application/json")], body: body)
        let head = try await client.readHead()
        #expect(head.status == 200)
        var received = ""
        while !received.contains("event: delta") {
            let chunk = try #require(try await client.readChunk())
            received += String(decoding: chunk, as: UTF8.self)
        }
        client.abort()

        #expect(await harness.fake.probe.waitUntil { harness.fake.probe.has("chat.cancelled") })
        var answer: StoredMessage?
        for _ in 0..<200 {
            answer = try await self.transcript(harness, conversation).last
            if answer?.status != .pending { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        let stored = try await self.transcript(harness, conversation)
        #expect(stored.map(\.role) == [.user, .assistant, .user, .assistant])
        #expect(stored[2].content == "Tell me a long story")
        #expect(answer?.status == .cancelled)
        #expect(answer?.content.hasPrefix("one") == true)
        #expect((answer?.content.count ?? 0) < pieces.joined().count)
        #expect(answer?.model == "small")
        await harness.stop()
    }

    @Test(
        "every model failing before its first token: the fallback text, marked, and the visitor message kept",
        arguments: TestDatabase.available)
    func fallbackBeforeFirstToken(database: TestDatabase) async throws {
        let harness = try await ChatHarness(database, .status(500, "model exploded"))
        let response = try await harness.chat("Are you there?")
        #expect(response.status == 200)
        #expect(response.json["response"] as? String == ChatHarness.fallbackText)
        #expect(response.json["fallback"] as? Bool == true)
        // The visitor learns the kind of failure; upstream addresses and messages stay inside.
        let reason = try #require(response.json["fallback_reason"] as? String)
        #expect(reason.contains("upstreamStatus"))
        #expect(!reason.contains("127.0.0.1") && !reason.contains("model exploded"))
        #expect(response.json["model_used"] is NSNull)
        #expect(response.headers["x-bloom-model"] == "none")
        // One try and one retry of the only model, which was then given up on.
        #expect(response.headers["x-bloom-attempts"] == "2")
        #expect(response.headers["x-bloom-fallbacks"] == "1")

        let conversation = try #require(response.json["conversation_id"] as? String)
        let stored = try await self.transcript(harness, conversation)
        #expect(stored.map(\.role) == [.user, .assistant])
        #expect(stored.first?.content == "Are you there?")
        #expect(stored.last?.fallback == true)
        #expect(stored.last?.status == .complete)
        #expect(stored.last?.content == ChatHarness.fallbackText)
        #expect(stored.last?.error?.contains("model exploded") == true)

        let streamed = try await self.stream(harness, #"{"message": "Still there?"}"#)
        let events = serverSentEvents(streamed.text)
        #expect(events.map(\.event) == ["delta", "done"])
        #expect(events.first?.data["text"] as? String == ChatHarness.fallbackText)
        #expect(events.last?.data["fallback"] as? Bool == true)
        await harness.stop()
    }

    @Test(
        "when the first model fails, the next one answers: a model answer, and the headers name it",
        arguments: TestDatabase.available)
    func nextModelAnswers(database: TestDatabase) async throws {
        let harness = try await ChatHarness(database, .status(503, "busy"), backup: .answer(["Backup", " here"]))
        let response = try await harness.chat("Anyone?")
        #expect(response.status == 200)
        #expect(response.json["response"] as? String == "Backup here")
        #expect(response.json["model_used"] as? String == "backup")
        #expect(response.json["fallback"] as? Bool == false)
        #expect(response.headers["x-bloom-model"] == "backup")
        // Two tries of `small` (one retry), then one of `backup`.
        #expect(response.headers["x-bloom-attempts"] == "3")
        #expect(response.headers["x-bloom-fallbacks"] == "1")
        #expect(harness.fake.requests.count == 2)

        let conversation = try #require(response.json["conversation_id"] as? String)
        let stored = try await self.transcript(harness, conversation)
        #expect(stored.last?.model == "backup")
        #expect(stored.last?.fallback == false)
        await harness.stop()
    }

    @Test(
        "a failure after the first token ends the stream with an error event; the partial answer is failed",
        arguments: TestDatabase.available)
    func failureAfterFirstToken(database: TestDatabase) async throws {
        let harness = try await ChatHarness(database, .errorLine(after: ["Par", "tial"], "out of memory"))
        let response = try await self.stream(harness, #"{"message": "Hi"}"#)
        #expect(response.status == 200)
        let events = serverSentEvents(response.text)
        #expect(events.map(\.event) == ["delta", "delta", "error"])
        let error = try #require(events.last?.data)
        #expect(error["code"] as? String == "model_failed")
        let message = try #require(error["message"] as? String)
        #expect(message.contains("mid-answer"))
        #expect(!message.contains("out of memory") && !message.contains("127.0.0.1"))

        let answerID = try #require((error["message_id"] as? String).flatMap(UUID.init(uuidString:)))
        let conversation = try #require(error["conversation_id"] as? String)
        let history = try await harness.get("/api/chat/history/\(conversation)")
        let messages = try #require(history.json["messages"] as? [[String: Any]])
        #expect(messages.map { $0["status"] as? String } == ["complete", "failed"])
        #expect(messages.last?["content"] as? String == "Partial")
        #expect(messages.last?["id"] as? String == answerID.uuidString.lowercased())
        #expect(messages.last?["error"] as? String == "the model stopped mid-answer")
        let stored = try await self.transcript(harness, conversation)
        #expect(stored.last?.error?.contains("out of memory") == true)

        let whole = try await harness.chat("Again?")
        #expect(whole.status == 502)
        #expect(whole.errorCode == "model_failed")
        await harness.stop()
    }
}
