/// Splits a byte stream into newline-terminated lines, across piece boundaries (NDJSON, and
/// the lines of Server-Sent Events).
struct NDJSONLines {
    private var pending: [UInt8] = []
    /// A line longer than this is an error: no provider sends one, and it bounds memory.
    static let maxLineBytes = 1024 * 1024

    /// Adds a piece and returns the complete lines it finished, without their newlines.
    /// - Parameter keepBlank: return empty lines too (they end Server-Sent Events).
    mutating func push(_ piece: [UInt8], keepBlank: Bool = false) throws(ProviderError) -> [[UInt8]] {
        self.pending += piece
        var lines: [[UInt8]] = []
        var start = 0
        while let end = self.pending[start...].firstIndex(of: 10) {
            let line = self.pending[start..<end]
            if keepBlank || !line.allSatisfy({ $0 == 32 || $0 == 13 }) { lines.append(Array(line)) }
            start = end + 1
        }
        self.pending.removeFirst(start)
        if self.pending.count > Self.maxLineBytes {
            throw ProviderError(.malformed, "a streamed line is longer than \(Self.maxLineBytes) bytes")
        }
        return lines
    }
}
