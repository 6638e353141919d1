import BloomStore
import Foundation
import Testing

/// The databases the chat suites run on: SQLite always, Postgres when a server is configured.
enum TestDatabase: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case sqlite
    case postgres

    var testDescription: String { self.rawValue }

    /// A Postgres server for the tests, set by scripts/test (scripts/postgres start).
    static let postgresURL: String? = {
        let url = ProcessInfo.processInfo.environment["BLOOM_TEST_POSTGRES_URL"]
        return url?.isEmpty == false ? url : nil
    }()

    /// The databases this run covers: Postgres only when `BLOOM_TEST_POSTGRES_URL` is set (the
    /// store suite's `Postgres server` test reports the skip).
    static var available: [TestDatabase] { Self.postgresURL == nil ? [.sqlite] : Self.allCases }

    /// A `DATABASE_URL` naming a fresh, empty database: a file in `directory` for SQLite, a
    /// schema of its own in the test database for Postgres, so tests run in parallel and never
    /// see each other's rows (scripts/postgres recreates the database on every run).
    ///
    /// Two connections per store, not the default four: the chat and store suites run side by
    /// side, and the test server allows 200 connections in all.
    func freshURL(in directory: String) throws -> String {
        switch self {
        case .sqlite:
            return "sqlite:\(directory)/bloom.db"
        case .postgres:
            let url = try #require(Self.postgresURL, "BLOOM_TEST_POSTGRES_URL is not set")
            let schema = "chat_" + UUID().uuidString.lowercased().replacing("-", with: "")
            return url + (url.contains("?") ? "&" : "?") + "pool=2&schema=\(schema)"
        }
    }
}
