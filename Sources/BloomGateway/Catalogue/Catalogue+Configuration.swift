public import BloomCore
import Foundation

extension Catalogue {
    /// The catalogue `bloom.json`'s `models` and `tasks` sections describe, plus the runbook's
    /// one-model set-up: `OLLAMA_MODEL` (on `OLLAMA_HOST`, else Ollama's default
    /// `http://localhost:11434`) becomes a model named exactly as given, unless the file already
    /// has a model of that name.
    ///
    /// `models` is a list of objects: `name`, `provider` (`ollama` or `openai`), `endpoints`
    /// (list of base URLs) or `endpoint`, and optionally `model` (the upstream name),
    /// `context_window`, `capabilities`, `options` (`temperature`, `top_p`, `top_k`, `min_p`,
    /// `repeat_penalty`, `seed`, `stop`, `max_tokens`, `num_ctx`) and `api_key_env` (the name of
    /// an environment variable holding the API key, so that no key is written in the file).
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
                models.append(try Self.model(from: object, index: index, environment: environment))
            }
        }
        if let name = configuration.ollamaModel, !name.isEmpty, !models.contains(where: { $0.name == name }) {
            let host = configuration.ollamaHost ?? "http://localhost:11434"
            models.append(CatalogueModel(name: name, provider: .ollama, endpoints: [host]))
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
        try self.init(models: models, tasks: tasks)
    }

    private static let modelKeys: Set<String> = [
        "name", "provider", "endpoints", "endpoint", "model", "context_window", "capabilities", "options",
        "api_key_env",
    ]

    private static func model(from object: [String: Any], index: Int, environment: [String: String])
        throws(CatalogueError) -> CatalogueModel
    {
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
        let endpoints = (object["endpoints"] as? [String]) ?? (object["endpoint"] as? String).map { [$0] } ?? []
        var apiKey: String?
        if let variable = object["api_key_env"] as? String {
            guard let value = environment[variable], !value.isEmpty else {
                throw CatalogueError("\(label) reads its API key from \(variable), which is not set")
            }
            apiKey = value
        }
        return CatalogueModel(
            name: name,
            provider: provider,
            endpoints: endpoints.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 },
            upstreamModel: object["model"] as? String,
            contextWindow: object["context_window"] as? Int,
            capabilities: object["capabilities"] as? [String] ?? ["chat"],
            defaultOptions: try Self.options(object["options"], label: label),
            apiKey: apiKey
        )
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
