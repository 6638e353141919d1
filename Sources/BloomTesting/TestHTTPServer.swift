import BloomCore
public import BloomHTTP

/// Starts an ``HTTPServer`` on a free loopback port with Bloom's standard middleware, for
/// tests that talk to it through real sockets.
public enum TestHTTPServer {
    /// - Parameters:
    ///   - configure: adjusts limits and timeouts before start (port is forced to 0).
    ///   - staticRoot: a folder to serve as static files.
    public static func start(
        router: Router,
        logSink: MemoryLogSink = MemoryLogSink(),
        staticRoot: String? = nil,
        corsOrigins: [String] = [],
        configure: (inout HTTPServerConfiguration) -> Void = { _ in }
    ) throws -> HTTPServer {
        var configuration = HTTPServerConfiguration()
        configuration.host = "127.0.0.1"
        configuration.eventLoops = 2
        configuration.standardHeaders = StandardHeaders(SecurityHeadersMiddleware.standardHeaders)
        configure(&configuration)
        configuration.port = 0
        let logger = logSink.logger(label: "test.http")
        let application = HTTPApplication(
            router: router,
            middleware: [RequestIDMiddleware(), SecurityHeadersMiddleware(), CORSMiddleware(origins: corsOrigins)],
            staticFiles: staticRoot.flatMap { StaticFiles(root: $0) },
            logger: logger
        )
        let server = try HTTPServer(configuration: configuration, responder: application, logger: logger)
        try server.start()
        return server
    }
}
