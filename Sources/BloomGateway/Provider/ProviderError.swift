/// Why a provider could not give an answer, sorted by what the router should do about it.
public struct ProviderError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable, Equatable {
        /// No connection: refused, unresolved, connect timeout.
        case unreachable
        /// The server is busy (Ollama's queue is full, HTTP 503).
        case overloaded
        /// The model is still loading (llama-server's 503 "loading").
        case loading
        /// The model does not exist on the server (HTTP 404): a configuration error.
        case modelMissing
        /// The server answered with another error status.
        case upstreamStatus
        /// The server sent something that cannot be read.
        case malformed
        /// No first token, or no next token, within its time budget.
        case timedOut
        /// The prompt does not fit the model's context; another model with a larger one may.
        case contextExceeded
        /// The stream failed after text was already produced.
        case failedMidStream
    }

    public let kind: Kind
    public let message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    /// Whether trying again, or another deployment, may succeed. A missing model will not
    /// appear by retrying, nor will a prompt fit a context on the second try; a mid-stream
    /// failure must not be retried (the text is out).
    public var isRetryable: Bool {
        switch self.kind {
        case .unreachable, .overloaded, .loading, .upstreamStatus, .malformed, .timedOut: true
        case .modelMissing, .contextExceeded, .failedMidStream: false
        }
    }

    public var description: String { "\(self.kind.rawValue): \(self.message)" }
}

/// A source of model answers: an Ollama server, an OpenAI-compatible server, the embedded engine.
public protocol ModelProvider: Sendable {
    /// Starts a generation. Throws ``ProviderError`` when it cannot start; the stream throws
    /// ``ProviderError`` when it fails later. Cancelling the consuming task, or dropping the
    /// stream, stops the generation upstream.
    func chat(_ request: ChatRequest) async throws -> AsyncThrowingStream<ChatEvent, any Error>
}
