import BloomHTTP
import BloomTesting
import Foundation
import Testing

@Suite("HTTP limits and refusals")
struct LimitsTests {
    let probe = Probe()

    func withServer(_ body: (HTTPServer) async throws -> Void) async throws {
        let server = try TestHTTPServer.start(router: ServerFixture.router(self.probe)) { configuration in
            configuration.maxHeaderBytes = 2048
            configuration.maxBodyBytes = 1000
            configuration.maxTargetBytes = 512
        }
        try await body(server)
        await server.shutdown(timeout: .seconds(2))
    }

    /// Sends raw bytes and returns the response, which must be followed by a close.
    func refusal(_ raw: String, port: Int) async throws -> LoopbackResponse {
        let client = try LoopbackClient(port: port)
        try client.send(raw)
        let response = try await client.readResponse()
        #expect(response.headers["connection"] == "close")
        #expect(await client.waitForClose(timeout: .seconds(2)))
        return response
    }

    @Test("oversized headers get 431")
    func oversizedHeaders() async throws {
        try await self.withServer { server in
            let big = String(repeating: "a", count: 3000)
            let response = try await self.refusal(
                "GET /hello HTTP/1.1\r\nHost: x\r\nX-Big: \(big)\r\n\r\n", port: server.port)
            #expect(response.status == 431)
            #expect(response.errorCode == "headers_too_large")
        }
    }

    @Test("an oversized target gets 414")
    func oversizedTarget() async throws {
        try await self.withServer { server in
            let path = "/" + String(repeating: "p", count: 600)
            let response = try await self.refusal("GET \(path) HTTP/1.1\r\nHost: x\r\n\r\n", port: server.port)
            #expect(response.status == 414)
        }
    }

    @Test("a declared body over the limit gets 413 before it is sent")
    func oversizedDeclaredBody() async throws {
        try await self.withServer { server in
            let response = try await self.refusal(
                "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n", port: server.port)
            #expect(response.status == 413)
            #expect(response.errorCode == "body_too_large")
        }
    }

    @Test("a chunked body that grows over the limit gets 413")
    func oversizedChunkedBody() async throws {
        try await self.withServer { server in
            let chunk = String(repeating: "z", count: 600)
            let raw =
                "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "258\r\n\(chunk)\r\n258\r\n\(chunk)\r\n0\r\n\r\n"
            let response = try await self.refusal(raw, port: server.port)
            #expect(response.status == 413)
        }
    }

    @Test(
        "malformed requests get 400",
        arguments: [
            "GARBAGE\r\n\r\n",
            "GET /hello HTTP/1.1\r\nHost x\r\n\r\n",
            "GET /hello HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello",
            "POST /echo HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n0\r\n\r\n",
            "POST /echo HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\nhello\r\n0\r\n\r\n",
            "GET /hel\0lo HTTP/1.1\r\n\r\n",
        ]
    )
    func malformed(raw: String) async throws {
        try await self.withServer { server in
            let response = try await self.refusal(raw, port: server.port)
            #expect([400, 501].contains(response.status))
            #expect(response.errorCode != nil)
        }
    }

    @Test("an unknown method gets 501")
    func unknownMethod() async throws {
        try await self.withServer { server in
            let response = try await self.refusal("BREW /hello HTTP/1.1\r\nHost: x\r\n\r\n", port: server.port)
            #expect(response.status == 501)
            let known = try await self.refusal("PROPFIND /hello HTTP/1.1\r\nHost: x\r\n\r\n", port: server.port)
            #expect(known.status == 501)
        }
    }

    @Test("HTTP/2.0 on the request line gets 505")
    func wrongVersion() async throws {
        try await self.withServer { server in
            let response = try await self.refusal("GET /hello HTTP/2.0\r\nHost: x\r\n\r\n", port: server.port)
            #expect(response.status == 505)
        }
    }

    @Test("a known path with the wrong method gets 405 with Allow, and the connection stays open")
    func wrongMethod() async throws {
        try await self.withServer { server in
            let client = try LoopbackClient(port: server.port)
            try client.request("DELETE", "/hello")
            let response = try await client.readResponse()
            #expect(response.status == 405)
            #expect(response.headers["allow"] == "GET, HEAD, OPTIONS")
            #expect(response.errorCode == "method_not_allowed")
            try client.request("GET", "/items", body: "")
            #expect(try await client.readResponse().headers["allow"] == "POST, OPTIONS")
        }
    }

    @Test("an unknown path gets a JSON 404")
    func notFound() async throws {
        try await self.withServer { server in
            let client = try LoopbackClient(port: server.port)
            try client.request("GET", "/nowhere")
            let response = try await client.readResponse()
            #expect(response.status == 404)
            #expect(response.errorCode == "not_found")
        }
    }

    @Test("connections over the limit are closed at once while others are served")
    func connectionLimit() async throws {
        let server = try TestHTTPServer.start(router: ServerFixture.router(self.probe)) { $0.maxConnections = 2 }
        let first = try LoopbackClient(port: server.port)
        let second = try LoopbackClient(port: server.port)
        try first.request("GET", "/hello")
        #expect(try await first.readResponse().status == 200)
        let third = try LoopbackClient(port: server.port)
        #expect(await third.waitForClose(timeout: .seconds(2)))
        try second.request("GET", "/hello")
        #expect(try await second.readResponse().status == 200)
        await server.shutdown(timeout: .seconds(2))
    }
}
