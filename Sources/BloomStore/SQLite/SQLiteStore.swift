public import Foundation

/// The embedded default: one SQLite file (in the data directory unless `DATABASE_URL` says
/// otherwise), one connection, one thread that runs every call in order.
///
/// One connection is enough: SQLite allows one writer at a time per file, and the calls are
/// short; a second connection for readers would only help long reports.
public final class SQLiteStore: Store {
    /// The database file as opened (relative paths resolved against the working directory).
    public let path: String
    private let base: SQLStore<SQLiteConnection>

    private init(path: String, base: SQLStore<SQLiteConnection>) {
        self.path = path
        self.base = base
    }

    /// Opens (creating it and its folder when missing) the database at `path`.
    public static func open(path: String) async throws(StoreError) -> SQLiteStore {
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        let connection = try await onOwnThread("bloom.sqlite.open") { () throws(StoreError) in
            let folder = (absolute as NSString).deletingLastPathComponent
            do {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            } catch {
                throw StoreError(.unavailable, "cannot create the folder \(folder) for the SQLite database: \(error)")
            }
            return try SQLiteConnection(path: absolute)
        }
        let workers = ConnectionWorkers(connections: [connection], name: "bloom.sqlite")
        return SQLiteStore(path: absolute, base: SQLStore(workers: workers, dialect: .sqlite))
    }

    public func migrate() async throws(StoreError) { _ = try await self.base.migrate() }
    public func migrationStatus() async throws(StoreError) -> [MigrationStatus] {
        try await self.base.migrationStatus()
    }

    public func createConversation(_ conversation: Conversation) async throws(StoreError) {
        try await self.base.createConversation(conversation)
    }
    public func conversation(id: UUID) async throws(StoreError) -> Conversation? {
        try await self.base.conversation(id: id)
    }
    public func deleteConversation(id: UUID) async throws(StoreError) -> Bool {
        try await self.base.deleteConversation(id: id)
    }

    public func addMessage(_ message: StoredMessage) async throws(StoreError) {
        try await self.base.addMessage(message)
    }
    public func addMessages(_ messages: [StoredMessage], creating conversation: Conversation?)
        async throws(StoreError)
    {
        try await self.base.addMessages(messages, creating: conversation)
    }
    public func finishMessage(_ message: StoredMessage) async throws(StoreError) {
        try await self.base.finishMessage(message)
    }
    public func messages(conversation: UUID, limit: Int, offset: Int) async throws(StoreError) -> [StoredMessage] {
        try await self.base.messages(conversation: conversation, limit: limit, offset: offset)
    }
    public func messageCount(conversation: UUID) async throws(StoreError) -> Int {
        try await self.base.messageCount(conversation: conversation)
    }

    public func recordMetrics(_ records: [ModelMetricRecord]) async throws(StoreError) {
        try await self.base.recordMetrics(records)
    }
    public func metricsSummary(from start: Date, to end: Date) async throws(StoreError) -> [ModelMetricSummary] {
        try await self.base.metricsSummary(from: start, to: end)
    }

    public func ping() async throws(StoreError) { try await self.base.ping() }

    /// SQLite's own check of the whole file (`PRAGMA integrity_check`): `["ok"]` when sound,
    /// else one line per problem. Reads every page, so it takes a while on a large file.
    public func integrityCheck() async throws(StoreError) -> [String] {
        try await self.base.workers.run { connection throws(StoreError) in
            try connection.query("PRAGMA integrity_check").map { row throws(StoreError) in try row.string(0) }
        }
    }
    public func close() async { await self.base.close() }
}
