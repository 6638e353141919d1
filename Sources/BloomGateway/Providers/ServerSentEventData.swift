/// Collects the `data` of Server-Sent Events from a byte stream (WHATWG HTML §9.2.6), the way
/// OpenAI-compatible servers stream: events end at a blank line, `data:` lines of one event
/// join with newlines, comments and other fields are ignored.
struct ServerSentEventData {
    private var lines = NDJSONLines()
    private var data: [String] = []

    /// Adds a piece and returns the data of the events it completed.
    mutating func push(_ piece: [UInt8]) throws(ProviderError) -> [String] {
        var events: [String] = []
        for raw in try self.lines.push(piece, keepBlank: true) {
            var line = String(decoding: raw, as: UTF8.self)
            if line.hasSuffix("\r") { line.removeLast() }
            if line.isEmpty {
                if !self.data.isEmpty { events.append(self.data.joined(separator: "\n")) }
                self.data = []
            } else if line.hasPrefix("data:") {
                var value = line.dropFirst(5)
                if value.hasPrefix(" ") { value = value.dropFirst() }
                self.data.append(String(value))
            }
        }
        return events
    }
}
