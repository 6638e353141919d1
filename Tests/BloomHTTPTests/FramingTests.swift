import BloomHTTP
import BloomTesting
import Foundation
import Testing

@Suite("HTTP framing over loopback")
struct FramingTests {
    let probe = Probe()

    func withServer(_ body: (HTTPServer) async throws -> Void) async throws {
        let server = try TestHTTPServer.start(router: ServerFixture.router(self.probe))
        try await body(server)
        await server.shutdown(timeout: .seconds(2))
    }

    @Test("keep-alive serves several requests on one connection")
    func keepAlive() async throws {
        try await self.withServer { server in
            let client = try LoopbackClient(port: server.port)
            for n in 1...3 {
                try client.request("GET", "/items/\(n)")
                let response = try await client.readResponse()
                #expect(response.status == 200)
                #expect(response.text == "item \(n)")
                #expect(response.headers["connection"] == nil)
            }
        }
    }

    @Test("pipelined requests are answered in order, across sync and async handlers")
    func pipelining() async throws {
        try await self.withServer { server in
            let client = try LoopbackClient(port: server.port)
            let requests = ["/items/1", "/slow", "/items/2", "/hello"]
                .map { "GET \($0) HTTP/1.1\r\nHost: x\r\n\r\n" }.joined()
            try client.send(requests)
            let bodies = try await client.readResponses(4).map(\.text)
            #expect(bodies == ["item 1", "slow", "item 2", "hello"])
        }
    }

    @Test("a Content-Length body reaches the handler whole")
    func contentLengthBody() async throws {
        try await self.withServer { server in
            let client = try LoopbackClient(port: server.port)
            try client.request("POST", "/echo", body: "ping \u{1F331}")
            #expect(try await client.readResponse().text == "ping \u{1F331}")
        }
    }

    @Test("a chunked body is reassembled, including chunk extensions")
    func chunkedBody() async throws {
        try await self.withServer { server in
            let client = try LoopbackClient(port: server.port)
            try client.send("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n")
            try client.send("5\r\nhello\r\n")
            try await Task.sleep(for: .milliseconds(50))
            try client.send("1;ext=1\r\n \r\n5\r\nworld\r\n0\r\n\r\n")
            let response = try await client.readResponse()
            #expect(response.status == 200)
            #expect(response.text == "hello world")
        }
    }

    @Test("Expect: 100-continue gets an interim response before the body is sent")
    func expectContinue() async throws {
        try await self.withServer { server in
            let client = try LoopbackClient(port: server.port)
            try client.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n")
            let interim = try await client.readHead()
            #expect(interim.status == 100)
            try client.send("data")
            #expect(try await client.readResponse().text == "data")
        }
    }

    @Test("HEAD answers with the GET headers and no body")
    func head() async throws {
        try await self.withServer { server in
            let client = try LoopbackClient(port: server.port)
            try client.request("HEAD", "/hello")
            let response = try await client.readResponse(headRequest: true)
            #expect(response.status == 200)
            #expect(response.headers["content-length"] == "5")
            try client.request("GET", "/hello")
            #expect(try await client.readResponse().text == "hello")
        }
    }

    @Test("HTTP/1.0 without keep-alive is closed after its response")
    func http10() async throws {
        try await self.withServer { server in
            let client = try LoopbackClient(port: server.port)
            try client.send("GET /hello HTTP/1.0\r\n\r\n")
            let response = try await client.readResponse()
            #expect(response.text == "hello")
            #expect(response.headers["connection"] == "close")
            #expect(await client.waitForClose(timeout: .seconds(2)))
        }
    }

    @Test("Connection: close is honoured")
    func connectionClose() async throws {
        try await self.withServer { server in
            let client = try LoopbackClient(port: server.port)
            try client.request("GET", "/hello", headers: [("Connection", "close")])
            #expect(try await client.readResponse().headers["connection"] == "close")
            #expect(await client.waitForClose(timeout: .seconds(2)))
        }
    }

    @Test("NDJSON streams one document per line, chunked")
    func ndjson() async throws {
        try await self.withServer { server in
            let client = try LoopbackClient(port: server.port)
            try client.request("GET", "/ndjson")
            let response = try await client.readResponse()
            #expect(response.headers["content-type"] == "application/x-ndjson")
            #expect(response.headers["transfer-encoding"] == "chunked")
            #expect(response.text == "{\"n\":1}\n{\"n\":2}\n{\"n\":3}\n")
        }
    }

    @Test("thrown errors become JSON with the code, message and request id")
    func errorBodies() async throws {
        try await self.withServer { server in
            let client = try LoopbackClient(port: server.port)
            try client.request("GET", "/fail", headers: [("X-Request-ID", "abc-123")])
            let refused = try await client.readResponse()
            #expect(refused.status == 409)
            #expect(refused.headers["content-type"] == "application/json")
            #expect(refused.headers["x-request-id"] == "abc-123")
            let error = try #require(refused.json["error"] as? [String: Any])
            #expect(error["code"] as? String == "taken")
            #expect(error["message"] as? String == "That slot is taken.")
            #expect(error["request_id"] as? String == "abc-123")

            try client.request("GET", "/crash")
            let crashed = try await client.readResponse()
            #expect(crashed.status == 500)
            #expect(crashed.errorCode == "internal_error")
            #expect(!crashed.text.contains("ProbeFailure"))
        }
    }
}
