import BloomStore
import Foundation
import Testing

/// The databases the store suite runs on; every case runs once per backend.
enum StoreBackend: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case sqlite
    case postgres

    var testDescription: String { self.rawValue }

    /// A Postgres server for the tests, set by scripts/test (scripts/postgres start).
    static let postgresURL: String? = {
        let url = ProcessInfo.processInfo.environment["BLOOM_TEST_POSTGRES_URL"]
        return url?.isEmpty == false ? url : nil
    }()

    /// The backends this run covers: Postgres only when a server is configured. The
    /// `.enabled(if:)` test in ``PostgresServerTests`` reports the Postgres cases as skipped
    /// otherwise (a trait cannot switch off one argument of a parameterised test).
    static var available: [StoreBackend] { Self.postgresURL == nil ? [.sqlite] : Self.allCases }

    /// A fresh, empty database location for one test: a new file in a new temporary folder for
    /// SQLite, a new schema in the test database for Postgres (so tests run in parallel and
    /// never see each other's rows; scripts/postgres recreates the database on every run).
    func freshLocation(pool: Int = 4) throws -> String {
        switch self {
        case .sqlite:
            let folder = FileManager.default.temporaryDirectory
                .appendingPathComponent("bloom-store-\(UUID().uuidString)").path
            return "sqlite:\(folder)/nested/bloom.db"
        case .postgres:
            let url = try #require(Self.postgresURL, "BLOOM_TEST_POSTGRES_URL is not set")
            let schema = "test_" + UUID().uuidString.lowercased().replacing("-", with: "")
            let separator = url.contains("?") ? "&" : "?"
            return url + "\(separator)pool=\(pool)&schema=\(schema)"
        }
    }

    /// Opens a fresh store, runs `body`, and closes the store even when `body` throws.
    func withStore(
        migrated: Bool = true, pool: Int = 4, _ body: (any Store) async throws -> Void
    ) async throws {
        let location = try self.freshLocation(pool: pool)
        let store = try await DatabaseLocation.open(url: location)
        do {
            if migrated { try await store.migrate() }
            try await body(store)
        } catch {
            await store.close()
            self.removeFiles(of: location)
            throw error
        }
        await store.close()
        self.removeFiles(of: location)
    }

    private func removeFiles(of location: String) {
        guard case .sqlite(let path) = try? DatabaseLocation(url: location) else { return }
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().deletingLastPathComponent()
        try? FileManager.default.removeItem(at: folder)
    }
}

/// Times with whole milliseconds, which the store keeps exactly (it stores microseconds).
func time(_ secondsSince1970: Double) -> Date { Date(timeIntervalSince1970: secondsSince1970) }
