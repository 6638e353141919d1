/// ChatML, used by SmolLM, Qwen and many fine-tunes:
/// `<|im_start|>{role}\n{content}<|im_end|>\n` per turn, then `<|im_start|>assistant\n`.
struct ChatMLFormat: ChatFormat {
    var stopSequences: [String] { ["<|im_end|>"] }

    func render(_ turns: [ChatTurn], defaultSystemPrompt: String?, addGenerationPrompt: Bool) -> String {
        var prompt = ""
        // SmolLM2 and Qwen 2.5 templates open with their own system message when the
        // conversation does not start with one.
        if let defaultSystemPrompt, let first = turns.first, first.role != .system {
            prompt += Self.turn(.system, defaultSystemPrompt)
        }
        for turn in turns {
            prompt += Self.turn(turn.role, turn.content)
        }
        if addGenerationPrompt {
            prompt += "<|im_start|>assistant\n"
        }
        return prompt
    }

    private static func turn(_ role: ChatTurn.Role, _ content: String) -> String {
        "<|im_start|>\(role.rawValue)\n\(content)<|im_end|>\n"
    }
}
