/// One message of a conversation.
package struct ChatTurn: Sendable, Equatable {
    package enum Role: String, Sendable, Equatable {
        case system
        case user
        case assistant
    }

    package var role: Role
    package var content: String

    package init(role: Role, content: String) {
        self.role = role
        self.content = content
    }

    package static func system(_ content: String) -> ChatTurn { ChatTurn(role: .system, content: content) }
    package static func user(_ content: String) -> ChatTurn { ChatTurn(role: .user, content: content) }
    package static func assistant(_ content: String) -> ChatTurn { ChatTurn(role: .assistant, content: content) }
}
