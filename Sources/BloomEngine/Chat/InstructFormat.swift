/// The `[INST]` layouts of Llama 2 chat and Mistral instruct.
///
/// - Llama 2 (`<<SYS>>` in the template): `[INST] <<SYS>>\n{system}\n<</SYS>>\n\n{user} [/INST]`,
///   the assistant's reply as ` {reply} </s>`, and `<s>[INST] …` for every later user turn;
///   contents are trimmed, as the Hugging Face template does.
/// - Mistral (v0.1–v0.2 templates, `'[INST] ' + content + ' [/INST]'`): `[INST] {user} [/INST]`,
///   the reply as `{reply}</s>`; the system prompt goes in front of the first user message,
///   separated by a blank line. Later templates without the spaces (`[INST]{user}[/INST]`)
///   are rendered without them.
///
/// The first `<s>` is left out: it is the BOS token, which the tokenizer adds.
struct InstructFormat: ChatFormat {
    enum Style: Sendable, Equatable {
        case llama2
        case mistral(spaced: Bool)
    }

    var style: Style

    var stopSequences: [String] { ["</s>"] }

    func render(_ turns: [ChatTurn], defaultSystemPrompt: String?, addGenerationPrompt: Bool) -> String {
        var system = defaultSystemPrompt
        var conversation = turns[...]
        if let first = conversation.first, first.role == .system {
            system = first.content
            conversation = conversation.dropFirst()
        }

        var prompt = ""
        var isFirstUserTurn = true
        for turn in conversation {
            switch turn.role {
            case .user:
                var content = turn.content
                if isFirstUserTurn, let system {
                    content = self.withSystemPrompt(system, content)
                }
                prompt += (isFirstUserTurn ? "" : self.laterTurnPrefix) + self.user(content)
                isFirstUserTurn = false
            case .assistant:
                prompt += self.assistant(turn.content)
            case .system:
                // A system message after the first turn has no place in these layouts; it is
                // given to the model as a user message would be.
                prompt += (isFirstUserTurn ? "" : self.laterTurnPrefix) + self.user(turn.content)
                isFirstUserTurn = false
            }
        }
        return prompt
    }

    private var laterTurnPrefix: String {
        self.style == .llama2 ? "<s>" : ""
    }

    private func withSystemPrompt(_ system: String, _ user: String) -> String {
        switch self.style {
        case .llama2: "<<SYS>>\n\(system)\n<</SYS>>\n\n\(user)"
        case .mistral: "\(system)\n\n\(user)"
        }
    }

    private func user(_ content: String) -> String {
        switch self.style {
        case .llama2: "[INST] \(content.trimmedForTemplate) [/INST]"
        case .mistral(spaced: true): "[INST] \(content) [/INST]"
        case .mistral(spaced: false): "[INST]\(content)[/INST]"
        }
    }

    private func assistant(_ content: String) -> String {
        switch self.style {
        case .llama2: " \(content.trimmedForTemplate) </s>"
        case .mistral: "\(content)</s>"
        }
    }
}
