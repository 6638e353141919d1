/// Holds back streamed text that might be the start of a stop sequence, and cuts the text at
/// the first complete one, so a client never sees any part of a stop sequence.
package struct StopSequenceFilter: Sendable {
    private let sequences: [String]
    private var pending = ""
    package private(set) var stopped = false

    package init(_ sequences: [String]) {
        self.sequences = sequences.filter { !$0.isEmpty }
    }

    /// Adds generated text; returns what can be shown now.
    package mutating func append(_ text: String) -> String {
        guard !self.stopped else { return "" }
        guard !self.sequences.isEmpty else { return text }
        self.pending += text
        for sequence in self.sequences {
            if let range = self.pending.firstRange(of: sequence) {
                self.stopped = true
                let shown = String(self.pending[..<range.lowerBound])
                self.pending = ""
                return shown
            }
        }
        // Keep the longest tail that is a prefix of some stop sequence.
        var keep = 0
        for sequence in self.sequences {
            for length in stride(from: min(sequence.count - 1, self.pending.count), to: 0, by: -1)
            where self.pending.hasSuffix(sequence.prefix(length)) {
                keep = max(keep, length)
                break
            }
        }
        let shown = String(self.pending.dropLast(keep))
        self.pending = String(self.pending.suffix(keep))
        return shown
    }

    /// The held-back text, once generation has ended without a stop sequence.
    package mutating func finish() -> String {
        defer { self.pending = "" }
        return self.stopped ? "" : self.pending
    }
}
