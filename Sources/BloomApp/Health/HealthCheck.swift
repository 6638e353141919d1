/// The state of one dependency, or of the whole service.
public enum HealthStatus: String, Sendable, Comparable {
    case ok
    case degraded
    case down

    private var rank: Int {
        switch self {
        case .ok: 0
        case .degraded: 1
        case .down: 2
        }
    }

    public static func < (lhs: HealthStatus, rhs: HealthStatus) -> Bool { lhs.rank < rhs.rank }
}

/// A probe of one dependency, run in the background by ``HealthMonitor``, never per request.
public protocol HealthCheck: Sendable {
    /// The key in `/health`'s `dependencies` (`data_dir`, `store`, `redis`, `model:mistral`).
    var name: String { get }
    /// Whether the service is down when this is down; otherwise it is only degraded.
    var isCritical: Bool { get }
    /// Probes the dependency; the monitor times it and bounds it with a timeout.
    func check() async -> HealthCheckOutcome
}

/// What a probe found.
public struct HealthCheckOutcome: Sendable, Equatable {
    public var status: HealthStatus
    /// A short fact for operators: `79 GB free`, `connection refused`.
    public var detail: String?

    public init(_ status: HealthStatus, detail: String? = nil) {
        self.status = status
        self.detail = detail
    }
}
