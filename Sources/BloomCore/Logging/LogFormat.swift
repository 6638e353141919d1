/// The line format a ``StreamLogSink`` writes.
///
/// `logfmt` is for people reading a terminal; `json` (one object per line) is for log shippers such as
/// Vector, Loki or journald forwarding, which parse it without a custom grammar.
public enum LogFormat: String, Sendable, CaseIterable {
    case logfmt
    case json

    /// Parses a format name, ignoring letter case and surrounding whitespace.
    ///
    /// - Returns: `nil` when the text names no format; the caller reports it with its own context.
    public init?(parsing text: String) {
        self.init(rawValue: text.trimmingWhitespace().lowercased())
    }
}
