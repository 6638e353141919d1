import BloomHTTP

/// Every route Bloom serves, in one table, read top to bottom.
///
/// Anything not listed here falls through to the static files of `Public/`.
extension BloomService {
    static func routes(health: HealthHandlers, info: InfoHandler) -> Router {
        var router = Router()

        // MARK: - Operations (public, cheap, never touch a model)

        router.get("/health", .sync(health.overall))
        router.get("/health/live", .sync(health.live))
        router.get("/health/ready", .sync(health.ready))
        router.get("/health/stream", .sync(health.stream))
        router.get("/info", .sync(info.info))

        return router
    }
}
