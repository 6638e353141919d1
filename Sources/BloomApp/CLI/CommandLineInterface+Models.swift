import BloomCore
import BloomGateway
import BloomHTTP
import Foundation

extension CommandLineInterface {
    /// `bloom models`: reads the configuration, probes every model once, prints a table.
    static func models(flags: [String: String]) async -> Int32 {
        guard let (_, catalogue) = Self.loadCatalogue(flags: flags) else { return 1 }
        guard !catalogue.models.isEmpty else {
            Self.printError(
                "No models configured: set OLLAMA_MODEL (and OLLAMA_HOST), add models to bloom.json, "
                    + "or leave BLOOM_EMBEDDED on for smollm2.\n")
            return 1
        }
        do {
            let monitor = ModelHealthMonitor(catalogue: catalogue, client: try HTTPClient())
            await monitor.refresh()
            var rows = [["NAME", "PROVIDER", "STATE", "DETAIL"]]
            for model in catalogue.models {
                let status = monitor.status(of: model.name)
                rows.append([model.name, model.provider.rawValue, status.state.rawValue, status.detail ?? ""])
            }
            print(Self.table(rows), terminator: "")
            return catalogue.models.allSatisfy { monitor.status(of: $0.name).state == .ready } ? 0 : 1
        } catch {
            Self.printError("bloom: \(error)\n")
            return 1
        }
    }

    /// `bloom models --ollama-store`: what Ollama has pulled, for `ollama:NAME` in bloom.json.
    static func ollamaStore() -> Int32 {
        let store = OllamaModelStore(environment: ProcessInfo.processInfo.environment)
        let entries = store.list()
        guard !entries.isEmpty else {
            print("no models in the Ollama store at \(store.root)")
            return 0
        }
        var rows = [["NAME", "SIZE", "PATH"]]
        for entry in entries {
            rows.append([entry.name, String(format: "%.1f MB", Double(entry.size) / 1_000_000), entry.path])
        }
        print(Self.table(rows), terminator: "")
        return 0
    }

    /// `bloom chat PROMPT`: streams the answer to stdout and a summary line to stderr.
    static func chat(prompt: String, model: String?, task: String, flags: [String: String]) async -> Int32 {
        guard let (configuration, catalogue) = Self.loadCatalogue(flags: flags) else { return 1 }
        do {
            let client = try HTTPClient()
            var policy = RouterPolicy()
            policy.deadline = configuration.ollamaTimeout
            let router = ModelRouter(
                catalogue: catalogue,
                policy: policy,
                makeProvider: ModelRouter.providers(
                    client: client, embedded: EmbeddedModels(), keepAlive: configuration.ollamaKeepAlive)
            )
            let start = MonotonicClock.now()
            let generation = try await router.generate([ChatMessage(.user, prompt)], task: task, model: model)
            var summary: GenerationSummary?
            for try await event in generation.events {
                switch event {
                case .delta(let text):
                    FileHandle.standardOutput.write(Data(text.utf8))
                case .done(let done):
                    summary = done
                }
            }
            print()
            let seconds = MonotonicClock.milliseconds(from: start, to: MonotonicClock.now()) / 1000
            var line = "model \(generation.model), \(String(format: "%.2f", seconds)) s"
            if let summary {
                line += ", \(summary.promptTokens) prompt tokens, \(summary.completionTokens) tokens"
                if let rate = summary.tokensPerSecond { line += String(format: ", %.1f tokens/s", rate) }
            }
            Self.printError(line + "\n")
            return 0
        } catch {
            Self.printError("\nbloom: \(error)\n")
            return 1
        }
    }

    private static func loadCatalogue(flags: [String: String]) -> (Configuration, Catalogue)? {
        guard let configuration = Self.loadConfiguration(flags: flags) else { return nil }
        do {
            return (
                configuration,
                try Catalogue(configuration: configuration, environment: ProcessInfo.processInfo.environment)
            )
        } catch {
            Self.printError("bloom: configuration error: \(error)\n")
            return nil
        }
    }

    /// Left-aligned columns separated by two spaces.
    static func table(_ rows: [[String]]) -> String {
        let widths = rows[0].indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { index, cell in
                index == row.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }.joined(separator: "\n") + "\n"
    }
}
