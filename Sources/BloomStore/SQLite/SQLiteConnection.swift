import CSQLite
import Foundation

/// One SQLite connection with its prepared statements, used by one thread.
///
/// Opened with WAL (readers never wait for the writer), `synchronous=NORMAL` (durable across
/// a process crash; a power cut may lose the last commits, never corrupt the file), foreign
/// keys on, and a busy timeout so another process holding the write lock makes us wait, not
/// fail.
final class SQLiteConnection: DatabaseConnection {
    let dialect = SQLDialect.sqlite
    private let handle: OpaquePointer
    /// Statements prepared once per SQL text and reset between uses.
    private var statements: [String: OpaquePointer] = [:]
    private var transactionDepth = 0

    /// How long a statement waits for another connection's write lock before failing as busy.
    static let busyTimeoutMilliseconds = 5_000

    init(path: String) throws(StoreError) {
        var handle: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        let code = sqlite3_open_v2(path, &handle, flags, nil)
        guard code == SQLITE_OK, let handle else {
            let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close_v2(handle)
            throw StoreError(.unavailable, "cannot open SQLite database \(path): \(message)")
        }
        self.handle = handle
        sqlite3_busy_timeout(handle, Int32(Self.busyTimeoutMilliseconds))
        do throws(StoreError) {
            let mode = try self.query("PRAGMA journal_mode = WAL").first?.optionalString(0)
            guard mode == "wal" else {
                throw StoreError(.unavailable, "SQLite database \(path) cannot use WAL (journal mode \(mode ?? "?"))")
            }
            try self.query("PRAGMA synchronous = NORMAL")
            try self.query("PRAGMA foreign_keys = ON")
        } catch {
            self.close()
            throw error
        }
    }

    func query(_ sql: String, _ parameters: [SQLValue]) throws(StoreError) -> [SQLRow] {
        let statement = try self.prepared(sql)
        defer {
            sqlite3_reset(statement)
            sqlite3_clear_bindings(statement)
        }
        for (index, value) in parameters.enumerated() {
            try self.check(self.bind(value, at: Int32(index + 1), in: statement), sql)
        }
        var rows: [SQLRow] = []
        while true {
            let code = sqlite3_step(statement)
            if code == SQLITE_DONE { return rows }
            guard code == SQLITE_ROW else { throw self.error(code, sql) }
            let count = sqlite3_column_count(statement)
            rows.append(SQLRow(values: (0..<count).map { Self.column($0, of: statement) }))
        }
    }

    func transaction<T>(_ body: () throws(StoreError) -> T) throws(StoreError) -> T {
        // IMMEDIATE takes the write lock up front: a deferred transaction that reads and then
        // writes can fail with SQLITE_BUSY instead of waiting when another process writes.
        let savepoint = "bloom_\(self.transactionDepth)"
        try self.execute(self.transactionDepth == 0 ? "BEGIN IMMEDIATE" : "SAVEPOINT \(savepoint)")
        self.transactionDepth += 1
        do throws(StoreError) {
            let result = try body()
            self.transactionDepth -= 1
            try self.execute(self.transactionDepth == 0 ? "COMMIT" : "RELEASE \(savepoint)")
            return result
        } catch {
            self.transactionDepth -= 1
            let undo = self.transactionDepth == 0 ? "ROLLBACK" : "ROLLBACK TO \(savepoint); RELEASE \(savepoint)"
            try? self.execute(undo)
            throw error
        }
    }

    /// One write transaction around the whole run: a second process starting at the same time
    /// waits on the busy timeout, then sees the versions this one recorded.
    func withMigrationLock<T>(_ body: () throws(StoreError) -> T) throws(StoreError) -> T {
        try self.transaction(body)
    }

    func close() {
        for statement in self.statements.values { sqlite3_finalize(statement) }
        self.statements = [:]
        sqlite3_close_v2(self.handle)
    }

    // MARK: - Helpers

    /// Runs SQL without parameters or results (transaction control), unprepared.
    private func execute(_ sql: String) throws(StoreError) {
        try self.check(sqlite3_exec(self.handle, sql, nil, nil, nil), sql)
    }

    private func prepared(_ sql: String) throws(StoreError) -> OpaquePointer {
        if let statement = self.statements[sql] { return statement }
        // Shared SQL uses Postgres's $1; SQLite's ?1 binds the same index.
        let text = sql.replacing("$", with: "?")
        var statement: OpaquePointer?
        try self.check(
            sqlite3_prepare_v3(self.handle, text, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil), sql)
        guard let statement else { throw StoreError(.query, "empty SQL statement: \(sql)") }
        self.statements[sql] = statement
        return statement
    }

    private func bind(_ value: SQLValue, at index: Int32, in statement: OpaquePointer) -> Int32 {
        switch value {
        case .null: sqlite3_bind_null(statement, index)
        case .integer(let number): sqlite3_bind_int64(statement, index, number)
        case .real(let number): sqlite3_bind_double(statement, index, number)
        case .bool(let flag): sqlite3_bind_int64(statement, index, flag ? 1 : 0)
        case .text(let text): sqlite3_bind_text(statement, index, text, -1, Self.transient)
        case .date(let date): sqlite3_bind_text(statement, index, SQLTimestamp.text(from: date), -1, Self.transient)
        }
    }

    private static func column(_ index: Int32, of statement: OpaquePointer) -> SQLValue {
        switch sqlite3_column_type(statement, index) {
        case SQLITE_INTEGER: .integer(sqlite3_column_int64(statement, index))
        case SQLITE_FLOAT: .real(sqlite3_column_double(statement, index))
        case SQLITE_NULL: .null
        default: sqlite3_column_text(statement, index).map { .text(String(cString: $0)) } ?? .null
        }
    }

    private func check(_ code: Int32, _ sql: String) throws(StoreError) {
        guard code == SQLITE_OK else { throw self.error(code, sql) }
    }

    private func error(_ code: Int32, _ sql: String) -> StoreError {
        let message = String(cString: sqlite3_errmsg(self.handle))
        let summary = sql.split(whereSeparator: \.isNewline).first.map(String.init) ?? sql
        switch code & 0xff {
        case SQLITE_CONSTRAINT:
            return StoreError(.constraint, "\(message) (\(summary))")
        case SQLITE_BUSY, SQLITE_LOCKED, SQLITE_CANTOPEN, SQLITE_IOERR, SQLITE_FULL, SQLITE_READONLY:
            return StoreError(.unavailable, "SQLite: \(message) (\(summary))")
        default:
            return StoreError(.query, "SQLite: \(message) (\(summary))")
        }
    }

    /// SQLITE_TRANSIENT: SQLite copies the bound text before the call returns.
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
}
