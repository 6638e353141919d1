public import BloomHTTP
import Foundation

/// An Ollama server, through its native API (`POST /api/chat`, NDJSON streaming).
///
/// Follows Ollama's API documentation: each line is a JSON object with `message.content`,
/// the last has `done: true` with token counts and nanosecond durations, and an `error` line
/// can end the stream. HTTP 503 means its queue is full; 404 means the model is not pulled.
public struct OllamaProvider: ModelProvider {
    /// `http://host:11434`, without a trailing slash.
    public let baseURL: String
    public let connectTimeout: Duration
    private let client: HTTPClient

    public init(baseURL: String, client: HTTPClient, connectTimeout: Duration = .seconds(5)) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.client = client
        self.connectTimeout = connectTimeout
    }

    public func chat(_ request: ChatRequest) async throws -> AsyncThrowingStream<ChatEvent, any Error> {
        let upstream = ClientRequest(
            method: .post,
            url: self.baseURL + "/api/chat",
            headers: ["Content-Type": "application/json", "Accept": "application/x-ndjson"],
            body: try Self.body(for: request)
        )
        let response = try await ProviderStream.open(upstream, client: self.client, connectTimeout: self.connectTimeout)
        {
            await self.statusError($0, model: request.model)
        }
        return ProviderStream.events(from: response, decoder: Decoder())
    }

    /// The `/api/chat` body: messages, `stream: true`, options in Ollama's names.
    static func body(for request: ChatRequest) throws -> [UInt8] {
        var options: [String: Any] = [:]
        let given = request.options
        if let value = given.temperature { options["temperature"] = value }
        if let value = given.topP { options["top_p"] = value }
        if let value = given.topK { options["top_k"] = value }
        if let value = given.minP { options["min_p"] = value }
        if let value = given.repeatPenalty { options["repeat_penalty"] = value }
        if let value = given.seed { options["seed"] = value }
        if let value = given.maxTokens { options["num_predict"] = value }
        if let value = given.contextSize { options["num_ctx"] = value }
        if !given.stop.isEmpty { options["stop"] = given.stop }
        var body: [String: Any] = [
            "model": request.model,
            "messages": request.messages.map { ["role": $0.role.rawValue, "content": $0.content] },
            "stream": true,
        ]
        if !options.isEmpty { body["options"] = options }
        if given.jsonOutput { body["format"] = "json" }
        if let keepAlive = request.keepAlive { body["keep_alive"] = keepAlive }
        return Array(try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys]))
    }

    /// One line of Ollama's stream.
    struct Line: Decodable {
        struct Message: Decodable { let content: String? }
        let message: Message?
        let done: Bool?
        let doneReason: String?
        let error: String?
        let promptEvalCount: Int?
        let evalCount: Int?
        let promptEvalDuration: Int64?
        let evalDuration: Int64?

        enum CodingKeys: String, CodingKey {
            case message, done, error
            case doneReason = "done_reason"
            case promptEvalCount = "prompt_eval_count"
            case evalCount = "eval_count"
            case promptEvalDuration = "prompt_eval_duration"
            case evalDuration = "eval_duration"
        }

        var summary: GenerationSummary {
            GenerationSummary(
                promptTokens: self.promptEvalCount ?? 0,
                completionTokens: self.evalCount ?? 0,
                finishReason: self.doneReason,
                promptDuration: self.promptEvalDuration.map { .nanoseconds($0) },
                generationDuration: self.evalDuration.map { .nanoseconds($0) }
            )
        }
    }

    /// Ollama's NDJSON lines as events.
    struct Decoder: ChatStreamDecoder, Sendable {
        private var lines = NDJSONLines()

        var endedEarly: ProviderError { ProviderError(.malformed, "Ollama's stream ended without its final line") }

        mutating func decode(_ piece: [UInt8], into events: inout [ChatEvent]) throws(ProviderError) {
            for raw in try self.lines.push(piece) {
                let line: Line
                do {
                    line = try JSONDecoder().decode(Line.self, from: Data(raw))
                } catch {
                    throw ProviderError(
                        .malformed,
                        "Ollama sent a line that is not JSON: \(String(decoding: raw.prefix(80), as: UTF8.self))")
                }
                if let error = line.error { throw ProviderError(.upstreamStatus, "Ollama: \(error)") }
                if let text = line.message?.content, !text.isEmpty { events.append(.delta(text)) }
                if line.done == true {
                    events.append(.done(line.summary))
                    break
                }
            }
        }
    }

    /// The error for a non-200 answer, with Ollama's `error` text when it sent one.
    private func statusError(_ response: ClientResponse, model: String) async -> ProviderError {
        let body = (try? await response.collect(limit: 64 * 1024)) ?? []
        let object = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any]
        let detail = object?["error"] as? String ?? "HTTP \(response.status)"
        switch response.status {
        case 404:
            return ProviderError(
                .modelMissing,
                "model \"\(model)\" is not available on \(self.baseURL) (\(detail)); run `ollama pull \(model)`"
            )
        case 503:
            return ProviderError(.overloaded, "Ollama at \(self.baseURL) is busy: \(detail)")
        default:
            return ProviderError(.upstreamStatus, "Ollama at \(self.baseURL) answered \(response.status): \(detail)")
        }
    }
}
