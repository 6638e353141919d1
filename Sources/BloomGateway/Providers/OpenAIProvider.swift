public import BloomHTTP
import Foundation

/// Any OpenAI-compatible server (llama.cpp's llama-server, vLLM, LM Studio, LocalAI), through
/// `POST /v1/chat/completions` with Server-Sent Events.
///
/// Follows the Chat Completions streaming format: `data:` events carrying
/// `choices[0].delta.content`, a usage event when `stream_options.include_usage` is set (its
/// `choices` may be empty or null), and `data: [DONE]`. llama-server answers 503 while its
/// model loads; that is `loading`, not a failure of the model.
public struct OpenAIProvider: ModelProvider {
    /// `http://host:port/v1`, without a trailing slash.
    public let baseURL: String
    public let connectTimeout: Duration
    private let apiKey: String?
    private let client: HTTPClient

    public init(baseURL: String, apiKey: String? = nil, client: HTTPClient, connectTimeout: Duration = .seconds(5)) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.apiKey = apiKey
        self.client = client
        self.connectTimeout = connectTimeout
    }

    public func chat(_ request: ChatRequest) async throws -> AsyncThrowingStream<ChatEvent, any Error> {
        var headers: HTTPHeaders = ["Content-Type": "application/json", "Accept": "text/event-stream"]
        if let apiKey { headers.add("Authorization", "Bearer \(apiKey)") }
        let upstream = ClientRequest(
            method: .post,
            url: self.baseURL + "/chat/completions",
            headers: headers,
            body: try Self.body(for: request)
        )
        let response = try await ProviderStream.open(upstream, client: self.client, connectTimeout: self.connectTimeout)
        {
            await self.statusError($0, model: request.model)
        }
        return ProviderStream.events(from: response, decoder: Decoder())
    }

    /// The Chat Completions body, streaming with usage.
    static func body(for request: ChatRequest) throws -> [UInt8] {
        let given = request.options
        var body: [String: Any] = [
            "model": request.model,
            "messages": request.messages.map { ["role": $0.role.rawValue, "content": $0.content] },
            "stream": true,
            "stream_options": ["include_usage": true],
        ]
        if let value = given.temperature { body["temperature"] = value }
        if let value = given.topP { body["top_p"] = value }
        if let value = given.seed { body["seed"] = value }
        if let value = given.maxTokens { body["max_tokens"] = value }
        if !given.stop.isEmpty { body["stop"] = given.stop }
        // Not in OpenAI's API, but llama-server and vLLM read these extensions.
        if let value = given.topK { body["top_k"] = value }
        if let value = given.minP { body["min_p"] = value }
        if let value = given.repeatPenalty { body["repeat_penalty"] = value }
        if given.jsonOutput { body["response_format"] = ["type": "json_object"] }
        return Array(try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys]))
    }

    /// One streamed chunk.
    struct Chunk: Decodable {
        struct Choice: Decodable {
            struct Delta: Decodable { let content: String? }
            let delta: Delta?
            let finishReason: String?

            enum CodingKeys: String, CodingKey {
                case delta
                case finishReason = "finish_reason"
            }
        }

        struct Usage: Decodable {
            let promptTokens: Int
            let completionTokens: Int

            enum CodingKeys: String, CodingKey {
                case promptTokens = "prompt_tokens"
                case completionTokens = "completion_tokens"
            }
        }

        struct Failure: Decodable { let message: String? }

        let choices: [Choice]?
        let usage: Usage?
        let error: Failure?
    }

    /// Chat Completions events as chat events.
    struct Decoder: ChatStreamDecoder, Sendable {
        private var events = ServerSentEventData()
        private var summary = GenerationSummary(promptTokens: 0, completionTokens: 0)
        /// Without a usage chunk, completion tokens are counted as streamed pieces, which
        /// llama-server and vLLM send one token at a time.
        private var pieces = 0

        var endedEarly: ProviderError { ProviderError(.malformed, "the stream ended without data: [DONE]") }

        mutating func decode(_ piece: [UInt8], into output: inout [ChatEvent]) throws(ProviderError) {
            for data in try self.events.push(piece) {
                if data == "[DONE]" {
                    if self.summary.completionTokens == 0 { self.summary.completionTokens = self.pieces }
                    output.append(.done(self.summary))
                    break
                }
                let chunk: Chunk
                do {
                    chunk = try JSONDecoder().decode(Chunk.self, from: Data(data.utf8))
                } catch {
                    throw ProviderError(.malformed, "the server sent an event that is not a chunk: \(data.prefix(80))")
                }
                if let failure = chunk.error {
                    throw ProviderError(.upstreamStatus, failure.message ?? "the server reported an error")
                }
                if let usage = chunk.usage {
                    self.summary.promptTokens = usage.promptTokens
                    self.summary.completionTokens = usage.completionTokens
                }
                for choice in chunk.choices ?? [] {
                    if let text = choice.delta?.content, !text.isEmpty {
                        self.pieces += 1
                        output.append(.delta(text))
                    }
                    if let reason = choice.finishReason { self.summary.finishReason = reason }
                }
            }
        }
    }

    /// The error for a non-200 answer, with the server's `error.message` when it sent one.
    private func statusError(_ response: ClientResponse, model: String) async -> ProviderError {
        let body = (try? await response.collect(limit: 64 * 1024)) ?? []
        let object = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any]
        let nested = (object?["error"] as? [String: Any])?["message"] as? String
        let detail = nested ?? object?["error"] as? String ?? "HTTP \(response.status)"
        switch response.status {
        case 404:
            return ProviderError(.modelMissing, "model \"\(model)\" is not served at \(self.baseURL) (\(detail))")
        case 503 where detail.localizedCaseInsensitiveContains("loading"):
            return ProviderError(.loading, "\(self.baseURL) is still loading its model: \(detail)")
        case 429, 503:
            return ProviderError(.overloaded, "\(self.baseURL) is busy: \(detail)")
        default:
            return ProviderError(.upstreamStatus, "\(self.baseURL) answered \(response.status): \(detail)")
        }
    }
}
