import BloomStore
import BloomTesting
import Foundation
import Testing

@testable import BloomApp

/// Multi-turn chat through `POST /api/chat/message` against a fake model and a real SQLite
/// store: what the model is sent (memory, trimming) and what is kept (both sides, statuses).
@Suite("Chat conversations")
struct ChatConversationTests {
    /// A visitor message of exactly 59 UTF-8 bytes: 24 estimated tokens ((59 + 2) / 3 + 4).
    static func question(_ number: Int) -> String {
        let start = "Question \(number): "
        return start + String(repeating: "x", count: 59 - start.utf8.count)
    }

    @Test(
        "four turns: each prompt carries the earlier turns in order, system first; the oldest goes when full",
        arguments: TestDatabase.available)
    func memoryAndTrimming(database: TestDatabase) async throws {
        // Budget: window 110 less the 10-token answer reserve = 100 prompt tokens. System prompt
        // "Be brief." is 7, a question 24, an answer "Reply n" 7. Turn 3 needs 93 and fits whole;
        // turn 4 would need 124, and without the first question it needs exactly 100.
        let harness = try await ChatHarness(database, contextWindow: 110, maxTokens: 10)
        var conversation: String?
        for turn in 1...4 {
            harness.fake.setBehavior(.answer(["Reply ", "\(turn)"]))
            let response = try await harness.chat(Self.question(turn), conversation: conversation)
            #expect(response.status == 200)
            #expect(response.json["response"] as? String == "Reply \(turn)")
            if let conversation {
                #expect(response.json["conversation_id"] as? String == conversation)
            }
            conversation = response.json["conversation_id"] as? String
        }

        typealias Turn = ChatHarness.Turn
        let system = Turn(role: "system", content: "Be brief.")
        func user(_ number: Int) -> Turn { Turn(role: "user", content: Self.question(number)) }
        func answer(_ number: Int) -> Turn { Turn(role: "assistant", content: "Reply \(number)") }
        let prompts = harness.promptsReceived
        try #require(prompts.count == 4)
        #expect(prompts[0] == [system, user(1)])
        #expect(prompts[1] == [system, user(1), answer(1), user(2)])
        #expect(prompts[2] == [system, user(1), answer(1), user(2), answer(2), user(3)])
        #expect(prompts[3] == [system, answer(1), user(2), answer(2), user(3), answer(3), user(4)])

        let history = try await harness.get("/api/chat/history/\(try #require(conversation))")
        #expect(history.status == 200)
        #expect(history.json["total"] as? Int == 8)
        let messages = try #require(history.json["messages"] as? [[String: Any]])
        #expect(
            messages.map { $0["role"] as? String } == Array(repeating: ["user", "assistant"], count: 4).flatMap { $0 })
        #expect(messages.map { $0["content"] as? String } == (1...4).flatMap { [Self.question($0), "Reply \($0)"] })
        #expect(messages.allSatisfy { $0["status"] as? String == "complete" })
        let answers = messages.filter { $0["role"] as? String == "assistant" }
        #expect(answers.allSatisfy { $0["model"] as? String == "small" && $0["fallback"] as? Bool == false })
        #expect(answers.allSatisfy { ($0["usage"] as? [String: Any])?["completion_tokens"] as? Int == 2 })
        await harness.stop()
    }

    @Test("a window too small for any earlier turn still sends the system prompt and the new message")
    func trimmingKeepsTheEnds() {
        let conversation = UUID()
        let history = [
            StoredMessage(conversationID: conversation, role: .user, content: "Old question"),
            StoredMessage(conversationID: conversation, role: .assistant, content: "Old answer"),
            StoredMessage(conversationID: conversation, role: .assistant, content: "Sorry", fallback: true),
            StoredMessage(conversationID: conversation, role: .assistant, content: "Half", status: .failed),
        ]
        let tight = ChatPrompt(system: "System", history: history, message: "New", budget: 1)
        #expect(tight.messages.map(\.content) == ["System", "New"])
        #expect(tight.droppedMessages == 2)
        // Fallback texts and failed answers are never sent back to a model.
        let roomy = ChatPrompt(system: "System", history: history, message: "New", budget: nil)
        #expect(roomy.messages.map(\.content) == ["System", "Old question", "Old answer", "New"])
        #expect(roomy.droppedMessages == 0)
    }

    @Test(
        "the message answer carries ids, model, usage, timings and true diagnostic headers",
        arguments: TestDatabase.available)
    func messageFields(database: TestDatabase) async throws {
        let harness = try await ChatHarness(database, .answer(["Hello", " there"]))
        let response = try await harness.chat("Hi!")
        #expect(response.status == 200)
        let json = response.json
        #expect(json["response"] as? String == "Hello there")
        #expect(UUID(uuidString: json["conversation_id"] as? String ?? "") != nil)
        #expect(UUID(uuidString: json["message_id"] as? String ?? "") != nil)
        #expect(json["model_used"] as? String == "small")
        #expect(json["fallback"] as? Bool == false)
        #expect(json["fallback_reason"] == nil)
        let usage = try #require(json["usage"] as? [String: Any])
        // The fake reports 12 prompt tokens and one per piece of text.
        #expect(usage["prompt_tokens"] as? Int == 12)
        #expect(usage["completion_tokens"] as? Int == 2)
        #expect(usage["total_tokens"] as? Int == 14)
        let timings = try #require(json["timings"] as? [String: Any])
        let latency = try #require(timings["latency_ms"] as? Double)
        let firstToken = try #require(timings["time_to_first_token_ms"] as? Double)
        #expect(firstToken > 0 && firstToken <= latency)
        #expect(timings["tokens_per_second"] as? Double == 100)
        #expect(ChatJSONTimestamp.parse(json["timestamp"] as? String) != nil)

        #expect(response.headers["x-bloom-model"] == "small")
        #expect(response.headers["x-bloom-attempts"] == "1")
        #expect(response.headers["x-bloom-fallbacks"] == "0")
        let overhead = try #require(response.headers["x-bloom-gateway-overhead-ms"].flatMap(Double.init))
        #expect(overhead >= 0 && overhead < latency)
        await harness.stop()
    }
}

/// Reads the chat API's timestamps back.
enum ChatJSONTimestamp {
    static func parse(_ text: String?) -> Date? {
        guard let text else { return nil }
        return try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }
}
