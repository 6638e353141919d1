import BloomHTTP
import BloomTesting
import Testing

@Suite("Graceful shutdown")
struct ShutdownTests {
    let probe = Probe()

    @Test("in-flight requests finish, streams get a final event, new connections are refused")
    func drains() async throws {
        let server = try TestHTTPServer.start(router: ServerFixture.router(self.probe))
        let port = server.port
        let slow = try LoopbackClient(port: port)
        try slow.request("GET", "/slow")
        let stream = try LoopbackClient(port: port)
        try stream.request("GET", "/sse-forever")
        _ = try await stream.readHead()
        _ = try await stream.readChunk()
        let idle = try LoopbackClient(port: port)
        try idle.request("GET", "/hello")
        _ = try await idle.readResponse()

        let shutdown = Task { await server.shutdown(timeout: .seconds(3)) }
        try await Task.sleep(for: .milliseconds(100))

        #expect(await idle.waitForClose(timeout: .seconds(1)))
        await #expect(throws: (any Error).self) {
            let late = try LoopbackClient(port: port)
            try late.request("GET", "/hello")
            _ = try await late.readResponse(timeout: .seconds(1))
        }
        let answered = try await slow.readResponse()
        #expect(answered.text == "slow")
        #expect(answered.headers["connection"] == "close")

        var final = ""
        while let chunk = try await stream.readChunk() { final += String(decoding: chunk, as: UTF8.self) }
        #expect(final.contains("event: shutdown\n"))
        #expect(self.probe.has("forever.cancelled"))

        await shutdown.value
        #expect(server.openConnections == 0)
    }

    @Test("work still running at the deadline is cut and cancelled")
    func deadline() async throws {
        let server = try TestHTTPServer.start(router: ServerFixture.router(self.probe))
        let client = try LoopbackClient(port: server.port)
        try client.request("GET", "/hang")
        #expect(await self.probe.waitUntil { self.probe.has("hang.started") })
        let start = ContinuousClock.now
        await server.shutdown(timeout: .milliseconds(300))
        #expect(ContinuousClock.now - start < .seconds(2))
        #expect(await client.waitForClose(timeout: .seconds(1)))
        #expect(await self.probe.waitUntil(timeout: .seconds(2)) { self.probe.has("hang.cancelled") })
    }
}
