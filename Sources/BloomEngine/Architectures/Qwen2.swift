/// The Qwen2 architecture (Qwen2 and Qwen2.5 instruct models).
///
/// Reference: llama.cpp's `llm_build_qwen2`. The same decoder as llama except that the query,
/// key and value projections add bias vectors and RoPE rotates dimension i with i + d/2.
package enum Qwen2: Architecture {
    package static let name = "qwen2"
    package static let ropeStyle = RopeStyle.neox
    package static let hasAttentionBias = true
}
