import BloomHTTP
import BloomTesting
import Foundation
import Testing

@Suite("Static files")
struct StaticFilesTests {
    /// A public folder with a page, a stylesheet, a hidden file, and a secret beside it.
    static func makeSite() throws -> (root: String, secret: String) {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("bloom-static-\(UUID().uuidString)")
        let root = base.appendingPathComponent("Public")
        try FileManager.default.createDirectory(
            at: root.appendingPathComponent("css"), withIntermediateDirectories: true)
        try "<h1>Bloom</h1>".write(to: root.appendingPathComponent("index.html"), atomically: true, encoding: .utf8)
        try "body{}".write(to: root.appendingPathComponent("css/site.css"), atomically: true, encoding: .utf8)
        try "hidden".write(to: root.appendingPathComponent(".env"), atomically: true, encoding: .utf8)
        let secret = base.appendingPathComponent("secret.txt")
        try "TOP SECRET".write(to: secret, atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(
            atPath: root.appendingPathComponent("escape.txt").path,
            withDestinationPath: secret.path
        )
        return (root.path, secret.path)
    }

    @Test("files are served with their type, an ETag and a cache policy")
    func serves() async throws {
        let site = try Self.makeSite()
        let server = try TestHTTPServer.start(router: Router(), staticRoot: site.root)
        let client = try LoopbackClient(port: server.port)

        try client.request("GET", "/")
        let index = try await client.readResponse()
        #expect(index.status == 200)
        #expect(index.text == "<h1>Bloom</h1>")
        #expect(index.headers["content-type"] == "text/html; charset=utf-8")
        #expect(index.headers["cache-control"] == "no-cache")
        #expect(index.headers["content-security-policy"]?.contains("script-src 'self'") == true)
        #expect(index.headers["x-content-type-options"] == "nosniff")

        try client.request("GET", "/css/site.css")
        let css = try await client.readResponse()
        #expect(css.headers["content-type"] == "text/css; charset=utf-8")
        #expect(css.headers["cache-control"] == "public, max-age=3600")
        let etag = try #require(css.headers["etag"])

        try client.request("GET", "/css/site.css", headers: [("If-None-Match", etag)])
        let revalidated = try await client.readResponse()
        #expect(revalidated.status == 304)
        #expect(revalidated.body.isEmpty)
        await server.shutdown(timeout: .seconds(2))
    }

    @Test("files over the size limit are not served")
    func sizeLimit() async throws {
        let site = try Self.makeSite()
        try String(repeating: "x", count: 5000).write(
            toFile: site.root + "/big.txt",
            atomically: true,
            encoding: .utf8
        )
        let files = try #require(StaticFiles(root: site.root, maxFileBytes: 4096))
        #expect(files.response(for: HTTPRequest(method: .get, target: "/big.txt")) == nil)
        #expect(files.response(for: HTTPRequest(method: .get, target: "/index.html"))?.status == .ok)
    }

    @Test(
        "traversal and hidden-file attempts get 404 and never the file",
        arguments: [
            "/../secret.txt", "/%2e%2e/secret.txt", "/css/..%2f..%2fsecret.txt", "/..%5csecret.txt",
            "/escape.txt", "/.env", "/css/%2e%2e/%2e%2e/secret.txt", "/index.html%00.css",
        ]
    )
    func traversal(path: String) async throws {
        let site = try Self.makeSite()
        let server = try TestHTTPServer.start(router: Router(), staticRoot: site.root)
        let client = try LoopbackClient(port: server.port)
        try client.request("GET", path)
        let response = try await client.readResponse()
        #expect([400, 404].contains(response.status))
        #expect(!response.text.contains("TOP SECRET"))
        #expect(!response.text.contains("hidden"))
        await server.shutdown(timeout: .seconds(2))
    }

    @Test(
        "media types follow the extension",
        arguments: [
            ("a.js", "text/javascript; charset=utf-8"), ("a.svg", "image/svg+xml"), ("a.woff2", "font/woff2"),
            ("a.JSON", "application/json"), ("noext", "application/octet-stream"),
            ("dir.d/file", "application/octet-stream"),
        ])
    func mediaTypes(path: String, type: String) {
        #expect(MediaTypes.type(forPath: path) == type)
    }
}
