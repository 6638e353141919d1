/// One step of the schema's history: a version, a name, and the statements that take the
/// previous schema to this one.
///
/// Steps are only ever appended: a step that has shipped is never edited, because databases
/// that applied it will not run it again. Most SQL is written once for both databases
/// (SQLite accepts Postgres's type names: `TIMESTAMPTZ` and `BOOLEAN` get numeric affinity,
/// and the store writes times as ISO text and booleans as 0/1); `{sequence}` becomes each
/// dialect's auto-numbered key column.
struct Migration: Sendable {
    let version: Int
    let name: String
    private let statements: [String]

    init(_ version: Int, _ name: String, _ statements: [String]) {
        self.version = version
        self.name = name
        self.statements = statements
    }

    func statements(for dialect: SQLDialect) -> [String] {
        self.statements.map { $0.replacing("{sequence}", with: dialect.sequenceColumn) }
    }
}

extension Migration {
    /// Where the applied versions are recorded; created before the first step, outside the history.
    static let bookkeeping = """
        CREATE TABLE IF NOT EXISTS schema_migrations (
            version INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            applied_at TIMESTAMPTZ NOT NULL
        )
        """

    /// Every step, in order. Append only.
    static let history: [Migration] = [
        Migration(
            1, "conversations",
            [
                """
                CREATE TABLE conversations (
                    id TEXT PRIMARY KEY,
                    created_at TIMESTAMPTZ NOT NULL,
                    task TEXT NOT NULL,
                    metadata TEXT NOT NULL DEFAULT '{}'
                )
                """,
                "CREATE INDEX conversations_created_at ON conversations (created_at)",
            ]),
        Migration(
            2, "messages",
            [
                // `seq` orders a conversation's messages: creation times can tie or go backwards
                // when clocks move, the sequence cannot.
                """
                CREATE TABLE messages (
                    seq {sequence},
                    id TEXT NOT NULL UNIQUE,
                    conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
                    role TEXT NOT NULL,
                    content TEXT NOT NULL,
                    status TEXT NOT NULL,
                    created_at TIMESTAMPTZ NOT NULL,
                    model TEXT,
                    fallback BOOLEAN NOT NULL DEFAULT FALSE,
                    prompt_tokens INTEGER,
                    completion_tokens INTEGER,
                    latency_ms DOUBLE PRECISION,
                    ttft_ms DOUBLE PRECISION,
                    error TEXT
                )
                """,
                "CREATE INDEX messages_by_conversation ON messages (conversation_id, seq)",
                "CREATE INDEX messages_created_at ON messages (created_at)",
            ]),
        Migration(
            3, "model metrics",
            [
                """
                CREATE TABLE model_metrics (
                    seq {sequence},
                    at TIMESTAMPTZ NOT NULL,
                    model TEXT NOT NULL,
                    task TEXT NOT NULL,
                    success BOOLEAN NOT NULL,
                    failure_kind TEXT,
                    latency_ms DOUBLE PRECISION NOT NULL,
                    ttft_ms DOUBLE PRECISION,
                    prompt_tokens INTEGER NOT NULL,
                    completion_tokens INTEGER NOT NULL,
                    fallback BOOLEAN NOT NULL
                )
                """,
                "CREATE INDEX model_metrics_at ON model_metrics (at, model, task)",
            ]),
    ]
}
