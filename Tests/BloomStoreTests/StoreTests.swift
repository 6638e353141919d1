import BloomStore
import Foundation
import Testing

/// The one store suite: every case runs on SQLite and on a real Postgres server.
@Suite("Store")
struct StoreTests {
    // MARK: - Migrations

    @Test(
        "a fresh database lists every migration as pending, and migrating twice changes nothing",
        arguments: StoreBackend.available)
    func migrateTwiceIsANoOp(backend: StoreBackend) async throws {
        try await backend.withStore(migrated: false) { store in
            let before = try await store.migrationStatus()
            #expect(before.map(\.version) == [1, 2, 3])
            #expect(before.map(\.name) == ["conversations", "messages", "model metrics"])
            #expect(before.allSatisfy { $0.appliedAt == nil })

            try await store.migrate()
            let applied = try await store.migrationStatus()
            #expect(applied.map(\.version) == [1, 2, 3])
            #expect(applied.allSatisfy { $0.appliedAt != nil })

            try await store.migrate()
            #expect(try await store.migrationStatus() == applied)
        }
    }

    @Test(
        "several stores migrating the same database at once apply each step once",
        arguments: StoreBackend.available)
    func concurrentMigrationsApplyOnce(backend: StoreBackend) async throws {
        let location = try backend.freshLocation(pool: 1)
        var stores: [any Store] = []
        for _ in 0..<4 { stores.append(try await DatabaseLocation.open(url: location)) }
        // A second run of a step would fail: CREATE TABLE without IF NOT EXISTS, and the
        // version is the primary key of schema_migrations.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for store in stores { group.addTask { try await store.migrate() } }
            try await group.waitForAll()
        }
        for store in stores {
            let status = try await store.migrationStatus()
            #expect(status.count == 3)
            #expect(status.allSatisfy { $0.appliedAt != nil })
            await store.close()
        }
    }

    // MARK: - Conversations

    @Test("a conversation reads back with its task and metadata", arguments: StoreBackend.available)
    func conversationRoundTrip(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let conversation = Conversation(
                createdAt: time(1_780_000_000.123), task: "lead_qualification",
                metadata: ["page": "/pricing", "referrer": "https://example.com/?q=\"a b\"", "emoji": "🌸"])
            try await store.createConversation(conversation)
            #expect(try await store.conversation(id: conversation.id) == conversation)
            #expect(try await store.conversation(id: UUID()) == nil)

            await #expect(throws: StoreError.self) { try await store.createConversation(conversation) }
        }
    }

    @Test(
        "deleting a conversation removes it and its messages, and reports false the second time",
        arguments: StoreBackend.available)
    func deleteRemovesConversationAndMessages(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let doomed = Conversation(createdAt: time(1_780_000_000))
            let kept = Conversation(createdAt: time(1_780_000_001))
            try await store.createConversation(doomed)
            try await store.createConversation(kept)
            for conversation in [doomed, kept] {
                for role in [StoredMessage.Role.user, .assistant] {
                    try await store.addMessage(
                        StoredMessage(conversationID: conversation.id, role: role, content: "hi"))
                }
            }

            #expect(try await store.deleteConversation(id: doomed.id))
            #expect(try await store.conversation(id: doomed.id) == nil)
            #expect(try await store.messages(conversation: doomed.id, limit: 100, offset: 0).isEmpty)
            #expect(try await store.messageCount(conversation: doomed.id) == 0)
            #expect(try await store.deleteConversation(id: doomed.id) == false)

            #expect(try await store.conversation(id: kept.id) == kept)
            #expect(try await store.messageCount(conversation: kept.id) == 2)
        }
    }

    // MARK: - Messages

    @Test("messages come back in the order they were added, page by page", arguments: StoreBackend.available)
    func messagesKeepOrderAndPage(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let conversation = Conversation(createdAt: time(1_780_000_000))
            try await store.createConversation(conversation)
            // One timestamp for all of them: the order must come from insertion, not from the clock.
            let sameTime = time(1_780_000_100.5)
            var added: [StoredMessage] = []
            for index in 0..<25 {
                let message = StoredMessage(
                    conversationID: conversation.id, role: index.isMultiple(of: 2) ? .user : .assistant,
                    content: "message \(index)", createdAt: sameTime, model: index.isMultiple(of: 2) ? nil : "smollm2",
                    promptTokens: index.isMultiple(of: 2) ? nil : index, latencyMilliseconds: 12.5)
                try await store.addMessage(message)
                added.append(message)
            }

            #expect(try await store.messageCount(conversation: conversation.id) == 25)
            let first = try await store.messages(conversation: conversation.id, limit: 10, offset: 0)
            let second = try await store.messages(conversation: conversation.id, limit: 10, offset: 10)
            let last = try await store.messages(conversation: conversation.id, limit: 10, offset: 20)
            #expect(first == Array(added[0..<10]))
            #expect(second == Array(added[10..<20]))
            #expect(last == Array(added[20..<25]))
            #expect(try await store.messages(conversation: conversation.id, limit: 10, offset: 30).isEmpty)
        }
    }

    @Test(
        "finishing a message replaces its content, status and generation details",
        arguments: StoreBackend.available)
    func finishMessageUpdates(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let conversation = Conversation(createdAt: time(1_780_000_000))
            try await store.createConversation(conversation)
            let pending = StoredMessage(
                conversationID: conversation.id, role: .assistant, content: "", status: .pending,
                createdAt: time(1_780_000_000.25))
            try await store.addMessage(pending)

            var finished = pending
            finished.content = "Hello! How can we help?"
            finished.status = .cancelled
            finished.model = "mistral"
            finished.fallback = true
            finished.promptTokens = 31
            finished.completionTokens = 7
            finished.latencyMilliseconds = 812.25
            finished.timeToFirstTokenMilliseconds = 95.5
            finished.error = "client left"
            try await store.finishMessage(finished)
            #expect(try await store.messages(conversation: conversation.id, limit: 10, offset: 0) == [finished])

            let unknown = StoredMessage(conversationID: conversation.id, role: .assistant, content: "x")
            await #expect(throws: StoreError.self) { try await store.finishMessage(unknown) }
        }
    }

    @Test("a message for an unknown conversation is refused by the foreign key", arguments: StoreBackend.available)
    func foreignKeyIsEnforced(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let orphan = StoredMessage(conversationID: UUID(), role: .user, content: "hello?")
            let error = await #expect(throws: StoreError.self) { try await store.addMessage(orphan) }
            #expect(error?.kind == .constraint)
        }
    }

    @Test(
        "a turn's conversation and messages land together, or none of them does",
        arguments: StoreBackend.available)
    func turnIsOneTransaction(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let conversation = Conversation(createdAt: time(1_780_000_000), metadata: ["page": "/pricing"])
            let visitor = StoredMessage(conversationID: conversation.id, role: .user, content: "Prices?")
            let pending = StoredMessage(
                conversationID: conversation.id, role: .assistant, content: "", status: .pending)
            try await store.addMessages([visitor, pending], creating: conversation)
            #expect(try await store.conversation(id: conversation.id)?.metadata == ["page": "/pricing"])
            let stored = try await store.messages(conversation: conversation.id, limit: 10, offset: 0)
            #expect(stored.map(\.id) == [visitor.id, pending.id])
            #expect(stored.last?.status == .pending)

            // The second message reuses the first one's id: the whole turn is refused and rolled back.
            let fresh = Conversation(createdAt: time(1_780_000_100))
            let first = StoredMessage(conversationID: fresh.id, role: .user, content: "one")
            var clash = StoredMessage(conversationID: fresh.id, role: .assistant, content: "")
            clash.id = first.id
            await #expect(throws: StoreError.self) { try await store.addMessages([first, clash], creating: fresh) }
            #expect(try await store.conversation(id: fresh.id) == nil)
            #expect(try await store.messageCount(conversation: fresh.id) == 0)
        }
    }

    @Test("200 tasks adding messages at once all land", arguments: StoreBackend.available)
    func concurrentWritesAllLand(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let conversation = Conversation(createdAt: time(1_780_000_000))
            try await store.createConversation(conversation)
            let ids = (0..<200).map { _ in UUID() }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (index, id) in ids.enumerated() {
                    group.addTask {
                        try await store.addMessage(
                            StoredMessage(id: id, conversationID: conversation.id, role: .user, content: "\(index)"))
                    }
                }
                try await group.waitForAll()
            }
            #expect(try await store.messageCount(conversation: conversation.id) == 200)
            let stored = try await store.messages(conversation: conversation.id, limit: 500, offset: 0)
            #expect(Set(stored.map(\.id)) == Set(ids))
        }
    }

    // MARK: - Metrics

    @Test("metrics are summed by model and task over [start, end)", arguments: StoreBackend.available)
    func metricsSummaryAggregates(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let start = time(1_780_000_000)
            let end = time(1_780_003_600)
            try await store.recordMetrics([
                ModelMetricRecord(
                    at: start, model: "mistral", task: "chat", success: true, latencyMilliseconds: 100,
                    timeToFirstTokenMilliseconds: 20, promptTokens: 10, completionTokens: 5),
                ModelMetricRecord(
                    at: time(1_780_000_500), model: "mistral", task: "chat", success: false, failureKind: "timedOut",
                    latencyMilliseconds: 300, promptTokens: 12, completionTokens: 0, fallback: true),
                ModelMetricRecord(
                    at: time(1_780_001_000), model: "mistral", task: "lead", success: true, latencyMilliseconds: 50,
                    timeToFirstTokenMilliseconds: 10, promptTokens: 1, completionTokens: 2),
                ModelMetricRecord(
                    at: time(1_780_002_000), model: "smollm2", task: "chat", success: true, latencyMilliseconds: 40,
                    timeToFirstTokenMilliseconds: 4, promptTokens: 3, completionTokens: 4),
                // Outside the range: one before, one exactly at the (excluded) end.
                ModelMetricRecord(
                    at: time(1_779_999_999), model: "mistral", task: "chat", success: true, latencyMilliseconds: 1),
                ModelMetricRecord(at: end, model: "smollm2", task: "chat", success: true, latencyMilliseconds: 1),
            ])

            let summary = try await store.metricsSummary(from: start, to: end)
            #expect(
                summary == [
                    ModelMetricSummary(
                        model: "mistral", task: "chat", requests: 2, successes: 1, fallbacks: 1,
                        averageLatencyMilliseconds: 200, averageTimeToFirstTokenMilliseconds: 20, promptTokens: 22,
                        completionTokens: 5),
                    ModelMetricSummary(
                        model: "mistral", task: "lead", requests: 1, successes: 1, fallbacks: 0,
                        averageLatencyMilliseconds: 50, averageTimeToFirstTokenMilliseconds: 10, promptTokens: 1,
                        completionTokens: 2),
                    ModelMetricSummary(
                        model: "smollm2", task: "chat", requests: 1, successes: 1, fallbacks: 0,
                        averageLatencyMilliseconds: 40, averageTimeToFirstTokenMilliseconds: 4, promptTokens: 3,
                        completionTokens: 4),
                ])
            #expect(try await store.metricsSummary(from: end, to: time(1_780_007_200)).count == 1)
            #expect(try await store.metricsSummary(from: time(1_700_000_000), to: time(1_700_000_001)).isEmpty)
        }
    }

    // MARK: - Health

    @Test("ping answers while open and fails as unavailable once closed", arguments: StoreBackend.available)
    func pingAnswers(backend: StoreBackend) async throws {
        let store = try await DatabaseLocation.open(url: try backend.freshLocation())
        try await store.ping()
        await store.close()
        let error = await #expect(throws: StoreError.self) { try await store.ping() }
        #expect(error?.kind == .unavailable)
    }
}

/// What only the SQLite store offers.
@Suite("SQLite store")
struct SQLiteStoreTests {
    @Test("a written database passes SQLite's integrity check")
    func integrityCheck() async throws {
        let folder = NSTemporaryDirectory() + "bloom-integrity-\(UUID().uuidString)"
        let store = try await SQLiteStore.open(path: folder + "/bloom.db")
        try await store.migrate()
        let conversation = Conversation()
        try await store.createConversation(conversation)
        try await store.addMessage(StoredMessage(conversationID: conversation.id, role: .user, content: "Hi"))
        #expect(try await store.integrityCheck() == ["ok"])
        await store.close()
        try? FileManager.default.removeItem(atPath: folder)
    }
}
