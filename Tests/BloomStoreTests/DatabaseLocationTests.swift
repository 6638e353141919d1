import Foundation
import Testing

@testable import BloomStore

@Suite("Database location and timestamps")
struct DatabaseLocationTests {
    @Test("sqlite URLs name a file, with or without slashes")
    func sqliteURLs() throws {
        #expect(try DatabaseLocation(url: "sqlite:./data/bloom.db") == .sqlite(path: "./data/bloom.db"))
        #expect(try DatabaseLocation(url: "sqlite:///var/lib/bloom.db") == .sqlite(path: "/var/lib/bloom.db"))
        #expect(throws: StoreError.self) { try DatabaseLocation(url: "sqlite:") }
    }

    @Test("postgres URLs keep libpq's parameters and lose Bloom's own")
    func postgresURLs() throws {
        let location = try DatabaseLocation(
            url: "postgres://bloom:s3cret@db.internal:5433/bloom?sslmode=require&pool=8&schema=tenant_1")
        guard case .postgres(let postgres) = location else {
            Issue.record("not parsed as postgres: \(location)")
            return
        }
        #expect(postgres.poolSize == 8)
        #expect(postgres.schema == "tenant_1")
        #expect(
            postgres.conninfo
                == "postgres://bloom:s3cret@db.internal:5433/bloom?sslmode=require&options=-c%20search_path%3Dtenant_1"
                + "&connect_timeout=10")
        #expect(!postgres.displayURL.contains("s3cret"))

        let plain = try DatabaseLocation(url: "postgresql://localhost/bloom")
        #expect(
            plain
                == .postgres(
                    .init(
                        conninfo: "postgresql://localhost/bloom?connect_timeout=10", poolSize: 4, schema: nil,
                        displayURL: "postgresql://localhost/bloom")))
    }

    @Test(
        "bad URLs are invalid configuration, named with the password masked",
        arguments: [
            "mysql://root:hunter2@localhost/bloom", "postgres://root:hunter2@localhost/bloom?pool=0",
            "postgres://root:hunter2@localhost/bloom?pool=many", "postgres://root:hunter2@localhost/b?schema=a;drop",
        ])
    func badURLs(url: String) throws {
        let error = #expect(throws: StoreError.self) { try DatabaseLocation(url: url) }
        #expect(error?.kind == .invalidConfiguration)
        #expect(error?.message.contains("hunter2") == false)
        #expect(error?.message.contains("root:***@localhost") == true)
    }

    @Test("an unreachable Postgres fails to open as unavailable, password masked")
    func unreachablePostgres() async throws {
        // Port 1 on loopback refuses at once.
        let error = await #expect(throws: StoreError.self) {
            _ = try await DatabaseLocation.open(url: "postgres://bloom:hunter2@127.0.0.1:1/bloom?connect_timeout=2")
        }
        #expect(error?.kind == .unavailable)
        #expect(error?.message.contains("hunter2") == false)
    }

    @Test("timestamps are written as fixed-width UTC text and read back in both databases' formats")
    func timestamps() throws {
        let date = Date(timeIntervalSince1970: 1_780_000_000.25)
        #expect(SQLTimestamp.text(from: date) == "2026-05-28T20:26:40.250000Z")
        #expect(SQLTimestamp.date(from: "2026-05-28T20:26:40.250000Z") == date)
        #expect(SQLTimestamp.date(from: "2026-05-28 20:26:40.25+00") == date)
        #expect(SQLTimestamp.date(from: "2026-05-29 01:56:40.25+05:30") == date)
        #expect(SQLTimestamp.date(from: "2026-05-28 20:26:40+00") == Date(timeIntervalSince1970: 1_780_000_000))
        #expect(SQLTimestamp.text(from: Date(timeIntervalSince1970: -0.5)) == "1969-12-31T23:59:59.500000Z")
        #expect(SQLTimestamp.date(from: "yesterday") == nil)
    }
}
