import BloomTesting
import Foundation
import Testing

/// Validation of chat requests, and the stored transcript: paging and deletion.
@Suite("Chat validation and history")
struct ChatHistoryTests {
    struct Invalid: Sendable, CustomStringConvertible {
        let body: String
        let status: Int
        let code: String
        /// The field the error message must name.
        let field: String
        var description: String { "\(self.code): \(self.body.prefix(60))" }
    }

    static let invalid: [Invalid] = [
        Invalid(body: #"{"message": ""}"#, status: 400, code: "invalid_message", field: "message"),
        Invalid(body: #"{"message": "  \n\t "}"#, status: 400, code: "invalid_message", field: "message"),
        Invalid(
            body: #"{"message": "\#(String(repeating: "a", count: 10_001))"}"#, status: 400, code: "invalid_message",
            field: "message"),
        Invalid(body: #"{"conversation_id": "x"}"#, status: 400, code: "invalid_message", field: "message"),
        Invalid(body: #"{"message": 42}"#, status: 400, code: "invalid_json", field: "message"),
        Invalid(
            body: #"{"message": "Hi", "conversation_id": "not-a-uuid"}"#, status: 400,
            code: "invalid_conversation_id", field: "conversation_id"),
        Invalid(
            body: #"{"message": "Hi", "conversation_id": "\#(UUID().uuidString)"}"#, status: 404,
            code: "conversation_not_found", field: "conversation_id"),
        Invalid(body: #"{"message": "Hi", "task": "astrology"}"#, status: 404, code: "task_not_found", field: "task"),
        Invalid(body: #"{"message": "Hi", "model": "gpt-9"}"#, status: 404, code: "model_not_found", field: "model"),
        Invalid(body: #"{"message": "Hi", "model": " "}"#, status: 400, code: "invalid_model", field: "model"),
    ]

    @Test(
        "an invalid chat request is refused with a JSON error naming the field, on both endpoints",
        arguments: TestDatabase.available, invalid)
    func validation(database: TestDatabase, _ invalid: Invalid) async throws {
        let harness = try await ChatHarness(database)
        for path in ["/api/chat/message", "/api/chat/stream"] {
            let response = try await harness.post(path, invalid.body)
            #expect(response.status == invalid.status, "\(path)")
            #expect(response.errorCode == invalid.code, "\(path)")
            let message = (response.json["error"] as? [String: Any])?["message"] as? String ?? ""
            #expect(message.contains("\"\(invalid.field)\""), "\(path): \(message)")
        }
        // Nothing reached the model.
        #expect(harness.fake.requests.isEmpty)
        await harness.stop()
    }

    @Test(
        "history pages through both sides of a conversation; limit and offset are checked",
        arguments: TestDatabase.available)
    func paging(database: TestDatabase) async throws {
        let harness = try await ChatHarness(database, .answer(["Sure"]))
        var conversation: String?
        for turn in 1...3 {
            let response = try await harness.chat("Message \(turn)", conversation: conversation)
            conversation = response.json["conversation_id"] as? String
        }
        let id = try #require(conversation)

        let first = try await harness.get("/api/chat/history/\(id)?limit=4")
        #expect(first.json["total"] as? Int == 6)
        #expect(first.json["limit"] as? Int == 4)
        #expect(first.json["offset"] as? Int == 0)
        let firstPage = try #require(first.json["messages"] as? [[String: Any]])
        #expect(firstPage.map { $0["content"] as? String } == ["Message 1", "Sure", "Message 2", "Sure"])
        let second = try await harness.get("/api/chat/history/\(id)?limit=4&offset=4")
        let secondPage = try #require(second.json["messages"] as? [[String: Any]])
        #expect(secondPage.map { $0["content"] as? String } == ["Message 3", "Sure"])
        #expect(secondPage.first?["usage"] is NSNull)
        #expect(secondPage.last?["created_at"] is String)

        let whole = try await harness.get("/api/chat/history/\(id)")
        #expect(whole.json["limit"] as? Int == 50)
        #expect((whole.json["messages"] as? [Any])?.count == 6)
        #expect(try await harness.get("/api/chat/history/\(id)?limit=201").errorCode == "invalid_limit")
        #expect(try await harness.get("/api/chat/history/\(id)?limit=0").errorCode == "invalid_limit")
        #expect(try await harness.get("/api/chat/history/\(id)?offset=-1").errorCode == "invalid_offset")
        #expect(try await harness.get("/api/chat/history/nope").errorCode == "invalid_conversation_id")
        await harness.stop()
    }

    @Test(
        "delete answers 204, then reads, deletes and new messages in it answer 404",
        arguments: TestDatabase.available)
    func deletion(database: TestDatabase) async throws {
        let harness = try await ChatHarness(database, .answer(["Bye"]))
        let response = try await harness.chat("Forget me")
        let id = try #require(response.json["conversation_id"] as? String)
        #expect(try await harness.get("/api/chat/history/\(id)").status == 200)

        #expect(try await harness.delete("/api/chat/history/\(id)").status == 204)
        let read = try await harness.get("/api/chat/history/\(id)")
        #expect(read.status == 404)
        #expect(read.errorCode == "conversation_not_found")
        #expect(try await harness.delete("/api/chat/history/\(id)").status == 404)
        #expect(try await harness.chat("Back again", conversation: id).status == 404)
        let uuid = try #require(UUID(uuidString: id))
        #expect(try await harness.store.messageCount(conversation: uuid) == 0)
        await harness.stop()
    }
}
