import BloomStore
import BloomTesting
import Foundation
import Glibc
import Synchronization
import Testing

/// The real `bloom serve` killed with SIGKILL in the middle of 200 chats: every answer a client
/// received is in the database, and the database opens cleanly afterwards.
@Suite("Chat after a SIGKILL", .serialized)
struct ChatCrashTests {
    static let requests = 200
    /// Ten pieces 40 ms apart: each answer takes about half a second, so many are in flight.
    static let pieces = ["Kept", " before", " it", " was", " sent", ",", " every", " word", " of", " it."]
    static let pieceDelay = Duration.milliseconds(40)
    /// Requests start this far apart, so answers arrive over a spread rather than all at once.
    static let stagger = Duration.milliseconds(2)

    /// What a client saw of its request.
    enum Sent: Sendable {
        case answered(message: String, conversation: UUID, messageID: UUID, text: String)
        /// Refused, cut by the kill, or never connected.
        case unanswered
        /// An answer other than a 200 with the model's text.
        case unexpected(String)
    }

    /// Counts answers and kills bloom when half the requests have one.
    final class Killer: Sendable {
        let answered = Mutex(0)
        let bloom: BloomProcess

        init(_ bloom: BloomProcess) { self.bloom = bloom }

        func countAnswer() {
            let count = self.answered.withLock { count in
                count += 1
                return count
            }
            if count == ChatCrashTests.requests / 2 { self.bloom.signal(SIGKILL) }
        }
    }

    @Test(
        "SIGKILL during 200 chats loses no answered message, and the database opens clean",
        arguments: TestDatabase.available)
    func killDuringChats(database: TestDatabase) async throws {
        let directory = NSTemporaryDirectory() + "bloom-crash-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let fake = try FakeModelServer(.answer(Self.pieces, delay: Self.pieceDelay))
        let databaseURL = try database.freshURL(in: directory + "/data")
        try Self.writeSettings(directory: directory, modelURL: fake.url)

        let bloom = try Self.serve(directory: directory, databaseURL: databaseURL)
        let port = try await bloom.waitForPort()
        let results = await Self.chat(port: port, killer: Killer(bloom))
        #expect(await bloom.waitForExit() == 128 + SIGKILL)

        var answered: [(message: String, conversation: UUID, messageID: UUID, text: String)] = []
        for case .answered(let message, let conversation, let messageID, let text) in results {
            answered.append((message, conversation, messageID, text))
        }
        for case .unexpected(let what) in results { Issue.record("unexpected answer: \(what)") }
        // The kill landed mid-load: half answered, some still in flight.
        #expect(answered.count >= Self.requests / 2)
        #expect(answered.count < Self.requests)

        // Every answered request has both sides stored, the answer as it was sent.
        let store = try await DatabaseLocation.open(url: databaseURL)
        var found = 0
        for chat in answered {
            let messages = try await store.messages(conversation: chat.conversation, limit: 10, offset: 0)
            let complete =
                messages.count == 2 && messages[0].role == .user && messages[0].content == chat.message
                && messages[1].id == chat.messageID && messages[1].role == .assistant
                && messages[1].status == .complete && messages[1].content == chat.text
            #expect(complete, "conversation \(chat.conversation) holds \(messages)")
            if complete { found += 1 }
        }
        #expect(found == answered.count)
        if let sqlite = store as? SQLiteStore {
            #expect(try await sqlite.integrityCheck() == ["ok"])
        }
        let migrations = try await store.migrationStatus()
        #expect(!migrations.isEmpty && migrations.allSatisfy { $0.appliedAt != nil })
        await store.close()

        try await Self.restartCleanly(
            directory: directory, databaseURL: databaseURL, conversation: try #require(answered.first?.conversation))
        // Restarting applied nothing again.
        let reopened = try await DatabaseLocation.open(url: databaseURL)
        #expect(try await reopened.migrationStatus() == migrations)
        await reopened.close()

        await fake.stop()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// bloom.json: one chat model, the fake, allowed to run every request at once (the
    /// router's default limit would answer most of them with the fallback text).
    static func writeSettings(directory: String, modelURL: String) throws {
        let settings: [String: Any] = [
            "models": [
                ["name": "small", "provider": "ollama", "endpoint": modelURL, "model": "fake", "concurrency": 256]
            ],
            "tasks": ["chat": ["small"]],
        ]
        let data = try JSONSerialization.data(withJSONObject: settings)
        try data.write(to: URL(fileURLWithPath: directory + "/bloom.json"))
    }

    static func serve(directory: String, databaseURL: String) throws -> BloomProcess {
        try BloomProcess(
            ["serve", "--port", "0", "--data-dir", directory + "/data", "--config", directory + "/bloom.json"],
            environment: ["BLOOM_EMBEDDED": "off", "DATABASE_URL": databaseURL],
            workingDirectory: directory)
    }

    /// Sends the requests a little apart, each on its own connection, and collects what each
    /// client saw. The clients poll their sockets, so they never block the cooperative pool.
    static func chat(port: Int, killer: Killer) async -> [Sent] {
        await withTaskGroup(of: Sent.self) { group in
            for index in 0..<Self.requests {
                group.addTask {
                    try? await Task.sleep(for: Self.stagger * index)
                    return await Self.send("Visitor \(index) asks about plans", port: port, killer: killer)
                }
            }
            var results: [Sent] = []
            for await result in group { results.append(result) }
            return results
        }
    }

    static func send(_ message: String, port: Int, killer: Killer) async -> Sent {
        let response: LoopbackResponse
        do {
            let client = try LoopbackClient(port: port)
            let body = try JSONSerialization.data(withJSONObject: ["message": message])
            try client.request(
                "POST", "/api/chat/message", headers: [("Content-Type", "application/json")],
                body: String(decoding: body, as: UTF8.self))
            response = try await client.readResponse(timeout: .seconds(60))
        } catch {
            return .unanswered
        }
        let json = response.json
        guard response.status == 200, let text = json["response"] as? String,
            let conversation = (json["conversation_id"] as? String).flatMap(UUID.init(uuidString:)),
            let messageID = (json["message_id"] as? String).flatMap(UUID.init(uuidString:))
        else {
            return .unexpected("\(response.status) \(response.text)")
        }
        killer.countAnswer()
        guard text == Self.pieces.joined(), json["fallback"] as? Bool == false else {
            return .unexpected("not the model's answer: \(response.text)")
        }
        return .answered(message: message, conversation: conversation, messageID: messageID, text: text)
    }

    /// Starts bloom again on the same database: it is healthy, reads the history, logs no
    /// error, and stops with 0.
    static func restartCleanly(directory: String, databaseURL: String, conversation: UUID) async throws {
        let bloom = try Self.serve(directory: directory, databaseURL: databaseURL)
        let port = try await bloom.waitForPort()
        let client = try LoopbackClient(port: port)
        try client.request("GET", "/health")
        let health = try await client.readResponse()
        #expect(health.status == 200)
        #expect(health.json["status"] as? String == "ok", "\(health.text)")
        try client.request("GET", "/api/chat/history/\(conversation.uuidString.lowercased())")
        let history = try await client.readResponse()
        #expect(history.status == 200)
        #expect(history.json["total"] as? Int == 2)
        bloom.signal(SIGTERM)
        #expect(await bloom.waitForExit() == 0)
        #expect(!bloom.text.contains("level=error"), "\(bloom.text)")
    }
}
