import Foundation

/// The queries behind ``Store``, written once for both databases and run on
/// ``ConnectionWorkers``. ``SQLiteStore`` and ``PostgresStore`` open the connections and hand
/// every call here.
final class SQLStore<Connection: DatabaseConnection>: Store {
    let workers: ConnectionWorkers<Connection>
    let dialect: SQLDialect

    init(workers: ConnectionWorkers<Connection>, dialect: SQLDialect) {
        self.workers = workers
        self.dialect = dialect
    }

    // MARK: - Migrations

    /// Under the migration lock: creates the bookkeeping table, then applies each pending step in
    /// its own transaction (a savepoint inside SQLite's lock transaction), so a failing step
    /// leaves the ones before it applied.
    func migrate() async throws(StoreError) {
        try await self.workers.run { connection throws(StoreError) in
            try connection.withMigrationLock { () throws(StoreError) in
                try connection.query(Migration.bookkeeping)
                let applied = try Self.appliedVersions(connection)
                for migration in Migration.history where applied[migration.version] == nil {
                    let now = Date()
                    do throws(StoreError) {
                        try connection.transaction { () throws(StoreError) in
                            for statement in migration.statements(for: connection.dialect) {
                                try connection.query(statement)
                            }
                            try connection.query(
                                "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
                                .integer(Int64(migration.version)), .text(migration.name), .date(now))
                        }
                    } catch {
                        throw StoreError(
                            .migration, "migration \(migration.version) (\(migration.name)) failed: \(error.message)")
                    }
                }
            }
        }
    }

    func migrationStatus() async throws(StoreError) -> [MigrationStatus] {
        try await self.workers.run { connection throws(StoreError) in
            let exists = try connection.query(connection.dialect.migrationsTableExists)
            let applied = try exists.first?.int(0) == 1 ? Self.appliedVersions(connection) : [:]
            var statuses = Migration.history.map { migration in
                MigrationStatus(
                    version: migration.version, name: migration.name, appliedAt: applied[migration.version]?.at)
            }
            // Versions a newer Bloom applied to this database.
            for (version, row) in applied where !Migration.history.contains(where: { $0.version == version }) {
                statuses.append(MigrationStatus(version: version, name: row.name, appliedAt: row.at))
            }
            return statuses.sorted { $0.version < $1.version }
        }
    }

    private static func appliedVersions(
        _ connection: Connection
    ) throws(StoreError) -> [Int: (name: String, at: Date)] {
        var applied: [Int: (name: String, at: Date)] = [:]
        for row in try connection.query("SELECT version, name, applied_at FROM schema_migrations") {
            applied[try row.int(0)] = (try row.string(1), try row.date(2))
        }
        return applied
    }

    // MARK: - Conversations

    func createConversation(_ conversation: Conversation) async throws(StoreError) {
        let metadata = try Self.encode(conversation.metadata)
        try await self.workers.run { connection throws(StoreError) in
            try Self.insert(conversation, metadata: metadata, on: connection)
        }
    }

    private static func insert(
        _ conversation: Conversation, metadata: String, on connection: any DatabaseConnection
    ) throws(StoreError) {
        try connection.query(
            "INSERT INTO conversations (id, created_at, task, metadata) VALUES ($1, $2, $3, $4)",
            .text(conversation.id.uuidString), .date(conversation.createdAt), .text(conversation.task),
            .text(metadata))
    }

    func conversation(id: UUID) async throws(StoreError) -> Conversation? {
        try await self.workers.run { connection throws(StoreError) -> Conversation? in
            let rows = try connection.query(
                "SELECT id, created_at, task, metadata FROM conversations WHERE id = $1", .text(id.uuidString))
            guard let row = rows.first else { return nil }
            return Conversation(
                id: try row.uuid(0), createdAt: try row.date(1), task: try row.string(2),
                metadata: try Self.decode(try row.string(3)))
        }
    }

    /// Messages go with it through `ON DELETE CASCADE`.
    func deleteConversation(id: UUID) async throws(StoreError) -> Bool {
        try await self.workers.run { connection throws(StoreError) in
            let rows = try connection.query(
                "DELETE FROM conversations WHERE id = $1 RETURNING id", .text(id.uuidString))
            return !rows.isEmpty
        }
    }

    // MARK: - Messages

    private static var messageColumns: String {
        """
        id, conversation_id, role, content, status, created_at, model, fallback, prompt_tokens, \
        completion_tokens, latency_ms, ttft_ms, error
        """
    }

    func addMessage(_ message: StoredMessage) async throws(StoreError) {
        try await self.workers.run { connection throws(StoreError) in
            try Self.insert(message, on: connection)
        }
    }

    /// One transaction and one trip to the store's thread: a chat turn's writes before the model
    /// is called (three of them for a new conversation) cost one commit instead of three.
    func addMessages(_ messages: [StoredMessage], creating conversation: Conversation?) async throws(StoreError) {
        let metadata = try conversation.map { conversation throws(StoreError) in try Self.encode(conversation.metadata)
        }
        try await self.workers.run { connection throws(StoreError) in
            try connection.transaction { () throws(StoreError) in
                if let conversation, let metadata { try Self.insert(conversation, metadata: metadata, on: connection) }
                for message in messages { try Self.insert(message, on: connection) }
            }
        }
    }

    private static func insert(_ message: StoredMessage, on connection: any DatabaseConnection) throws(StoreError) {
        _ = try connection.query(
            "INSERT INTO messages (\(Self.messageColumns)) "
                + "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
            Self.values(of: message))
    }

    func finishMessage(_ message: StoredMessage) async throws(StoreError) {
        // Identity, role and creation time stay as first stored; only what generation produced changes.
        let values: [SQLValue] = [
            .text(message.id.uuidString), .text(message.content), .text(message.status.rawValue),
            SQLValue(message.model), .bool(message.fallback), SQLValue(message.promptTokens),
            SQLValue(message.completionTokens), SQLValue(message.latencyMilliseconds),
            SQLValue(message.timeToFirstTokenMilliseconds), SQLValue(message.error),
        ]
        try await self.workers.run { connection throws(StoreError) in
            let rows = try connection.query(
                """
                UPDATE messages SET content = $2, status = $3, model = $4, fallback = $5, prompt_tokens = $6,
                    completion_tokens = $7, latency_ms = $8, ttft_ms = $9, error = $10
                WHERE id = $1 RETURNING seq
                """, values)
            if rows.isEmpty { throw StoreError(.query, "no message \(message.id) to finish") }
        }
    }

    func messages(conversation: UUID, limit: Int, offset: Int) async throws(StoreError) -> [StoredMessage] {
        try await self.workers.run { connection throws(StoreError) in
            let rows = try connection.query(
                "SELECT \(Self.messageColumns) FROM messages WHERE conversation_id = $1 "
                    + "ORDER BY seq LIMIT $2 OFFSET $3",
                .text(conversation.uuidString), .integer(Int64(max(limit, 0))), .integer(Int64(max(offset, 0))))
            var messages: [StoredMessage] = []
            for row in rows { messages.append(try Self.message(from: row)) }
            return messages
        }
    }

    func messageCount(conversation: UUID) async throws(StoreError) -> Int {
        try await self.workers.run { connection throws(StoreError) in
            let rows = try connection.query(
                "SELECT COUNT(*) FROM messages WHERE conversation_id = $1", .text(conversation.uuidString))
            return try rows.first?.int(0) ?? 0
        }
    }

    private static func values(of message: StoredMessage) -> [SQLValue] {
        [
            .text(message.id.uuidString), .text(message.conversationID.uuidString), .text(message.role.rawValue),
            .text(message.content), .text(message.status.rawValue), .date(message.createdAt), SQLValue(message.model),
            .bool(message.fallback), SQLValue(message.promptTokens), SQLValue(message.completionTokens),
            SQLValue(message.latencyMilliseconds), SQLValue(message.timeToFirstTokenMilliseconds),
            SQLValue(message.error),
        ]
    }

    private static func message(from row: SQLRow) throws(StoreError) -> StoredMessage {
        let role = try row.string(2)
        let status = try row.string(4)
        guard let role = StoredMessage.Role(rawValue: role), let status = StoredMessage.Status(rawValue: status) else {
            throw StoreError(.query, "message \(try row.string(0)) has role \(role) and status \(status)")
        }
        return StoredMessage(
            id: try row.uuid(0), conversationID: try row.uuid(1), role: role, content: try row.string(3),
            status: status, createdAt: try row.date(5), model: row.optionalString(6), fallback: try row.bool(7),
            promptTokens: row.optionalInt(8), completionTokens: row.optionalInt(9),
            latencyMilliseconds: row.optionalDouble(10), timeToFirstTokenMilliseconds: row.optionalDouble(11),
            error: row.optionalString(12))
    }

    // MARK: - Metrics

    /// One transaction for the batch: all of it lands or none.
    func recordMetrics(_ records: [ModelMetricRecord]) async throws(StoreError) {
        guard !records.isEmpty else { return }
        try await self.workers.run { connection throws(StoreError) in
            try connection.transaction { () throws(StoreError) in
                for record in records {
                    try connection.query(
                        """
                        INSERT INTO model_metrics (at, model, task, success, failure_kind, latency_ms, ttft_ms,
                            prompt_tokens, completion_tokens, fallback)
                        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
                        """,
                        .date(record.at), .text(record.model), .text(record.task), .bool(record.success),
                        SQLValue(record.failureKind), .real(record.latencyMilliseconds),
                        SQLValue(record.timeToFirstTokenMilliseconds), .integer(Int64(record.promptTokens)),
                        .integer(Int64(record.completionTokens)), .bool(record.fallback))
                }
            }
        }
    }

    func metricsSummary(from start: Date, to end: Date) async throws(StoreError) -> [ModelMetricSummary] {
        try await self.workers.run { connection throws(StoreError) in
            let rows = try connection.query(
                """
                SELECT model, task, COUNT(*), SUM(CASE WHEN success THEN 1 ELSE 0 END),
                    SUM(CASE WHEN fallback THEN 1 ELSE 0 END), AVG(latency_ms), AVG(ttft_ms),
                    SUM(prompt_tokens), SUM(completion_tokens)
                FROM model_metrics WHERE at >= $1 AND at < $2
                GROUP BY model, task ORDER BY model, task
                """, .date(start), .date(end))
            var summaries: [ModelMetricSummary] = []
            for row in rows {
                summaries.append(
                    ModelMetricSummary(
                        model: try row.string(0), task: try row.string(1), requests: try row.int(2),
                        successes: try row.int(3), fallbacks: try row.int(4),
                        averageLatencyMilliseconds: try row.double(5),
                        averageTimeToFirstTokenMilliseconds: row.optionalDouble(6), promptTokens: try row.int(7),
                        completionTokens: try row.int(8)))
            }
            return summaries
        }
    }

    // MARK: - Lifecycle

    func ping() async throws(StoreError) {
        let sql = self.dialect.ping
        try await self.workers.run { connection throws(StoreError) in _ = try connection.query(sql) }
    }

    func close() async { await self.workers.close() }

    // MARK: - Metadata as JSON text

    private static func encode(_ metadata: [String: String]) throws(StoreError) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        guard let data = try? encoder.encode(metadata) else {
            throw StoreError(.query, "conversation metadata could not be encoded as JSON")
        }
        return String(decoding: data, as: UTF8.self)
    }

    private static func decode(_ text: String) throws(StoreError) -> [String: String] {
        guard let metadata = try? JSONDecoder().decode([String: String].self, from: Data(text.utf8)) else {
            throw StoreError(.query, "conversation metadata is not a JSON object of strings: \(text.prefix(80))")
        }
        return metadata
    }
}
