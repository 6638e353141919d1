public import BloomCore
import Foundation

extension Catalogue {
    /// The catalogue `bloom.json`'s `models` and `tasks` sections describe, plus the runbook's
    /// one-model set-up: `OLLAMA_MODEL` (on `OLLAMA_HOST`, else Ollama's default
    /// `http://localhost:11434`) becomes a model named exactly as given, unless the file already
    /// has a model of that name. Unless `BLOOM_EMBEDDED` is off, the embedded default model
    /// `smollm2` comes last, and last in the `chat` task, so it answers when nothing else can.
    ///
    /// `models` is a list of objects: `name`, `provider` (`ollama`, `openai` or `embedded`),
    /// `endpoints` (list of base URLs) or `endpoint`; for `embedded`, `path` (a .gguf file) or
    /// `model` (`smollm2`, or `ollama:NAME[:TAG]` from Ollama's model store) instead; and
    /// optionally `model` (the upstream name), `context_window`, `capabilities`, `options`
    /// (`temperature`, `top_p`, `top_k`, `min_p`, `repeat_penalty`, `seed`, `stop`, `max_tokens`,
    /// `num_ctx`) and `api_key_env` (the name of an environment variable holding the API key, so
    /// that no key is written in the file).
    /// `tasks` maps task types to lists of model names.
    public init(configuration: Configuration, environment: [String: String]) throws(CatalogueError) {
        var models: [CatalogueModel] = []
        if let data = configuration.extraSections["models"] {
            guard let list = (try? JSONSerialization.jsonObject(with: data)) as? [Any] else {
                throw CatalogueError("\"models\" in bloom.json must be a list of model objects")
            }
            for (index, item) in list.enumerated() {
                guard let object = item as? [String: Any] else {
                    throw CatalogueError("models[\(index)] in bloom.json must be an object")
                }
                models.append(
                    try Self.model(
                        from: object, index: index, dataDirectory: configuration.dataDirectory,
                        environment: environment))
            }
        }
        if let name = configuration.ollamaModel, !name.isEmpty, !models.contains(where: { $0.name == name }) {
            let host = configuration.ollamaHost ?? "http://localhost:11434"
            models.append(CatalogueModel(name: name, provider: .ollama, endpoints: [host]))
        }
        let defaultName = EmbeddedModelReference.defaultName
        let addsDefault = configuration.embedded && !models.contains { $0.name == defaultName }
        if addsDefault {
            let path = EmbeddedModelReference.defaultPath(dataDirectory: configuration.dataDirectory)
            models.append(CatalogueModel(name: defaultName, provider: .embedded, endpoints: [path]))
        }

        var tasks: [String: [String]] = [:]
        if let data = configuration.extraSections["tasks"] {
            guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
                throw CatalogueError("\"tasks\" in bloom.json must be an object of task type to model names")
            }
            for (task, value) in object {
                guard let names = value as? [String] else {
                    throw CatalogueError("tasks.\(task) in bloom.json must be a list of model names")
                }
                tasks[task] = names
            }
        }
        // The default model answers chat last, when no configured model can.
        if addsDefault, let chat = tasks["chat"], !chat.contains(defaultName) {
            tasks["chat"] = chat + [defaultName]
        }
        try self.init(models: models, tasks: tasks)
    }

    private static let modelKeys: Set<String> = [
        "name", "provider", "endpoints", "endpoint", "model", "context_window", "capabilities", "options",
        "api_key_env", "path", "concurrency",
    ]

    /// Generations one deployment may run at once when bloom.json sets `concurrency`.
    static let concurrencyRange = 1...4096

    private static func model(
        from object: [String: Any], index: Int, dataDirectory: String, environment: [String: String]
    ) throws(CatalogueError) -> CatalogueModel {
        let label = (object["name"] as? String).map { "model \"\($0)\"" } ?? "models[\(index)]"
        for key in object.keys where !Self.modelKeys.contains(key) {
            let known = Self.modelKeys.sorted().joined(separator: ", ")
            throw CatalogueError("\(label) has unknown key \"\(key)\"; known keys: \(known)")
        }
        guard let name = object["name"] as? String else { throw CatalogueError("\(label) needs a \"name\" string") }
        guard let providerText = object["provider"] as? String, let provider = ProviderKind(rawValue: providerText)
        else {
            let kinds = ProviderKind.allCases.map(\.rawValue).joined(separator: " or ")
            throw CatalogueError("\(label) needs \"provider\": \(kinds)")
        }
        var endpoints = (object["endpoints"] as? [String]) ?? (object["endpoint"] as? String).map { [$0] } ?? []
        if provider == .embedded {
            endpoints = [
                try Self.embeddedPath(object, label: label, dataDirectory: dataDirectory, environment: environment)
            ]
        } else {
            endpoints = endpoints.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }
        }
        var apiKey: String?
        if let variable = object["api_key_env"] as? String {
            guard let value = environment[variable], !value.isEmpty else {
                throw CatalogueError("\(label) reads its API key from \(variable), which is not set")
            }
            apiKey = value
        }
        var concurrency: Int?
        if let raw = object["concurrency"] {
            guard let value = raw as? Int, !(raw is Bool), Self.concurrencyRange.contains(value) else {
                let most = Self.concurrencyRange.upperBound
                throw CatalogueError("\(label) has \"concurrency\": \(raw); expected a whole number from 1 to \(most)")
            }
            concurrency = value
        }
        return CatalogueModel(
            name: name,
            provider: provider,
            endpoints: endpoints,
            upstreamModel: object["model"] as? String,
            contextWindow: object["context_window"] as? Int,
            capabilities: object["capabilities"] as? [String] ?? ["chat"],
            defaultOptions: try Self.options(object["options"], label: label),
            apiKey: apiKey,
            concurrency: concurrency
        )
    }

    /// The file of an embedded model: `path`, or the file `model` names.
    private static func embeddedPath(
        _ object: [String: Any], label: String, dataDirectory: String, environment: [String: String]
    ) throws(CatalogueError) -> String {
        if object["endpoints"] != nil || object["endpoint"] != nil {
            throw CatalogueError("\(label) is embedded: give \"path\" (a .gguf file) or \"model\", not endpoints")
        }
        let reference = object["path"] as? String ?? object["model"] as? String ?? ""
        guard !reference.isEmpty else {
            throw CatalogueError(
                "\(label) is embedded and needs \"path\" (a .gguf file) or \"model\" (smollm2 or ollama:NAME[:TAG])")
        }
        do {
            return try EmbeddedModelReference.path(
                for: reference, dataDirectory: dataDirectory, environment: environment)
        } catch {
            throw CatalogueError("\(label): \(error.message)")
        }
    }

    private static func options(_ value: Any?, label: String) throws(CatalogueError) -> GenerationOptions {
        var options = GenerationOptions()
        guard let value else { return options }
        guard let object = value as? [String: Any] else { throw CatalogueError("\(label) options must be an object") }
        for (key, raw) in object {
            func number() throws(CatalogueError) -> Double {
                guard let number = raw as? NSNumber, !(raw is Bool) else {
                    throw CatalogueError("\(label) option \"\(key)\" must be a number")
                }
                return number.doubleValue
            }
            func integer() throws(CatalogueError) -> Int {
                let value = try number()
                guard value == value.rounded(), abs(value) < 1e15 else {
                    throw CatalogueError("\(label) option \"\(key)\" must be a whole number")
                }
                return Int(value)
            }
            switch key {
            case "temperature": options.temperature = try number()
            case "top_p": options.topP = try number()
            case "top_k": options.topK = try integer()
            case "min_p": options.minP = try number()
            case "repeat_penalty": options.repeatPenalty = try number()
            case "seed": options.seed = try integer()
            case "max_tokens": options.maxTokens = try integer()
            case "num_ctx": options.contextSize = try integer()
            case "stop":
                guard let stop = raw as? [String] else {
                    throw CatalogueError("\(label) option \"stop\" must be a list of strings")
                }
                options.stop = stop
            default: throw CatalogueError("\(label) has unknown option \"\(key)\"")
            }
        }
        return options
    }
}
