/// The llama architecture: Llama 2 and 3, Mistral, TinyLlama, SmolLM.
///
/// Reference: the Llama paper's pre-norm decoder (RMSNorm, RoPE on adjacent pairs, grouped-query
/// attention, SwiGLU) as laid out in llama.cpp's `llm_build_llama`; no biases.
package enum Llama: Architecture {
    package static let name = "llama"
    package static let ropeStyle = RopeStyle.normal
    package static let hasAttentionBias = false
}
