public import BloomCore
public import Foundation
import Synchronization

/// Runs the registered ``HealthCheck``s on an interval and keeps the latest `/health`
/// document ready to send, so that a health request costs a lock and a copy, never a probe.
///
/// It also holds readiness: named conditions that must all hold before `/health/ready` says
/// yes (`startup` today; the model gateway adds `chat`).
public final class HealthMonitor: Sendable {
    /// The latest results, as sent by `/health`.
    public struct Snapshot: Sendable {
        public var status: HealthStatus
        public var checkedAt: Date
        public var dependencies: [Dependency]
        /// The JSON document, encoded once per refresh.
        public var document: [UInt8]
        /// Increases whenever `document` changes, for streams of changes.
        public var version: Int
    }

    public struct Dependency: Sendable, Equatable {
        public var name: String
        public var status: HealthStatus
        public var latencyMilliseconds: Double
        public var isCritical: Bool
        public var detail: String?
    }

    private struct State {
        var snapshot: Snapshot
        var pendingConditions: Set<String>
        var draining = false
    }

    public let interval: Duration
    public let checkTimeout: Duration
    /// Owned by the mutex: set at wiring time, read by each refresh.
    private let checks: Mutex<[any HealthCheck]>
    private let logger: Logger
    /// Owned by the mutex: the snapshot, readiness conditions and draining flag.
    private let state: Mutex<State>

    public init(
        checks: [any HealthCheck],
        readinessConditions: Set<String> = ["startup"],
        interval: Duration = .seconds(10),
        checkTimeout: Duration = .seconds(3),
        logger: Logger
    ) {
        self.checks = Mutex(checks)
        self.interval = interval
        self.checkTimeout = checkTimeout
        self.logger = logger
        let empty = Snapshot(status: .ok, checkedAt: Date(), dependencies: [], document: [], version: 0)
        self.state = Mutex(State(snapshot: Self.encoded(empty), pendingConditions: readinessConditions))
    }

    public var snapshot: Snapshot { self.state.withLock { $0.snapshot } }

    /// Adds a check, for components built after the monitor (the model gateway).
    public func add(_ check: any HealthCheck) { self.checks.withLock { $0.append(check) } }

    // MARK: - Readiness

    /// Marks `condition` as met (or no longer met).
    public func setCondition(_ condition: String, met: Bool) {
        self.state.withLock { state in
            if met {
                state.pendingConditions.remove(condition)
            } else {
                state.pendingConditions.insert(condition)
            }
        }
    }

    /// Readiness turns off for good: load balancers should stop sending traffic.
    public func beginDraining() { self.state.withLock { $0.draining = true } }

    /// Whether the service can take traffic, and if not, what it is waiting for.
    public var readiness: (ready: Bool, draining: Bool, waitingFor: [String]) {
        self.state.withLock { state in
            let waiting = state.pendingConditions.sorted()
            let down = state.snapshot.status == .down
            return (waiting.isEmpty && !state.draining && !down, state.draining, down ? waiting + ["health"] : waiting)
        }
    }

    // MARK: - Probing

    /// Runs every check once, concurrently, and publishes the results.
    public func refresh() async {
        let results = await withTaskGroup(of: Dependency.self) { group in
            for check in self.checks.withLock({ $0 }) {
                group.addTask { await self.run(check) }
            }
            var results: [Dependency] = []
            for await result in group { results.append(result) }
            return results.sorted { $0.name < $1.name }
        }
        let overall = results.reduce(HealthStatus.ok) { worst, dependency in
            let effect = dependency.status == .down && !dependency.isCritical ? .degraded : dependency.status
            return max(worst, effect)
        }
        let (previous, current) = self.state.withLock { state -> (HealthStatus, HealthStatus) in
            let previous = state.snapshot.status
            // Latency moves on every probe; a stream of changes should only fire on state changes.
            let summary = { (list: [Dependency]) in list.map { "\($0.name)|\($0.status)|\($0.detail ?? "")" } }
            let changed = summary(state.snapshot.dependencies) != summary(results) || previous != overall
            var next = Snapshot(
                status: overall,
                checkedAt: Date(),
                dependencies: results,
                document: [],
                version: state.snapshot.version + (changed ? 1 : 0)
            )
            next = Self.encoded(next)
            state.snapshot = next
            return (previous, overall)
        }
        if previous != current {
            let failing = results.filter { $0.status != .ok }.map(\.name).joined(separator: ",")
            self.logger.warning(
                "health changed",
                metadata: [
                    "from": .string(previous.rawValue), "to": .string(current.rawValue), "failing": .string(failing),
                ])
        }
    }

    /// Refreshes on the interval until the task is cancelled.
    public func runPeriodically() async {
        while !Task.isCancelled {
            try? await Task.sleep(for: self.interval)
            if Task.isCancelled { return }
            await self.refresh()
        }
    }

    private func run(_ check: any HealthCheck) async -> Dependency {
        let start = MonotonicClock.now()
        let timeout = self.checkTimeout
        let outcome = await withTaskGroup(of: HealthCheckOutcome?.self) { group in
            group.addTask { await check.check() }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return Task.isCancelled ? nil : HealthCheckOutcome(.down, detail: "no answer within \(timeout)")
            }
            defer { group.cancelAll() }
            while let result = await group.next() {
                if let result { return result }
            }
            return HealthCheckOutcome(.down, detail: "check did not run")
        }
        let latency = (MonotonicClock.milliseconds(from: start, to: MonotonicClock.now()) * 100).rounded() / 100
        return Dependency(
            name: check.name,
            status: outcome.status,
            latencyMilliseconds: latency,
            isCritical: check.isCritical,
            detail: outcome.detail
        )
    }

    private static func encoded(_ snapshot: Snapshot) -> Snapshot {
        var copy = snapshot
        var bytes = Array(#"{"status":"#.utf8)
        JSONText.appendQuoted(snapshot.status.rawValue, to: &bytes)
        bytes += Array(#","checked_at":"#.utf8)
        JSONText.appendQuoted(snapshot.checkedAt.formatted(.iso8601), to: &bytes)
        bytes += Array(#","dependencies":{"#.utf8)
        for (index, dependency) in snapshot.dependencies.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            JSONText.appendQuoted(dependency.name, to: &bytes)
            bytes += Array(#":{"status":"#.utf8)
            JSONText.appendQuoted(dependency.status.rawValue, to: &bytes)
            bytes += Array(
                #","latency_ms":\#(dependency.latencyMilliseconds),"critical":\#(dependency.isCritical)"#.utf8)
            if let detail = dependency.detail {
                bytes += Array(#","detail":"#.utf8)
                JSONText.appendQuoted(detail, to: &bytes)
            }
            bytes.append(UInt8(ascii: "}"))
        }
        bytes += Array("}}".utf8)
        copy.document = bytes
        return copy
    }
}
