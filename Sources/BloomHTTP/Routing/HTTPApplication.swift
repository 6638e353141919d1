public import BloomCore

/// The responder Bloom runs: middleware, then the route table, then static files, with every
/// error turned into a response by ``ErrorResponder``.
public struct HTTPApplication: HTTPResponder {
    public let router: Router
    public let middleware: [any HTTPMiddleware]
    public let staticFiles: StaticFiles?
    public let logger: Logger
    /// Whether to write one `info` line per request.
    public let accessLog: Bool

    public init(
        router: Router,
        middleware: [any HTTPMiddleware],
        staticFiles: StaticFiles? = nil,
        logger: Logger,
        accessLog: Bool = true
    ) {
        self.router = router
        self.middleware = middleware
        self.staticFiles = staticFiles
        self.logger = logger
        self.accessLog = accessLog
    }

    public func respond(to request: HTTPRequest, context: RequestContext) -> ResponseOutcome {
        var request = request
        var context = context
        for step in self.middleware {
            if let early = step.intercept(&request, context: &context) {
                return .now(self.finish(early, request: request, context: context))
            }
        }

        switch self.router.match(method: request.method, path: request.path) {
        case .found(let route, let parameters):
            context.parameters = parameters
            context.route = route.pattern
            return self.run(route.handler, request: request, context: context)
        case .wrongMethod(let allowed):
            let allow = allowed.map(\.rawValue).joined(separator: ", ")
            if request.method == .options {
                return .now(
                    self.finish(
                        HTTPResponse(status: .noContent, headers: ["Allow": allow]), request: request, context: context)
                )
            }
            let error = HTTPError(
                .methodNotAllowed,
                code: "method_not_allowed",
                message: "\(request.method.rawValue) is not allowed on \(request.path); use \(allow).",
                headers: ["Allow": allow]
            )
            return .now(self.finish(error, request: request, context: context))
        case .notFound:
            if let staticFiles, request.method == .get || request.method == .head,
                let response = staticFiles.response(for: request)
            {
                return .now(self.finish(response, request: request, context: context))
            }
            let error = HTTPError.notFound("No resource at \(request.path).")
            return .now(self.finish(error, request: request, context: context))
        }
    }

    private func run(_ handler: RouteHandler, request: HTTPRequest, context: RequestContext) -> ResponseOutcome {
        switch handler {
        case .sync(let handle):
            do {
                return .now(self.finish(try handle(request, context), request: request, context: context))
            } catch {
                return .now(self.finish(error, request: request, context: context))
            }
        case .async(let handle):
            return .later {
                do {
                    return self.finish(try await handle(request, context), request: request, context: context)
                } catch {
                    return self.finish(error, request: request, context: context)
                }
            }
        }
    }

    private func finish(_ error: any Error, request: HTTPRequest?, context: RequestContext) -> HTTPResponse {
        let response = ErrorResponder.response(for: error, requestID: context.requestID, logger: context.logger)
        return self.finish(response, request: request, context: context)
    }

    private func finish(_ response: consuming HTTPResponse, request: HTTPRequest?, context: RequestContext)
        -> HTTPResponse
    {
        var response = response
        for step in self.middleware.reversed() {
            step.decorate(&response, request: request, context: context)
        }
        response.route = context.route
        if !context.requestID.isEmpty { response.requestID = context.requestID }
        return response
    }

    public func response(for error: HTTPError, context: RequestContext) -> HTTPResponse {
        var context = context
        context.requestID = RequestIDMiddleware.generate()
        return self.finish(
            ErrorResponder.response(for: error, requestID: context.requestID), request: nil, context: context)
    }

    /// Only the access log consumes records so far.
    public var recordsExchanges: Bool { self.accessLog && self.logger.isEnabled(.info) }

    public func exchangeFinished(_ record: ExchangeRecord) {
        guard self.accessLog, self.logger.isEnabled(.info) else { return }
        var metadata: LogMetadata = [
            "method": .string(record.method?.rawValue ?? "-"),
            "path": .string(Self.pathForLog(record.target)),
            "status": .integer(record.status),
            "bytes": .integer(record.bytesSent),
            "duration_ms": .double((Double(record.durationNanoseconds) / 1000).rounded() / 1000),
            "request.id": .string(record.requestID),
            "remote": .string(record.remoteAddress),
        ]
        if !record.completed { metadata["completed"] = .bool(false) }
        self.logger.info("request", metadata: metadata)
    }

    /// The path without its query, which may carry tokens or personal data.
    private static func pathForLog(_ target: String) -> String {
        let path = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        return path.count > 256 ? String(path.prefix(256)) + "…" : String(path)
    }
}
