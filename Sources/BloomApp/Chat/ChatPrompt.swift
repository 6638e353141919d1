import BloomGateway
import BloomStore

/// The messages sent to a model for one turn: the system prompt, as many earlier turns as fit
/// the model's context window (newest kept, oldest dropped), and the visitor's new message.
///
/// Tokens are estimated as UTF-8 bytes / 3, rounded up, plus 4 per message for the chat
/// template's role markers. Real tokenisers average about 4 bytes a token on English text, so
/// this overestimates on purpose: trimming a turn too many costs a little memory, trimming
/// one too few fails the request. It also stays above the router's own pre-check (bytes / 4),
/// so a trimmed prompt is never skipped as too large.
struct ChatPrompt: Sendable, Equatable {
    var messages: [ChatMessage]
    /// Earlier messages left out to fit the window.
    var droppedMessages: Int
    var estimatedTokens: Int

    /// Tokens kept free for the answer when the model sets no `max_tokens`: a quarter of the
    /// window, at most 1,024.
    static func answerReserve(contextWindow: Int, maxTokens: Int?) -> Int {
        maxTokens ?? min(contextWindow / 4, 1024)
    }

    static func estimatedTokens(_ message: ChatMessage) -> Int {
        (message.content.utf8.count + 2) / 3 + 4
    }

    /// - Parameters:
    ///   - history: the conversation's earlier messages, oldest first; only visitor messages and
    ///     answers a model really gave (complete or cancelled, not fallback) are sent.
    ///   - budget: tokens the prompt may use (context window minus the answer's reserve); nil
    ///     when the model's window is unknown, which keeps every turn.
    init(system: String, history: [StoredMessage], message: String, budget: Int?) {
        self.init(
            head: [ChatMessage(.system, system)], earlier: history.compactMap(Self.chatMessage),
            last: ChatMessage(.user, message), budget: budget)
    }

    /// A conversation an API client sent whole: its leading system messages and its last
    /// message are always kept, the messages between are trimmed from the oldest.
    init(conversation: [ChatMessage], budget: Int?) {
        precondition(!conversation.isEmpty, "an API conversation is checked to have a user message")
        let head = Array(conversation.dropLast().prefix { $0.role == .system })
        let earlier = Array(conversation.dropFirst(head.count).dropLast())
        self.init(head: head, earlier: earlier, last: conversation[conversation.count - 1], budget: budget)
    }

    private init(head: [ChatMessage], earlier: [ChatMessage], last: ChatMessage, budget: Int?) {
        var used = (head + [last]).reduce(0) { $0 + Self.estimatedTokens($1) }
        var kept: [ChatMessage] = []
        for turn in earlier.reversed() {
            let cost = Self.estimatedTokens(turn)
            if let budget, used + cost > budget { break }
            used += cost
            kept.append(turn)
        }
        self.messages = head + kept.reversed() + [last]
        self.droppedMessages = earlier.count - kept.count
        self.estimatedTokens = used
    }

    private static func chatMessage(_ stored: StoredMessage) -> ChatMessage? {
        switch (stored.role, stored.status) {
        case (.user, _): ChatMessage(.user, stored.content)
        case (.assistant, .complete), (.assistant, .cancelled):
            stored.fallback || stored.content.isEmpty ? nil : ChatMessage(.assistant, stored.content)
        case (.assistant, _), (.system, _): nil
        }
    }
}
