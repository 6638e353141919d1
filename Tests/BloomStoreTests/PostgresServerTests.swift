import Foundation
import Testing

@testable import BloomStore

/// What only Postgres has: a server that can go away. Needs `BLOOM_TEST_POSTGRES_URL`.
@Suite(
    "Postgres server",
    .enabled(
        if: StoreBackend.postgresURL != nil,
        "BLOOM_TEST_POSTGRES_URL is unset: the Postgres cases of the store suite are skipped too"
    )
)
struct PostgresServerTests {
    @Test("the test server answers as a real Postgres")
    func serverAnswers() async throws {
        let url = try #require(StoreBackend.postgresURL)
        let location = try DatabaseLocation(url: url)
        guard case .postgres(let postgres) = location else {
            Issue.record("BLOOM_TEST_POSTGRES_URL is not a postgres URL")
            return
        }
        let connection = try PostgresConnection(conninfo: postgres.conninfo, displayURL: postgres.displayURL)
        defer { connection.close() }
        let version = try connection.query("SHOW server_version_num").first?.int(0)
        #expect((version ?? 0) >= 120_000)
    }

    @Test("a dropped connection fails the call as unavailable and the next call reconnects")
    func reconnectsAfterALostConnection() async throws {
        let application = "bloom_victim_\(UUID().uuidString.prefix(8).lowercased())"
        let url = try StoreBackend.postgres.freshLocation(pool: 1) + "&application_name=\(application)"
        let store = try await DatabaseLocation.open(url: url)
        try await store.migrate()
        try await store.ping()

        guard case .postgres(let postgres) = try DatabaseLocation(url: try #require(StoreBackend.postgresURL)) else {
            Issue.record("BLOOM_TEST_POSTGRES_URL is not a postgres URL")
            return
        }
        let admin = try PostgresConnection(conninfo: postgres.conninfo, displayURL: postgres.displayURL)
        let killed = try admin.query(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1", .text(application))
        admin.close()
        #expect(killed.count == 1)

        let error = await #expect(throws: StoreError.self) { try await store.ping() }
        #expect(error?.kind == .unavailable)
        try await store.ping()
        #expect(try await store.migrationStatus().allSatisfy { $0.appliedAt != nil })
        await store.close()
    }
}
