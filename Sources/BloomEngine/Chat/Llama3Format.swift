/// Llama 3's header layout (Meta's model card, "Llama 3 prompt format"):
/// `<|start_header_id|>{role}<|end_header_id|>\n\n{content, trimmed}<|eot_id|>` per turn, then
/// the assistant header.
///
/// The template's leading `<|begin_of_text|>` is left out: it is the BOS token, which the
/// tokenizer adds (Llama 3 files set `add_bos_token`), as llama.cpp's built-in template does.
struct Llama3Format: ChatFormat {
    var stopSequences: [String] { ["<|eot_id|>"] }

    func render(_ turns: [ChatTurn], defaultSystemPrompt: String?, addGenerationPrompt: Bool) -> String {
        var prompt = ""
        if let defaultSystemPrompt, let first = turns.first, first.role != .system {
            prompt += Self.header(.system) + defaultSystemPrompt.trimmedForTemplate + "<|eot_id|>"
        }
        for turn in turns {
            prompt += Self.header(turn.role) + turn.content.trimmedForTemplate + "<|eot_id|>"
        }
        if addGenerationPrompt {
            prompt += Self.header(.assistant)
        }
        return prompt
    }

    private static func header(_ role: ChatTurn.Role) -> String {
        "<|start_header_id|>\(role.rawValue)<|end_header_id|>\n\n"
    }
}
