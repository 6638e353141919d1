import BloomHTTP
import BloomTesting
import Testing

@Suite("Middleware: request ids, CORS, security headers, access log")
struct MiddlewareTests {
    let probe = Probe()

    @Test("a sane incoming request id is echoed, an unsafe one replaced, a missing one generated")
    func requestIDs() async throws {
        let server = try TestHTTPServer.start(router: ServerFixture.router(self.probe))
        let client = try LoopbackClient(port: server.port)
        try client.request("GET", "/hello", headers: [("X-Correlation-ID", "corr-42")])
        #expect(try await client.readResponse().headers["x-request-id"] == "corr-42")
        try client.request("GET", "/hello", headers: [("X-Request-ID", "bad id\" with=stuff")])
        let replaced = try #require(try await client.readResponse().headers["x-request-id"])
        #expect(replaced.count == 32 && replaced != "bad id\" with=stuff")
        try client.request("GET", "/hello")
        let generated = try #require(try await client.readResponse().headers["x-request-id"])
        #expect(generated.count == 32 && generated != replaced)
        await server.shutdown(timeout: .seconds(2))
    }

    @Test("CORS answers preflights for configured origins and refuses others")
    func cors() async throws {
        let server = try TestHTTPServer.start(
            router: ServerFixture.router(self.probe),
            corsOrigins: ["https://shop.example"]
        )
        let client = try LoopbackClient(port: server.port)
        let preflight = [("Origin", "https://shop.example"), ("Access-Control-Request-Method", "POST")]
        try client.request("OPTIONS", "/echo", headers: preflight)
        let allowed = try await client.readResponse()
        #expect(allowed.status == 204)
        #expect(allowed.headers["access-control-allow-origin"] == "https://shop.example")
        #expect(allowed.headers["access-control-allow-methods"]?.contains("POST") == true)

        try client.request("GET", "/hello", headers: [("Origin", "https://shop.example")])
        let simple = try await client.readResponse()
        #expect(simple.headers["access-control-allow-origin"] == "https://shop.example")
        #expect(simple.headers["vary"] == "Origin")

        try client.request(
            "OPTIONS", "/echo",
            headers: [("Origin", "https://evil.example"), ("Access-Control-Request-Method", "POST")])
        let refused = try await client.readResponse()
        #expect(refused.status == 403)
        #expect(refused.errorCode == "origin_not_allowed")
        #expect(refused.headers["access-control-allow-origin"] == nil)

        try client.request("GET", "/hello", headers: [("Origin", "https://evil.example")])
        #expect(try await client.readResponse().headers["access-control-allow-origin"] == nil)
        await server.shutdown(timeout: .seconds(2))
    }

    @Test("JSON responses carry the security headers, without an HTML policy")
    func securityHeaders() async throws {
        let server = try TestHTTPServer.start(router: ServerFixture.router(self.probe))
        let client = try LoopbackClient(port: server.port)
        try client.request("GET", "/nowhere")
        let response = try await client.readResponse()
        #expect(response.headers["x-content-type-options"] == "nosniff")
        #expect(response.headers["x-frame-options"] == "DENY")
        #expect(response.headers["referrer-policy"] == "strict-origin-when-cross-origin")
        #expect(response.headers["content-security-policy"] == nil)
        await server.shutdown(timeout: .seconds(2))
    }

    @Test("the access log has one line per request with method, path, status, bytes, duration and id")
    func accessLog() async throws {
        let sink = MemoryLogSink()
        let server = try TestHTTPServer.start(router: ServerFixture.router(self.probe), logSink: sink)
        let client = try LoopbackClient(port: server.port)
        try client.request("GET", "/items/7?token=secret", headers: [("X-Request-ID", "log-1")])
        _ = try await client.readResponse()
        try client.send("NONSENSE\r\n\r\n")
        _ = try await client.readResponse()
        await server.shutdown(timeout: .seconds(2))

        let lines = sink.records.filter { $0.message == "request" }
        #expect(lines.count == 2)
        let first = try #require(lines.first)
        #expect(first.metadata["method"] == "GET")
        #expect(first.metadata["path"] == "/items/7")
        #expect(first.metadata["status"] == 200)
        #expect(first.metadata["bytes"] == 6)
        #expect(first.metadata["request.id"] == "log-1")
        #expect(first.metadata["duration_ms"] != nil)
        #expect(!sink.renderedLines.joined().contains("secret"))
        #expect(lines.last?.metadata["status"] == 501 || lines.last?.metadata["status"] == 400)
    }
}
