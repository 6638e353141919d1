import BloomStore
import BloomTesting
import Foundation
import Testing

/// The Ollama-compatible API over loopback, against the chat harness's fake model, and its
/// routes beside the native chat's.
@Suite("Ollama-compatible API")
struct CompatOllamaTests {
    /// The NDJSON lines of a body, as objects.
    func lines(_ text: String) -> [[String: Any]] {
        text.split(separator: "\n").map { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any] ?? [:]
        }
    }

    @Test("POST /api/chat streams NDJSON by default; the last line has done, counts and nanosecond durations")
    func chatStreams() async throws {
        let harness = try await ChatHarness(.sqlite, .answer(["Hel", "lo"]))
        let body = """
            {"model": "small", "messages": [{"role": "system", "content": "Be terse."},
             {"role": "user", "content": "Hi"}], "options": {"temperature": 0.2, "top_k": 5, "min_p": 0.1,
             "repeat_penalty": 1.1, "seed": 7, "stop": ["\\n"], "num_predict": 9, "num_ctx": 2048},
             "format": "json", "keep_alive": "5m"}
            """
        let response = try await harness.post("/api/chat", body)
        #expect(response.status == 200)
        #expect(response.headers["content-type"] == "application/x-ndjson")
        let lines = self.lines(response.text)
        #expect(lines.count == 3)
        #expect(lines.map { $0["done"] as? Bool } == [false, false, true])
        #expect(lines.map { ($0["message"] as? [String: Any])?["content"] as? String } == ["Hel", "lo", ""])
        #expect(lines.allSatisfy { $0["model"] as? String == "small" && $0["created_at"] is String })
        let last = try #require(lines.last)
        #expect(last["done_reason"] as? String == "stop")
        #expect(last["prompt_eval_count"] as? Int == 12)
        #expect(last["eval_count"] as? Int == 2)
        #expect(last["prompt_eval_duration"] as? Int == 3_000_000)
        #expect(last["eval_duration"] as? Int == 20_000_000)
        #expect(last["load_duration"] as? Int == 0)
        #expect((last["total_duration"] as? Int ?? 0) > 0)

        #expect(harness.promptsReceived.first?.map(\.description) == ["system: Be terse.", "user: Hi"])
        let sent = try #require(harness.fake.requests.first)
        let options = try #require(sent["options"] as? [String: Any])
        #expect(options["temperature"] as? Double == 0.2)
        #expect(options["top_k"] as? Int == 5)
        #expect(options["min_p"] as? Double == 0.1)
        #expect(options["repeat_penalty"] as? Double == 1.1)
        #expect(options["seed"] as? Int == 7)
        #expect(options["stop"] as? [String] == ["\n"])
        #expect(options["num_predict"] as? Int == 9)
        #expect(options["num_ctx"] as? Int == 2048)
        #expect(sent["format"] as? String == "json")
        await harness.stop()
    }

    @Test("\"stream\": false answers one object with the whole message")
    func chatWhole() async throws {
        let harness = try await ChatHarness(.sqlite, .answer(["Hel", "lo"]))
        let body = #"{"model": "small", "stream": false, "messages": [{"role": "user", "content": "Hi"}]}"#
        let response = try await harness.post("/api/chat", body)
        #expect(response.status == 200)
        #expect(response.headers["content-type"]?.hasPrefix("application/json") == true)
        #expect(response.json["done"] as? Bool == true)
        #expect((response.json["message"] as? [String: Any])?["content"] as? String == "Hello")
        #expect((response.json["message"] as? [String: Any])?["role"] as? String == "assistant")
        #expect(response.json["eval_count"] as? Int == 2)
        let conversation = try #require(response.headers["x-bloom-conversation-id"].flatMap(UUID.init(uuidString:)))
        #expect(try await harness.store.conversation(id: conversation)?.metadata == ["api": "ollama"])
        await harness.stop()
    }

    @Test("POST /api/generate sends system and prompt; the text is in `response`")
    func generate() async throws {
        let harness = try await ChatHarness(.sqlite, .answer(["Gen", "erated"]))
        let streamed = try await harness.post(
            "/api/generate", #"{"model": "small", "prompt": "Write", "system": "You write."}"#)
        let lines = self.lines(streamed.text)
        #expect(lines.map { $0["response"] as? String } == ["Gen", "erated", ""])
        #expect(lines.last?["done"] as? Bool == true)
        #expect(harness.promptsReceived.first?.map(\.description) == ["system: You write.", "user: Write"])

        let whole = try await harness.post("/api/generate", #"{"model": "small", "prompt": "Go", "stream": false}"#)
        #expect(whole.json["response"] as? String == "Generated")
        #expect(harness.promptsReceived.last?.map(\.description) == ["user: Go"])

        // An empty prompt only loads the model, as in Ollama.
        let load = try await harness.post("/api/generate", #"{"model": "small"}"#)
        #expect(load.json["done_reason"] as? String == "load")
        #expect(harness.fake.requests.count == 2)
        await harness.stop()
    }

    @Test("/api/tags, /api/ps, /api/show and /api/version describe the catalogue")
    func modelEndpoints() async throws {
        let harness = try await ChatHarness(.sqlite, backup: .answer(["b"]))
        let tags = try await harness.get("/api/tags")
        #expect(tags.status == 200)
        let models = try #require(tags.json["models"] as? [[String: Any]])
        #expect(models.map { $0["name"] as? String } == ["small", "backup"])
        #expect(models.allSatisfy { ($0["digest"] as? String)?.count == 64 && $0["details"] is [String: Any] })
        #expect(models.allSatisfy { $0["modified_at"] is String && $0["size"] is Int && $0["model"] is String })

        let running = try await harness.get("/api/ps")
        #expect(running.status == 200)
        #expect(running.json["models"] is [[String: Any]])

        let shown = try await harness.post("/api/show", #"{"model": "small"}"#)
        #expect(shown.status == 200)
        #expect((shown.json["modelfile"] as? String)?.contains("FROM fake") == true)
        #expect(shown.json["details"] is [String: Any])
        #expect(shown.json["parameters"] is String)
        let unknown = try await harness.post("/api/show", #"{"model": "nope"}"#)
        #expect(unknown.status == 404)
        #expect(unknown.json["error"] as? String == "model \"nope\" not found")

        let version = try await harness.get("/api/version")
        #expect((version.json["version"] as? String)?.isEmpty == false)
        await harness.stop()
    }

    @Test(
        "bad requests get {\"error\": \"...\"} with their status",
        arguments: [
            ("/api/chat", #"{"model": "nope", "messages": [{"role": "user", "content": "Hi"}]}"#, 404),
            ("/api/chat", #"{"messages": [}"#, 400),
            ("/api/chat", #"{"messages": []}"#, 400),
            ("/api/chat", #"{"model": "small"}"#, 400),
            ("/api/chat", #"{"messages": [{"role": "tool", "content": "x"}]}"#, 400),
            ("/api/chat", #"{"messages": [{"role": "user", "content": "x"}], "format": "yaml"}"#, 400),
            ("/api/generate", #"{"model": "nope", "prompt": "Hi"}"#, 404),
            ("/api/generate", #"{"model": "nope"}"#, 404),
            ("/api/generate", "", 400),
        ])
    func badRequests(path: String, body: String, status: Int) async throws {
        let harness = try await ChatHarness(.sqlite)
        let response = try await harness.post(path, body)
        #expect(response.status == status)
        #expect((response.json["error"] as? String)?.isEmpty == false)
        #expect(harness.fake.requests.isEmpty)
        await harness.stop()
    }

    @Test("when every model fails: 502 with an error, not the fallback text")
    func everyModelFails() async throws {
        let harness = try await ChatHarness(.sqlite, .status(500, "model exploded"))
        for stream in [false, true] {
            let body = #"{"stream": \#(stream), "messages": [{"role": "user", "content": "Hi"}]}"#
            let response = try await harness.post("/api/chat", body)
            #expect(response.status == 502)
            let message = try #require(response.json["error"] as? String)
            #expect(message.contains("No model could answer"))
            #expect(!response.text.contains(ChatHarness.fallbackText) && !message.contains("model exploded"))
        }
        await harness.stop()
    }

    @Test("a failure mid-stream ends with an error line")
    func failureMidStream() async throws {
        let harness = try await ChatHarness(.sqlite, .errorLine(after: ["Par"], "out of memory"))
        let body = #"{"messages": [{"role": "user", "content": "Hi"}]}"#
        let lines = self.lines(try await harness.post("/api/chat", body).text)
        #expect(lines.count == 2)
        #expect((lines.last?["error"] as? String)?.contains("mid-answer") == true)
        #expect(lines.allSatisfy { $0["done"] as? Bool != true })
        await harness.stop()
    }

    @Test("POST /api/chat lives beside the native chat routes; each answers its own way")
    func routesSideBySide() async throws {
        let harness = try await ChatHarness(.sqlite, .answer(["Hi"]))
        let native = try await harness.chat("Hello")
        #expect(native.status == 200)
        #expect(native.json["response"] as? String == "Hi")
        let conversation = try #require(native.json["conversation_id"] as? String)
        let streamed = try await harness.post("/api/chat/stream", #"{"message": "Again"}"#)
        #expect(serverSentEvents(streamed.text).last?.event == "done")
        let history = try await harness.get("/api/chat/history/\(conversation)")
        #expect(history.status == 200)

        let ollama = try await harness.post("/api/chat", #"{"messages": [{"role": "user", "content": "Hi"}]}"#)
        #expect(ollama.status == 200)
        #expect(self.lines(ollama.text).last?["done"] as? Bool == true)
        // A native body sent to the Ollama route is an Ollama error, and the reverse a native one.
        #expect(try await harness.post("/api/chat", #"{"message": "Hi"}"#).status == 400)
        let reverse = try await harness.post("/api/chat/message", #"{"messages": []}"#)
        #expect(reverse.status == 400)
        #expect(reverse.errorCode == "invalid_message")
        #expect(try await harness.get("/api/chat").status == 405)
        await harness.stop()
    }
}
