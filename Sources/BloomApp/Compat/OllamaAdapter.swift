import BloomCore
import BloomGateway
import BloomHTTP
import Foundation

/// The Ollama-compatible API (`/api/chat`, `/api/generate`, `/api/tags`, `/api/ps`,
/// `/api/show`, `/api/version`): an adapter from Ollama's wire format onto the native chat path.
///
/// As with ``OpenAIAdapter``, each chat is a native turn stored as a new conversation (marked
/// `{"api": "ollama"}`), and a request no model can answer gets an error status, not the
/// fallback text. Errors are `{"error": "..."}`, as Ollama writes them.
struct OllamaAdapter: Sendable {
    let service: ChatService
    /// `modified_at` of every listed model: when this Bloom started.
    let startedAt: Date
    let logger: Logger

    /// `GET /api/version`: Bloom's version.
    func version(_ request: HTTPRequest, _ context: RequestContext) -> HTTPResponse {
        self.answering(context) { try .json(object: ["version": BuildInfo.version]) }
    }

    /// `GET /api/tags`: the catalogue. Async because sizes come from the files of embedded
    /// models, which is file I/O the event loop must not do.
    func tags(_ request: HTTPRequest, _ context: RequestContext) async -> HTTPResponse {
        self.answering(context) {
            let models = self.service.gateway.current.catalogue.models
            return try .json(object: [
                "models": models.map { OllamaWire.model(CompatModel(model: $0), modifiedAt: self.startedAt) }
            ])
        }
    }

    /// `GET /api/ps`: the models whose latest probe found them ready. Bloom cannot tell how
    /// long another server keeps a model loaded, so `expires_at` is left out and `size_vram`
    /// is 0. Async for the same reason as ``tags(_:_:)``.
    func running(_ request: HTTPRequest, _ context: RequestContext) async -> HTTPResponse {
        self.answering(context) {
            let parts = self.service.gateway.current
            let ready = parts.catalogue.models.filter { parts.models.status(of: $0.name).state == .ready }
            return try .json(object: [
                "models": ready.map { model -> [String: Any] in
                    var object = OllamaWire.model(CompatModel(model: model), modifiedAt: self.startedAt)
                    object["size_vram"] = 0
                    return object
                }
            ])
        }
    }

    /// `POST /api/show` with `{"model"}` (or the older `{"name"}`): what the catalogue knows.
    func show(_ request: HTTPRequest, _ context: RequestContext) -> HTTPResponse {
        self.answering(context) {
            struct Body: Decodable {
                let model: String?
                let name: String?
            }
            let body = try JSONDecoder().decode(
                Body.self, from: Data(request.body.isEmpty ? Array("{}".utf8) : request.body))
            guard let name = body.model ?? body.name else {
                throw HTTPError.badRequest("The field \"model\" is required.", code: "invalid_model")
            }
            guard let model = self.service.gateway.current.catalogue.model(named: name) else {
                throw HTTPError.notFound("model \"\(name)\" not found", code: "model_not_found")
            }
            return try .json(object: Self.showing(model, modifiedAt: self.startedAt))
        }
    }

    /// `POST /api/chat`: NDJSON lines with `message.content`, unless `"stream": false`.
    func chat(_ request: HTTPRequest, _ context: RequestContext) async -> HTTPResponse {
        await self.answering(context) {
            let body = try Self.decode(request)
            return try await self.answer(body.chatInput(), streams: body.streams, shape: .chat)
        }
    }

    /// `POST /api/generate`: as `/api/chat` with `response` for the text. An empty prompt only
    /// asks for the model to be loaded, as in Ollama: it is answered at once with
    /// `done_reason: "load"`, after checking that the model exists.
    func generate(_ request: HTTPRequest, _ context: RequestContext) async -> HTTPResponse {
        await self.answering(context) {
            let body = try Self.decode(request)
            guard let prompt = body.prompt, !prompt.isEmpty else {
                let name = body.model ?? ""
                guard self.service.gateway.current.catalogue.model(named: name) != nil else {
                    throw HTTPError.notFound("model \"\(name)\" not found", code: "model_not_found")
                }
                return try .json(object: [
                    "model": name, "created_at": ChatJSON.timestamp(Date()), "response": "", "done": true,
                    "done_reason": "load",
                ])
            }
            return try await self.answer(body.generateInput(), streams: body.streams, shape: .generate)
        }
    }

    /// Runs one native turn and writes it in Ollama's shape.
    private func answer(_ input: ChatInput, streams: Bool, shape: OllamaWire.Shape) async throws -> HTTPResponse {
        let turn = try await self.service.begin(input)
        let service = self.service
        guard streams else {
            let outcome = await service.complete(turn) { _ in }
            try Task.checkCancellation()
            guard outcome.status == .complete else { throw Self.failed(outcome) }
            var response = try HTTPResponse.json(object: OllamaWire.final(outcome, text: outcome.text, shape: shape))
            for field in turn.diagnosticHeaders { response.headers.set(field.name, field.value) }
            return response
        }
        let model = turn.modelUsed ?? "none"
        return .ndjson(headers: turn.diagnosticHeaders) { lines in
            let outcome = await service.complete(turn) { piece in
                try await lines.send(json: CompatJSON.encode(OllamaWire.piece(piece, model: model, shape: shape)))
            }
            switch outcome.status {
            case .complete:
                try await lines.send(json: CompatJSON.encode(OllamaWire.final(outcome, text: "", shape: shape)))
            case .failed:
                try await lines.send(json: CompatJSON.encode(OllamaWire.error(Self.failed(outcome))))
            case .cancelled, .pending:
                break
            }
        }
    }

    private static func decode(_ request: HTTPRequest) throws -> OllamaRequest {
        guard !request.body.isEmpty else {
            throw HTTPError.badRequest("The request body is empty; send a JSON object.", code: "invalid_json")
        }
        return try JSONDecoder().decode(OllamaRequest.self, from: Data(request.body))
    }

    /// `/api/show`'s object: parameters as Modelfile lines from the model's default options.
    /// Bloom does not hold the chat template of a model on another server, so `template` is
    /// empty; the embedded engine reads its template from the GGUF file.
    private static func showing(_ model: CatalogueModel, modifiedAt: Date) -> [String: Any] {
        let options = model.defaultOptions
        var parameters: [String] = []
        if let value = options.temperature { parameters.append("temperature \(value)") }
        if let value = options.topP { parameters.append("top_p \(value)") }
        if let value = options.topK { parameters.append("top_k \(value)") }
        if let value = options.minP { parameters.append("min_p \(value)") }
        if let value = options.repeatPenalty { parameters.append("repeat_penalty \(value)") }
        if let value = options.maxTokens { parameters.append("num_predict \(value)") }
        if let value = options.contextSize ?? model.contextWindow { parameters.append("num_ctx \(value)") }
        for stop in options.stop { parameters.append("stop \"\(stop)\"") }
        var info: [String: Any] = [
            "bloom.provider": model.provider.rawValue, "bloom.upstream_model": model.upstreamModel,
        ]
        if let window = model.contextWindow { info["bloom.context_length"] = window }
        return [
            "modelfile": "# Served by Bloom from its model catalogue.\nFROM \(model.upstreamModel)\n"
                + parameters.map { "PARAMETER \($0)\n" }.joined(),
            "parameters": parameters.joined(separator: "\n"),
            "template": "",
            "details": CompatModel(model: model).ollamaDetails,
            "model_info": info,
            "capabilities": ["completion"],
            "modified_at": ChatJSON.timestamp(modifiedAt),
        ]
    }

    private static func failed(_ outcome: ChatOutcome) -> HTTPError {
        HTTPError(.badGateway, code: "model_failed", message: ChatHandlers.failureMessage(outcome))
    }

    /// Runs `body` and writes any error as `{"error": "..."}`.
    private func answering(_ context: RequestContext, _ body: () async throws -> HTTPResponse) async -> HTTPResponse {
        do {
            return try await body()
        } catch {
            return self.errorResponse(error, context)
        }
    }

    private func answering(_ context: RequestContext, _ body: () throws -> HTTPResponse) -> HTTPResponse {
        do {
            return try body()
        } catch {
            return self.errorResponse(error, context)
        }
    }

    private func errorResponse(_ error: any Error, _ context: RequestContext) -> HTTPResponse {
        let httpError = ErrorResponder.httpError(for: error, requestID: context.requestID, logger: self.logger)
        let bytes = (try? CompatJSON.encode(OllamaWire.error(httpError))) ?? []
        var response = HTTPResponse.json(bytes: bytes, status: httpError.status)
        for field in httpError.headers { response.headers.add(field.name, field.value) }
        return response
    }
}
