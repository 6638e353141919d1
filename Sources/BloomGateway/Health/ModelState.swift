/// What the gateway knows about a model's availability, from its background probes.
public enum ModelState: String, Sendable, Equatable {
    /// Not probed yet.
    case unknown
    /// At least one endpoint answers and has the model.
    case ready
    /// A server answers but is still loading the model (llama-server's 503).
    case loading
    /// No endpoint answers.
    case unreachable
    /// A server answers but does not have the model (not pulled, wrong name).
    case misconfigured

    /// The better of two endpoint states, for a model with several endpoints.
    func better(_ other: ModelState) -> ModelState {
        let order: [ModelState] = [.ready, .loading, .misconfigured, .unreachable, .unknown]
        return order.firstIndex(of: self)! <= order.firstIndex(of: other)! ? self : other
    }
}

/// The latest probe of one model.
public struct ModelStatus: Sendable, Equatable {
    public var state: ModelState
    /// A fact for operators: which endpoint, what it said, what to do.
    public var detail: String?
    public var latencyMilliseconds: Double?

    public init(state: ModelState, detail: String? = nil, latencyMilliseconds: Double? = nil) {
        self.state = state
        self.detail = detail
        self.latencyMilliseconds = latencyMilliseconds
    }
}
