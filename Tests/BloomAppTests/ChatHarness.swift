import BloomCore
import BloomStore
import BloomTesting
import Foundation

@testable import BloomApp

/// A Bloom running in this process on a loopback port, with a real store (a SQLite file in a
/// temp folder, or a schema of its own on the test Postgres server) and an Ollama-shaped fake
/// model, `small`, first (and by default only) in `chat`.
final class ChatHarness: Sendable {
    static let fallbackText = "Our assistant is away; please try again soon."

    let fake: FakeModelServer
    /// A second chat model, `backup`, after `small` in the `chat` task, when asked for.
    let backup: FakeModelServer?
    let service: BloomService
    let store: any Store
    /// The store's `DATABASE_URL`, to open it again after ``stop(keepingFiles:)``.
    let databaseURL: String
    let directory: String

    /// - Parameters:
    ///   - contextWindow: `small`'s context window in the catalogue; nil leaves it unknown.
    ///   - maxTokens: `small`'s default `max_tokens`, which is the answer's reserve in the window.
    init(
        _ database: TestDatabase, _ behavior: FakeModelServer.Behavior = .answer(["Hello", " there"]),
        contextWindow: Int? = nil,
        maxTokens: Int? = nil, systemPrompt: String = "Be brief.", backup: FakeModelServer.Behavior? = nil,
        apiKeys: [String] = []
    ) async throws {
        self.directory = NSTemporaryDirectory() + "bloom-chat-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: self.directory, withIntermediateDirectories: true)
        self.fake = try FakeModelServer(behavior)
        self.backup = try backup.map { try FakeModelServer($0) }
        self.databaseURL = try database.freshURL(in: self.directory)
        self.store = try await Self.openStore(self.databaseURL)

        var model: [String: Any] = ["name": "small", "provider": "ollama", "endpoint": self.fake.url, "model": "fake"]
        if let contextWindow { model["context_window"] = contextWindow }
        if let maxTokens { model["options"] = ["max_tokens": maxTokens] }
        var configuration = Configuration()
        configuration.port = 0
        configuration.eventLoops = 2
        configuration.embedded = false
        configuration.dataDirectory = self.directory + "/data"
        configuration.publicDirectory = self.directory + "/public"
        configuration.systemPrompt = systemPrompt
        configuration.fallbackMessage = Self.fallbackText
        configuration.apiKeys = apiKeys
        var models = [model]
        if let backup = self.backup {
            models.append(["name": "backup", "provider": "ollama", "endpoint": backup.url, "model": "fake"])
        }
        configuration.extraSections["models"] = try JSONSerialization.data(withJSONObject: models)
        configuration.extraSections["tasks"] = try JSONSerialization.data(withJSONObject: [
            "chat": models.compactMap { $0["name"] as? String }
        ])
        self.service = try BloomService(
            configuration: configuration, logger: MemoryLogSink().logger(label: "chat-test"), store: self.store)
        try await self.service.start()
    }

    /// The migrated store at `databaseURL`.
    static func openStore(_ databaseURL: String) async throws -> any Store {
        let store = try await DatabaseLocation.open(url: databaseURL)
        try await store.migrate()
        return store
    }

    var port: Int { self.service.port }

    func post(_ path: String, _ body: String, headers: [(String, String)] = []) async throws -> LoopbackResponse {
        let client = try LoopbackClient(port: self.port)
        try client.request("POST", path, headers: [("Content-Type", "application/json")] + headers, body: body)
        return try await client.readResponse(timeout: .seconds(10))
    }

    func get(_ path: String, headers: [(String, String)] = []) async throws -> LoopbackResponse {
        let client = try LoopbackClient(port: self.port)
        try client.request("GET", path, headers: headers)
        return try await client.readResponse()
    }

    func delete(_ path: String) async throws -> LoopbackResponse {
        let client = try LoopbackClient(port: self.port)
        try client.request("DELETE", path)
        return try await client.readResponse()
    }

    /// Sends `message` to `/api/chat/message`, in `conversation` when given.
    func chat(_ message: String, conversation: String? = nil) async throws -> LoopbackResponse {
        var body: [String: Any] = ["message": message]
        if let conversation { body["conversation_id"] = conversation }
        let data = try JSONSerialization.data(withJSONObject: body)
        return try await self.post("/api/chat/message", String(decoding: data, as: UTF8.self))
    }

    /// The chat messages the fake model received in each request so far, as (role, content).
    var promptsReceived: [[Turn]] {
        self.fake.requests.map { request in
            ((request["messages"] as? [[String: Any]]) ?? []).map {
                Turn(role: $0["role"] as? String ?? "?", content: $0["content"] as? String ?? "?")
            }
        }
    }

    struct Turn: Equatable, CustomStringConvertible {
        var role: String
        var content: String
        var description: String { "\(self.role): \(self.content)" }
    }

    /// Stops the service (which flushes metrics and closes the store) and the fake.
    func stop(keepingFiles: Bool = false) async {
        await self.service.stop()
        await self.fake.stop()
        await self.backup?.stop()
        if !keepingFiles { try? FileManager.default.removeItem(atPath: self.directory) }
    }
}

/// Server-Sent Events split into (event, data) pairs; comment lines (pings) are skipped.
func serverSentEvents(_ text: String) -> [(event: String, data: [String: Any])] {
    text.components(separatedBy: "\n\n").compactMap { block in
        var event = "message"
        var data = ""
        for line in block.split(separator: "\n") {
            if line.hasPrefix("event: ") { event = String(line.dropFirst(7)) }
            if line.hasPrefix("data: ") { data += line.dropFirst(6) }
        }
        guard !data.isEmpty else { return nil }
        let object = (try? JSONSerialization.jsonObject(with: Data(data.utf8))) as? [String: Any] ?? [:]
        return (event, object)
    }
}
