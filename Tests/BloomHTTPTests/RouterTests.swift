import BloomHTTP
import Testing

@Suite("Router")
struct RouterTests {
    static let router: Router = {
        var router = Router()
        router.get("/api/models", .sync { _, _ in .text("list") })
        router.get("/api/models/{name}", .sync { _, _ in .text("one") })
        router.get("/api/models/tasks/{task}", .sync { _, _ in .text("task") })
        router.post("/api/models/{name}/warmup", .sync { _, _ in .text("warm") })
        return router
    }()

    func pattern(_ method: HTTPMethod, _ path: String) -> String? {
        if case .found(let route, _) = Self.router.match(method: method, path: path[...]) { return route.pattern }
        return nil
    }

    @Test("literal segments win over parameters")
    func specificity() {
        #expect(self.pattern(.get, "/api/models/tasks/chat") == "/api/models/tasks/{task}")
        #expect(self.pattern(.get, "/api/models/mistral") == "/api/models/{name}")
        #expect(self.pattern(.get, "/api/models") == "/api/models")
    }

    @Test("parameters are percent-decoded")
    func decoding() {
        guard case .found(_, let parameters) = Self.router.match(method: .get, path: "/api/models/mistral%3Alatest")
        else {
            Issue.record("no match")
            return
        }
        #expect(parameters["name"] == "mistral:latest")
    }

    @Test("HEAD uses the GET route; a wrong method lists what is allowed")
    func methods() {
        #expect(self.pattern(.head, "/api/models") == "/api/models")
        guard case .wrongMethod(let allowed) = Self.router.match(method: .get, path: "/api/models/x/warmup") else {
            Issue.record("expected wrongMethod")
            return
        }
        #expect(allowed == [.post, .options])
    }

    @Test("unknown paths and empty parameters do not match")
    func misses() {
        #expect(self.pattern(.get, "/api/models/") == nil)
        #expect(self.pattern(.get, "/api/unknown") == nil)
        #expect(self.pattern(.get, "/api/models/a/b/c") == nil)
    }
}

@Suite("HTTPRequest")
struct HTTPRequestTests {
    @Test("path and query split at the first ?, and query values are decoded; the first repeat wins")
    func query() {
        let request = HTTPRequest(method: .get, target: "/api/chat/history/x?page=2&q=hello+w%C3%B6rld&page=9&flag")
        #expect(request.path == "/api/chat/history/x")
        #expect(request.queryString == "page=2&q=hello+w%C3%B6rld&page=9&flag")
        #expect(request.query == ["page": "2", "q": "hello wörld", "flag": ""])
        #expect(HTTPRequest(method: .get, target: "/plain").queryString == nil)
    }
}
