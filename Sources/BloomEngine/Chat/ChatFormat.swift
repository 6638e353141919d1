/// One family of chat prompt layouts. Each family is its own type and file.
protocol ChatFormat: Sendable {
    /// The prompt text for `turns`, ending with the assistant's header when
    /// `addGenerationPrompt` is set.
    func render(_ turns: [ChatTurn], defaultSystemPrompt: String?, addGenerationPrompt: Bool) -> String
    /// Text that ends the assistant's turn; generation stops when it appears.
    var stopSequences: [String] { get }
}

extension String {
    /// The text without leading and trailing white space, as Jinja's `trim` and Python's
    /// `str.strip()` give it.
    var trimmedForTemplate: String {
        let scalars = self.unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
            let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        return String(scalars[first...last])
    }
}
