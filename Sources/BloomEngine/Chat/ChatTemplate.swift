/// Renders a conversation into the prompt text a model was tuned on.
///
/// The engine does not run Jinja. It recognises the family of the model's
/// `tokenizer.chat_template` by its markers and renders that family's layout:
/// - `<|im_start|>`: ChatML (`ChatMLFormat`);
/// - `<|start_header_id|>`: Llama 3 (`Llama3Format`);
/// - `[INST]`: Llama 2 when the template has `<<SYS>>`, else Mistral (`InstructFormat`).
///
/// A file without a template, or with one in no known family, gets ChatML: most small
/// instruction-tuned models use it, and its markers are plain text to a model that does not.
/// A default system prompt the template inserts when the conversation has none (SmolLM2's
/// "You are a helpful AI assistant named SmolLM…") is read from the template text.
package struct ChatTemplate: Sendable {
    package enum Family: String, Sendable, Equatable {
        case chatML
        case llama3
        case llama2
        case mistral
    }

    package let family: Family
    /// The system message used when the conversation does not begin with one.
    package let defaultSystemPrompt: String?
    private let format: any ChatFormat

    /// Text that ends the assistant's turn in this family (`<|im_end|>`, `<|eot_id|>`, `</s>`).
    package var stopSequences: [String] { self.format.stopSequences }

    /// The template for a file's `tokenizer.chat_template`, ChatML when it has none.
    package init(file: GGUFFile) {
        self.init(template: file.value(GGUFKey.chatTemplate)?.string)
    }

    /// The template for a Jinja template's text; ChatML for `nil` or an unknown family.
    package init(template: String?) {
        let template = template ?? ""
        if template.contains("<|start_header_id|>") {
            self.init(family: .llama3, defaultSystemPrompt: nil)
        } else if template.contains("[INST]") {
            let family: Family = template.contains("<<SYS>>") ? .llama2 : .mistral
            self.init(
                family: family,
                defaultSystemPrompt: TemplateScanner.assignedSystemMessage(in: template),
                spaced: template.contains(" [/INST]"))
        } else {
            self.init(family: .chatML, defaultSystemPrompt: TemplateScanner.chatMLSystemLiteral(in: template))
        }
    }

    /// - Parameter spaced: Mistral only: whether `[INST]` and `[/INST]` have a space inside.
    package init(family: Family, defaultSystemPrompt: String? = nil, spaced: Bool = true) {
        self.family = family
        self.defaultSystemPrompt = defaultSystemPrompt
        self.format =
            switch family {
            case .chatML: ChatMLFormat()
            case .llama3: Llama3Format()
            case .llama2: InstructFormat(style: .llama2)
            case .mistral: InstructFormat(style: .mistral(spaced: spaced))
            }
    }

    /// The prompt for `turns`. With `addGenerationPrompt`, it ends where the assistant's reply
    /// begins. BOS is not in the text: encode the prompt with `addSpecial: true`.
    package func render(_ turns: [ChatTurn], addGenerationPrompt: Bool = true) -> String {
        self.format.render(
            turns, defaultSystemPrompt: self.defaultSystemPrompt, addGenerationPrompt: addGenerationPrompt)
    }
}

/// Finds literal default system prompts in Jinja template text.
enum TemplateScanner {
    /// The literal text of a ChatML system turn written out in the template, such as
    /// `'<|im_start|>system\nYou are …<|im_end|>\n'`. A system turn built from
    /// `message['content']` is not a literal and is skipped.
    static func chatMLSystemLiteral(in template: String) -> String? {
        let opening = "<|im_start|>system"
        var rest = template[...]
        while let start = rest.firstRange(of: opening) {
            rest = rest[start.upperBound...]
            guard let end = rest.firstRange(of: "<|im_end|>") else { return nil }
            var body = String(rest[..<end.lowerBound])
            if body.hasPrefix("\\n") {
                body.removeFirst(2)
            } else if body.hasPrefix("\n") {
                body.removeFirst()
            } else {
                continue
            }
            if let literal = Self.literal(body) { return literal }
        }
        return nil
    }

    /// The string assigned by `{% set system_message = '…' %}`, Llama 2's way of writing a
    /// default system prompt.
    static func assignedSystemMessage(in template: String) -> String? {
        for quote in ["'", "\""] {
            let marker = "set system_message = " + quote
            guard let start = template.firstRange(of: marker) else { continue }
            let rest = template[start.upperBound...]
            guard let end = rest.firstIndex(of: Character(quote)) else { return nil }
            return Self.literal(String(rest[..<end]))
        }
        return nil
    }

    /// `text` with Jinja's `\n` escapes resolved, or `nil` if it holds template syntax.
    private static func literal(_ text: String) -> String? {
        guard !text.isEmpty, !text.contains(where: { "'\"{}+".contains($0) }) else { return nil }
        return text.replacing("\\n", with: "\n")
    }
}
