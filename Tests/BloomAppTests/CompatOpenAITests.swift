import BloomStore
import BloomTesting
import Foundation
import Testing

/// The OpenAI-compatible API over loopback, against the chat harness's fake model.
@Suite("OpenAI-compatible API")
struct CompatOpenAITests {
    /// `data:` payloads of an SSE body, in order; comment lines (pings) are skipped.
    func dataLines(_ text: String) -> [String] {
        text.components(separatedBy: "\n").compactMap { line in
            line.hasPrefix("data: ") ? String(line.dropFirst(6)) : nil
        }
    }

    func object(_ data: String) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(data.utf8))) as? [String: Any] ?? [:]
    }

    func error(_ response: LoopbackResponse) -> [String: Any] {
        response.json["error"] as? [String: Any] ?? [:]
    }

    @Test("GET /v1/models lists the catalogue as OpenAI model objects")
    func listsModels() async throws {
        let harness = try await ChatHarness(.sqlite, backup: .answer(["b"]))
        let response = try await harness.get("/v1/models")
        #expect(response.status == 200)
        #expect(response.json["object"] as? String == "list")
        let data = try #require(response.json["data"] as? [[String: Any]])
        #expect(data.map { $0["id"] as? String } == ["small", "backup"])
        #expect(data.allSatisfy { $0["object"] as? String == "model" && $0["owned_by"] as? String == "bloom" })
        #expect(data.allSatisfy { ($0["created"] as? Int ?? 0) > 1_700_000_000 })
        await harness.stop()
    }

    @Test("a non-streamed completion: the client's messages reach the model, options are passed on, usage counted")
    func completion() async throws {
        let harness = try await ChatHarness(.sqlite, .answer(["Hel", "lo"]))
        let body = """
            {"model": "small", "messages": [{"role": "system", "content": "Talk like a pirate."},
             {"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Ahoy"},
             {"role": "user", "content": [{"type": "text", "text": "Again"}]}],
             "max_tokens": 7, "temperature": 0.5, "top_p": 0.9, "stop": "END", "seed": 42,
             "response_format": {"type": "json_object"}}
            """
        let response = try await harness.post("/v1/chat/completions", body)
        #expect(response.status == 200)
        #expect(response.json["object"] as? String == "chat.completion")
        #expect(response.json["model"] as? String == "small")
        #expect((response.json["id"] as? String)?.hasPrefix("chatcmpl-") == true)
        let choice = try #require((response.json["choices"] as? [[String: Any]])?.first)
        #expect((choice["message"] as? [String: Any])?["content"] as? String == "Hello")
        #expect((choice["message"] as? [String: Any])?["role"] as? String == "assistant")
        #expect(choice["finish_reason"] as? String == "stop")
        let usage = try #require(response.json["usage"] as? [String: Any])
        #expect(usage["prompt_tokens"] as? Int == 12)
        #expect(usage["completion_tokens"] as? Int == 2)
        #expect(usage["total_tokens"] as? Int == 14)

        // The client's conversation as sent, without Bloom's system prompt.
        #expect(
            harness.promptsReceived.first?.map(\.description) == [
                "system: Talk like a pirate.", "user: Hi", "assistant: Ahoy", "user: Again",
            ])
        let sent = try #require(harness.fake.requests.first)
        let options = try #require(sent["options"] as? [String: Any])
        #expect(options["num_predict"] as? Int == 7)
        #expect(options["temperature"] as? Double == 0.5)
        #expect(options["top_p"] as? Double == 0.9)
        #expect(options["stop"] as? [String] == ["END"])
        #expect(options["seed"] as? Int == 42)
        #expect(sent["format"] as? String == "json")
        await harness.stop()
    }

    @Test("a client conversation too long for the window loses its oldest middle messages, never system or last")
    func trimsClientConversation() async throws {
        // A 60-token window less a 10-token answer reserve: 50 tokens of prompt, estimated as
        // UTF-8 bytes / 3 + 4 per message. System and last cost 5 each, each 60-byte turn 24.
        let harness = try await ChatHarness(.sqlite, .answer(["Ok"]), contextWindow: 60, maxTokens: 10)
        var messages: [[String: String]] = [["role": "system", "content": "S"]]
        for index in 1...4 {
            let role = index % 2 == 1 ? "user" : "assistant"
            messages.append(["role": role, "content": String(repeating: String(index), count: 60)])
        }
        messages.append(["role": "user", "content": "Now"])
        let data = try JSONSerialization.data(withJSONObject: ["messages": messages])
        let body = String(decoding: data, as: UTF8.self)
        #expect(try await harness.post("/v1/chat/completions", body).status == 200)
        let received = try #require(harness.promptsReceived.first)
        #expect(received.map(\.role) == ["system", "assistant", "user"])
        #expect(received.map(\.content) == ["S", String(repeating: "4", count: 60), "Now"])
        await harness.stop()
    }

    @Test("each request is stored as a conversation of its own, marked as the OpenAI API's")
    func storesTheTurn() async throws {
        let harness = try await ChatHarness(.sqlite, .answer(["Yes"]))
        let body = #"{"messages": [{"role": "user", "content": "Earlier"}, {"role": "user", "content": "Now"}]}"#
        let response = try await harness.post("/v1/chat/completions", body)
        #expect(response.status == 200)
        let id = try #require((response.json["id"] as? String)?.dropFirst("chatcmpl-".count))
        let answer = try #require(UUID(uuidString: String(id)))
        let conversationID = try #require(response.headers["x-bloom-conversation-id"].flatMap(UUID.init(uuidString:)))
        let conversation = try #require(try await harness.store.conversation(id: conversationID))
        #expect(conversation.metadata == ["api": "openai"])
        let stored = try await harness.store.messages(conversation: conversation.id, limit: 10, offset: 0)
        #expect(stored.map(\.content) == ["Now", "Yes"])
        #expect(stored.last?.id == answer)
        await harness.stop()
    }

    @Test("a streamed completion: role, a chunk per piece, finish reason, the usage chunk, then [DONE]")
    func streamWithUsage() async throws {
        let harness = try await ChatHarness(.sqlite, .answer(["Hel", "lo", "!"]))
        let body = """
            {"model": "small", "stream": true, "stream_options": {"include_usage": true},
             "messages": [{"role": "user", "content": "Hi"}]}
            """
        let response = try await harness.post("/v1/chat/completions", body)
        #expect(response.status == 200)
        #expect(response.headers["content-type"]?.hasPrefix("text/event-stream") == true)
        let lines = self.dataLines(response.text)
        #expect(lines.last == "[DONE]")
        let chunks = lines.dropLast().map(self.object)
        #expect(chunks.count == 6)
        #expect(chunks.allSatisfy { $0["object"] as? String == "chat.completion.chunk" })
        #expect(Set(chunks.compactMap { $0["id"] as? String }).count == 1)
        let choices = chunks.map { ($0["choices"] as? [[String: Any]]) ?? [] }
        #expect((choices[0].first?["delta"] as? [String: Any])?["role"] as? String == "assistant")
        let text = choices[1...3].map { ($0.first?["delta"] as? [String: Any])?["content"] as? String }
        #expect(text == ["Hel", "lo", "!"])
        #expect(choices[4].first?["finish_reason"] as? String == "stop")
        #expect(choices[5].isEmpty)
        let usage = try #require(chunks[5]["usage"] as? [String: Any])
        #expect(usage["completion_tokens"] as? Int == 3)
        #expect(usage["total_tokens"] as? Int == 15)
        await harness.stop()
    }

    @Test("without include_usage there is no usage chunk")
    func streamWithoutUsage() async throws {
        let harness = try await ChatHarness(.sqlite, .answer(["Hi"]))
        let body = #"{"stream": true, "messages": [{"role": "user", "content": "Hi"}]}"#
        let lines = self.dataLines(try await harness.post("/v1/chat/completions", body).text)
        #expect(lines.count == 4)
        #expect(lines.last == "[DONE]")
        #expect(lines.dropLast().allSatisfy { self.object($0)["usage"] == nil })
        await harness.stop()
    }

    @Test(
        "bad requests get OpenAI-shaped errors with their status",
        arguments: [
            (#"{"model": "nope", "messages": [{"role": "user", "content": "Hi"}]}"#, 404, "model_not_found"),
            (#"{"messages": [}"#, 400, "invalid_json"),
            ("", 400, "invalid_json"),
            (#"{"messages": []}"#, 400, "invalid_messages"),
            (#"{"model": "small"}"#, 400, "invalid_messages"),
            (#"{"messages": [{"role": "tool", "content": "x"}]}"#, 400, "invalid_messages"),
            (#"{"messages": [{"role": "user", "content": 5}]}"#, 400, "invalid_json"),
        ])
    func badRequests(body: String, status: Int, code: String) async throws {
        let harness = try await ChatHarness(.sqlite)
        let response = try await harness.post("/v1/chat/completions", body)
        #expect(response.status == status)
        let error = self.error(response)
        #expect(error["code"] as? String == code)
        #expect(error["type"] as? String == "invalid_request_error")
        #expect((error["message"] as? String)?.isEmpty == false)
        #expect(error.keys.contains("param"))
        #expect(harness.fake.requests.isEmpty)
        await harness.stop()
    }

    @Test("an unknown model names the model parameter")
    func unknownModelParameter() async throws {
        let harness = try await ChatHarness(.sqlite)
        let body = #"{"model": "nope", "messages": [{"role": "user", "content": "Hi"}]}"#
        let error = self.error(try await harness.post("/v1/chat/completions", body))
        #expect(error["param"] as? String == "model")
        await harness.stop()
    }

    @Test("when every model fails: 502 in OpenAI's shape, not the fallback text; the answer is stored failed")
    func everyModelFails() async throws {
        let harness = try await ChatHarness(.sqlite, .status(500, "model exploded"))
        var conversations: [UUID] = []
        for stream in [false, true] {
            let body = #"{"stream": \#(stream), "messages": [{"role": "user", "content": "Hi"}]}"#
            let response = try await harness.post("/v1/chat/completions", body)
            #expect(response.status == 502)
            conversations +=
                response.headers["x-bloom-conversation-id"].flatMap(UUID.init(uuidString:)).map { [$0] } ?? []
            #expect(!response.text.contains(ChatHarness.fallbackText))
            #expect(!response.text.contains("model exploded") && !response.text.contains("127.0.0.1"))
            let error = self.error(response)
            #expect(error["type"] as? String == "server_error")
            #expect(error["code"] as? String == "models_failed")
        }
        #expect(conversations.count == 2)
        for conversation in conversations {
            let stored = try await harness.store.messages(conversation: conversation, limit: 10, offset: 0)
            #expect(stored.map(\.status) == [.complete, .failed])
            #expect(stored.last?.fallback == false)
        }
        await harness.stop()
    }

    @Test("a failure mid-stream ends with an error object and no [DONE]")
    func failureMidStream() async throws {
        let harness = try await ChatHarness(.sqlite, .errorLine(after: ["Par"], "out of memory"))
        let body = #"{"stream": true, "messages": [{"role": "user", "content": "Hi"}]}"#
        let lines = self.dataLines(try await harness.post("/v1/chat/completions", body).text)
        #expect(!lines.contains("[DONE]"))
        let last = self.object(try #require(lines.last))
        #expect((last["error"] as? [String: Any])?["code"] as? String == "model_failed")
        await harness.stop()
    }

    @Test("with keys configured, /v1 needs one of them as a bearer token; 401 in OpenAI's shape otherwise")
    func apiKeys() async throws {
        let harness = try await ChatHarness(.sqlite, apiKeys: ["key-one", "key-two"])
        let chat = #"{"messages": [{"role": "user", "content": "Hi"}]}"#
        for headers in [
            [], [("Authorization", "Bearer key-on")], [("Authorization", "Bearer key-one-")],
            [("Authorization", "Basic key-one")],
        ] {
            let listed = try await harness.get("/v1/models", headers: headers)
            #expect(listed.status == 401)
            #expect(self.error(listed)["type"] as? String == "authentication_error")
            #expect(self.error(listed)["code"] as? String == "invalid_api_key")
            #expect(try await harness.post("/v1/chat/completions", chat, headers: headers).status == 401)
        }
        #expect(harness.fake.requests.isEmpty)
        #expect(try await harness.get("/v1/models", headers: [("Authorization", "Bearer key-two")]).status == 200)
        let answered = try await harness.post(
            "/v1/chat/completions", chat, headers: [("Authorization", "Bearer key-one")])
        #expect(answered.status == 200)
        // The native chat stays as it was: keys guard the OpenAI-compatible API only.
        #expect(try await harness.chat("Hi").status == 200)
        await harness.stop()
    }
}
