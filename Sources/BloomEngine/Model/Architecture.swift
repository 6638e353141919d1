/// What distinguishes one supported architecture of the llama family from another.
///
/// The forward pass is shared (`Transformer`); each architecture, in its own file, states how
/// its attention differs. Adding one is a new conforming type and an entry in `all`.
package protocol Architecture: Sendable {
    /// The value of `general.architecture`.
    static var name: String { get }
    /// How RoPE pairs the dimensions of a head.
    static var ropeStyle: RopeStyle { get }
    /// Whether the query, key and value projections carry bias vectors.
    static var hasAttentionBias: Bool { get }
}

/// RoPE pairing: `normal` rotates adjacent dimensions (2i, 2i+1), as the original llama code
/// does; `neox` rotates dimension i with i + d/2, as GPT-NeoX and Qwen2 do.
package enum RopeStyle: Sendable {
    case normal
    case neox
}

package enum Architectures {
    package static let all: [any Architecture.Type] = [Llama.self, Qwen2.self]

    package static func named(_ name: String) throws(GGUFError) -> any Architecture.Type {
        guard let found = self.all.first(where: { $0.name == name }) else {
            throw .unsupportedArchitecture(name)
        }
        return found
    }
}
