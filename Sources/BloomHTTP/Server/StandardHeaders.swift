/// Header fields sent on every response unless the response sets the same field itself, like
/// nginx's `add_header`.
///
/// They are serialised once, when the server is configured, and copied into each response
/// head as one block: a handful of constant fields per response was a fifth of the server's
/// own CPU time when each went through the response's header list.
///
/// A class so that the connection reads it through one reference per response.
public final class StandardHeaders: Sendable {
    let names: [String]
    /// `Name: value\r\n` for each field, in order.
    let lines: [[UInt8]]
    /// All lines joined, for the common case where the response overrides none.
    let block: [UInt8]
    /// The names' lengths, so most response fields are ruled out by one integer compare.
    private let lengths: [Int]

    public init(_ headers: HTTPHeaders = HTTPHeaders()) {
        precondition(headers.count <= 64, "at most 64 standard headers")
        self.names = headers.map(\.name)
        self.lines = headers.map { Array("\($0.name): \($0.value)\r\n".utf8) }
        self.block = self.lines.flatMap { $0 }
        self.lengths = self.names.map(\.utf8.count)
    }

    public var isEmpty: Bool { self.names.isEmpty }

    /// A bit per standard field that a response field called `name` replaces.
    func overriddenBits(by name: String) -> UInt64 {
        let length = name.utf8.count
        var bits: UInt64 = 0
        for index in self.lengths.indices where self.lengths[index] == length {
            if HTTPHeaders.namesMatch(name, self.names[index]) { bits |= 1 << UInt64(index) }
        }
        return bits
    }

    /// Appends the fields that no response field replaced.
    func append(to output: inout [UInt8], except overridden: UInt64) {
        if overridden == 0 {
            output.append(contentsOf: self.block)
            return
        }
        for index in self.lines.indices where overridden & (1 << UInt64(index)) == 0 {
            output.append(contentsOf: self.lines[index])
        }
    }
}
