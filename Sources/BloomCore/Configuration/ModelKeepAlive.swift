/// How long a model stays loaded after a request, in Ollama's terms (`OLLAMA_KEEP_ALIVE`, `keep_alive`).
///
/// An enum rather than an optional `Duration` so "forever" is spelled out at the call site instead of
/// hiding behind `nil`, which elsewhere in the configuration means "not set".
public enum ModelKeepAlive: Sendable, Equatable {
    /// Unload after this long without requests; `.zero` unloads as soon as each response is done.
    case duration(Duration)
    /// Never unload; Ollama's spelling is any negative value.
    case forever
}

extension ModelKeepAlive: CustomStringConvertible {
    /// `forever`, or the duration as Go's duration syntax (`600s`, `250ms`), which Ollama's API accepts.
    public var description: String {
        switch self {
        case .duration(let duration):
            let (seconds, attoseconds) = duration.components
            return attoseconds == 0 ? "\(seconds)s" : "\(seconds * 1000 + attoseconds / 1_000_000_000_000_000)ms"
        case .forever:
            return "forever"
        }
    }
}

extension ModelKeepAlive {
    /// Reads a keep-alive as Ollama's API and `OLLAMA_KEEP_ALIVE` spell it (`10m`, `30s`, plain
    /// seconds, `0`, `-1`); nil for text that is not a duration.
    public init?(parsing text: String) {
        guard let value = try? SettingParser.keepAlive(text) else { return nil }
        self = value
    }
}
