/// How important a log record is, from the chattiest (`trace`) to the most severe (`critical`).
///
/// The cases and their order are swift-log's, so operators who know that library read ours the same way:
/// `info` for lifecycle events, `warning` for degraded service, `error` for what someone must act on.
public enum LogLevel: String, Sendable, Comparable, CaseIterable {
    case trace
    case debug
    case info
    case notice
    case warning
    case error
    case critical

    /// Parses a level name the way operators type it.
    ///
    /// Letter case and surrounding whitespace are ignored, and `warn` is accepted for `warning` because many
    /// tools (Go's slog, Python's logging) spell it that way.
    ///
    /// - Returns: `nil` when the text names no level; the caller reports it with its own context.
    public init?(parsing text: String) {
        let name = text.trimmingWhitespace().lowercased()
        if name == "warn" {
            self = .warning
            return
        }
        guard let level = LogLevel(rawValue: name) else {
            return nil
        }
        self = level
    }

    public static func < (lhs: LogLevel, rhs: LogLevel) -> Bool {
        lhs.severity < rhs.severity
    }

    /// The rank used for ordering; declaration order, written out so reordering the cases cannot change it.
    private var severity: Int {
        switch self {
        case .trace: 0
        case .debug: 1
        case .info: 2
        case .notice: 3
        case .warning: 4
        case .error: 5
        case .critical: 6
        }
    }
}
