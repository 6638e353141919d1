/// The models Bloom may route to and, per task type, the order in which to try them.
public struct Catalogue: Sendable, Equatable {
    public private(set) var models: [CatalogueModel]
    /// Task type (`chat`, `lead_qualification`) to model names, most preferred first.
    public private(set) var tasks: [String: [String]]

    /// Builds and checks a catalogue: names unique, endpoints plain `http(s)` URLs, task lists
    /// naming known models. Without a `chat` task, chat tries every model in catalogue order.
    public init(models: [CatalogueModel], tasks: [String: [String]] = [:]) throws(CatalogueError) {
        var seen: Set<String> = []
        for model in models {
            guard !model.name.isEmpty else { throw CatalogueError("a model has an empty name") }
            guard seen.insert(model.name).inserted else {
                throw CatalogueError("the model name \"\(model.name)\" is used twice; names must be unique")
            }
            if model.provider == .embedded {
                guard model.endpoints.count == 1, model.endpoints[0].hasPrefix("/") else {
                    let found = model.endpoints.joined(separator: ", ")
                    throw CatalogueError(
                        "embedded model \"\(model.name)\" has location \"\(found)\"; expected one absolute file path")
                }
                continue
            }
            guard !model.endpoints.isEmpty else {
                throw CatalogueError("model \"\(model.name)\" has no endpoints; give at least one base URL")
            }
            for endpoint in model.endpoints where !endpoint.hasPrefix("http://") {
                let found = "model \"\(model.name)\" has endpoint \"\(endpoint)\""
                throw CatalogueError("\(found); expected an http:// URL (TLS is not supported)")
            }
        }
        for (task, names) in tasks {
            for name in names where !seen.contains(name) {
                let known = models.map(\.name).joined(separator: ", ")
                throw CatalogueError("task \"\(task)\" lists unknown model \"\(name)\"; known models: \(known)")
            }
        }
        self.models = models
        self.tasks = tasks
        if self.tasks["chat"] == nil && !models.isEmpty {
            self.tasks["chat"] = models.map(\.name)
        }
    }

    /// The model called `name`, also found by its upstream tag with or without `:latest`
    /// (`mistral:latest` finds `mistral`, as Ollama's own naming does).
    public func model(named name: String) -> CatalogueModel? {
        if let exact = self.models.first(where: { $0.name == name }) { return exact }
        let bare = name.hasSuffix(":latest") ? String(name.dropLast(":latest".count)) : name
        return self.models.first { $0.name == bare || $0.upstreamModel == name || $0.upstreamModel == bare }
    }

    /// The models to try for `task`, in order; nil for a task type nobody configured.
    public func candidates(forTask task: String) -> [CatalogueModel]? {
        self.tasks[task].map { names in names.compactMap { self.model(named: $0) } }
    }
}

/// A catalogue that cannot be used, with what to fix.
public struct CatalogueError: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String

    public init(_ message: String) { self.message = message }

    public var description: String { "model catalogue: \(self.message)" }
}
