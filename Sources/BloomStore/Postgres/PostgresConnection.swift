import CLibPQ
import Foundation

/// One libpq connection, used by one thread.
///
/// Queries go through `PQexecParams` with text-format parameters, so values never enter SQL
/// text. When the server goes away the failing call throws `unavailable` and the connection
/// is reset (`PQreset`) for the next call; the failed statement is not retried, because it
/// may have been applied before the connection dropped.
final class PostgresConnection: DatabaseConnection {
    let dialect = SQLDialect.postgres
    private let handle: OpaquePointer
    /// The URL with its password masked, for messages.
    private let displayURL: String
    private var transactionDepth = 0

    /// An arbitrary constant shared by every Bloom: `pg_advisory_lock` key for migrations.
    static let migrationLockKey: Int64 = 0x426C_6F6F_6D4D_6967

    init(conninfo: String, displayURL: String) throws(StoreError) {
        self.displayURL = displayURL
        guard let handle = PQconnectdb(conninfo) else {
            throw StoreError(.unavailable, "cannot connect to \(displayURL): libpq is out of memory")
        }
        guard PQstatus(handle) == CONNECTION_OK else {
            let message = Self.message(handle)
            PQfinish(handle)
            throw StoreError(.unavailable, "cannot connect to \(displayURL): \(message)")
        }
        self.handle = handle
        // Server notices ("relation already exists, skipping") would otherwise go to stderr.
        PQsetNoticeProcessor(handle, { _, _ in }, nil)
    }

    func query(_ sql: String, _ parameters: [SQLValue]) throws(StoreError) -> [SQLRow] {
        try self.ensureConnected()
        let texts = parameters.map(Self.text)
        let result = Self.withCStrings(texts) { pointers in
            PQexecParams(self.handle, sql, Int32(pointers.count), nil, pointers, nil, nil, 0)
        }
        guard let result else { throw self.lost("no result") }
        defer { PQclear(result) }
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_EMPTY_QUERY:
            return []
        case PGRES_TUPLES_OK:
            return Self.rows(result)
        default:
            throw self.error(result, sql)
        }
    }

    func transaction<T>(_ body: () throws(StoreError) -> T) throws(StoreError) -> T {
        let savepoint = "bloom_\(self.transactionDepth)"
        try self.query(self.transactionDepth == 0 ? "BEGIN" : "SAVEPOINT \(savepoint)")
        self.transactionDepth += 1
        do throws(StoreError) {
            let result = try body()
            self.transactionDepth -= 1
            try self.query(self.transactionDepth == 0 ? "COMMIT" : "RELEASE SAVEPOINT \(savepoint)")
            return result
        } catch {
            self.transactionDepth -= 1
            if self.transactionDepth == 0 {
                _ = try? self.query("ROLLBACK")
            } else {
                _ = try? self.query("ROLLBACK TO SAVEPOINT \(savepoint)")
            }
            throw error
        }
    }

    /// A session-level advisory lock: other Blooms starting now wait here until this one has
    /// applied the history, then find nothing left to do.
    func withMigrationLock<T>(_ body: () throws(StoreError) -> T) throws(StoreError) -> T {
        try self.query("SELECT pg_advisory_lock($1)", .integer(Self.migrationLockKey))
        defer { _ = try? self.query("SELECT pg_advisory_unlock($1)", .integer(Self.migrationLockKey)) }
        return try body()
    }

    func close() { PQfinish(self.handle) }

    // MARK: - Connection state

    /// Resets a connection that libpq knows is broken before using it again.
    private func ensureConnected() throws(StoreError) {
        guard PQstatus(self.handle) != CONNECTION_OK else { return }
        PQreset(self.handle)
        guard PQstatus(self.handle) == CONNECTION_OK else {
            throw StoreError(.unavailable, "cannot reconnect to \(self.displayURL): \(Self.message(self.handle))")
        }
    }

    /// The error for a call that failed because the connection did; resets it for the next call.
    private func lost(_ message: String) -> StoreError {
        if PQstatus(self.handle) != CONNECTION_OK {
            PQreset(self.handle)
        }
        return StoreError(.unavailable, "lost the connection to \(self.displayURL): \(message)")
    }

    private func error(_ result: OpaquePointer, _ sql: String) -> StoreError {
        let message = String(cString: PQresultErrorMessage(result)).trimmingCharacters(in: .whitespacesAndNewlines)
        if PQstatus(self.handle) != CONNECTION_OK { return self.lost(message) }
        let state = PQresultErrorField(result, Int32(UInt8(ascii: "C"))).map { String(cString: $0) } ?? ""
        let summary = sql.split(whereSeparator: \.isNewline).first.map(String.init) ?? sql
        // SQLSTATE class 23: integrity constraint violations; 08: connection; 57P: shutdown.
        if state.hasPrefix("23") { return StoreError(.constraint, "\(message) (\(summary))") }
        if state.hasPrefix("08") || state.hasPrefix("57P") { return self.lost(message) }
        return StoreError(.query, "Postgres \(state): \(message) (\(summary))")
    }

    private static func message(_ handle: OpaquePointer) -> String {
        String(cString: PQerrorMessage(handle)).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    // MARK: - Values

    private static func text(_ value: SQLValue) -> String? {
        switch value {
        case .null: nil
        case .integer(let number): String(number)
        case .real(let number): "\(number)"
        case .text(let text): text
        case .bool(let flag): flag ? "t" : "f"
        case .date(let date): SQLTimestamp.text(from: date)
        }
    }

    private static func rows(_ result: OpaquePointer) -> [SQLRow] {
        let rowCount = PQntuples(result)
        let columnCount = PQnfields(result)
        var rows: [SQLRow] = []
        rows.reserveCapacity(Int(rowCount))
        for row in 0..<rowCount {
            let values = (0..<columnCount).map { column -> SQLValue in
                PQgetisnull(result, row, column) == 1 ? .null : .text(String(cString: PQgetvalue(result, row, column)))
            }
            rows.append(SQLRow(values: values))
        }
        return rows
    }

    /// Calls `body` with C strings for `texts` (nil for SQL NULL), valid during the call.
    private static func withCStrings<R>(
        _ texts: [String?], _ body: ([UnsafePointer<CChar>?]) -> R
    ) -> R {
        let copies = texts.map { $0.map { strdup($0) } ?? nil }
        defer { for copy in copies { free(copy) } }
        return body(copies.map { $0.map { UnsafePointer($0) } })
    }
}
