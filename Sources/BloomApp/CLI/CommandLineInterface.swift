import BloomCore
import BloomGateway
import Foundation

/// `bloom`'s commands: parsing into an ``Invocation``, usage text, and running it.
public enum CommandLineInterface {
    /// A parsed command line.
    public enum Invocation: Equatable, Sendable {
        /// `serve`, with flag name → value for the configuration loader.
        case serve(flags: [String: String])
        case version(json: Bool)
        /// `reload`: a running server rereads its configuration (SIGHUP).
        case reload(flags: [String: String])
        /// `models`: the catalogue with each model's probed state.
        case models(flags: [String: String])
        /// `chat PROMPT`: one generation through the router, streamed to the terminal.
        case chat(prompt: String, model: String?, task: String, flags: [String: String])
        /// `models --ollama-store`: the models Ollama has pulled on this machine.
        case ollamaStore
        /// `pull smollm2`: fetch the default model into the data directory.
        case pull(model: String, flags: [String: String])
        /// `generate --model M PROMPT`: the embedded engine directly, without the router.
        case generate(GenerateCommand)
        /// `migrate`: apply pending database migrations; `migrate --status`: list them.
        case migrate(status: Bool, flags: [String: String])
        /// `help`, `--help`, or `COMMAND --help`; the topic is a command name.
        case help(topic: String?)
    }

    /// A command line that cannot be run; the message is printed above the usage.
    public struct UsageError: Error, Equatable, CustomStringConvertible {
        public let message: String
        public let command: String?
        public var description: String { self.message }
    }

    static let commands: [(name: String, summary: String)] = [
        ("serve", "Run the server (web site, chat and API) in the foreground."),
        ("reload", "Make a running server reread its configuration (models, tasks) without a restart."),
        ("models", "List the configured models and whether each is reachable and ready."),
        ("chat", "Send one prompt through the model router and stream the answer."),
        ("generate", "Run the embedded engine on one prompt, or benchmark it (--bench)."),
        ("pull", "Download the default model (smollm2) into the data directory."),
        ("migrate", "Apply pending database migrations, or list them (--status)."),
        ("version", "Print the version, git revision and build date."),
        ("help", "Show help for bloom or for one command."),
    ]

    /// Parses the arguments after the program name.
    public static func parse(_ arguments: [String]) throws(UsageError) -> Invocation {
        guard let command = arguments.first else { return .help(topic: nil) }
        let rest = Array(arguments.dropFirst())
        switch command {
        case "-h", "--help":
            return .help(topic: nil)
        case "help":
            guard rest.count <= 1 else {
                throw UsageError(message: "help takes at most one command name", command: nil)
            }
            if let topic = rest.first, !Self.commands.contains(where: { $0.name == topic }) {
                throw UsageError(message: "unknown command \"\(topic)\"", command: nil)
            }
            return .help(topic: rest.first)
        case "serve":
            if rest.contains("--help") || rest.contains("-h") { return .help(topic: "serve") }
            return .serve(flags: try Self.flags(rest, allowed: Self.serveFlags, command: "serve"))
        case "reload":
            if rest.contains("--help") || rest.contains("-h") { return .help(topic: "reload") }
            return .reload(flags: try Self.flags(rest, allowed: Self.serveFlags, command: "reload"))
        case "models":
            if rest.contains("--help") || rest.contains("-h") { return .help(topic: "models") }
            let flags = try Self.flags(rest, allowed: Self.serveFlags, switches: ["ollama-store"], command: "models")
            return flags["ollama-store"] != nil ? .ollamaStore : .models(flags: flags)
        case "pull":
            if rest.contains("--help") || rest.contains("-h") { return .help(topic: "pull") }
            let (flags, words) = try Self.arguments(rest, allowed: Self.serveFlags, command: "pull")
            guard words == [EmbeddedModelReference.defaultName] else {
                throw UsageError(message: "pull takes one model name: smollm2", command: "pull")
            }
            return .pull(model: words[0], flags: flags)
        case "generate":
            if rest.contains("--help") || rest.contains("-h") { return .help(topic: "generate") }
            let (flags, words) = try Self.arguments(
                rest, allowed: Self.serveFlags + GenerateCommand.valueFlags, switches: GenerateCommand.switches,
                command: "generate")
            return .generate(try GenerateCommand(flags: flags, words: words))
        case "chat":
            if rest.contains("--help") || rest.contains("-h") { return .help(topic: "chat") }
            var (flags, words) = try Self.arguments(
                rest, allowed: Self.serveFlags + ["model", "task"], command: "chat")
            guard words.count == 1, let prompt = words.first, !prompt.trimmingCharacters(in: .whitespaces).isEmpty
            else {
                throw UsageError(message: "chat takes one prompt (quote it)", command: "chat")
            }
            let model = flags.removeValue(forKey: "model")
            let task = flags.removeValue(forKey: "task") ?? "chat"
            return .chat(prompt: prompt, model: model, task: task, flags: flags)
        case "migrate":
            if rest.contains("--help") || rest.contains("-h") { return .help(topic: "migrate") }
            let flags = try Self.flags(rest, allowed: Self.serveFlags, switches: ["status"], command: "migrate")
            return .migrate(status: flags["status"] != nil, flags: flags.filter { $0.key != "status" })
        case "version":
            if rest.contains("--help") || rest.contains("-h") { return .help(topic: "version") }
            let flags = try Self.flags(rest, allowed: [], switches: ["json"], command: "version")
            return .version(json: flags["json"] != nil)
        default:
            throw UsageError(message: "unknown command \"\(command)\"", command: nil)
        }
    }

    /// Flags `serve` accepts: every setting that has one.
    static var serveFlags: [String] { Configuration.settings.compactMap(\.flag) }

    /// Parses flags where no other words are allowed.
    static func flags(
        _ arguments: [String],
        allowed: [String],
        switches: [String] = [],
        command: String
    ) throws(UsageError) -> [String: String] {
        let (flags, words) = try Self.arguments(arguments, allowed: allowed, switches: switches, command: command)
        if let word = words.first { throw UsageError(message: "unexpected argument \"\(word)\"", command: command) }
        return flags
    }

    /// Parses `--name value`, `--name=value` and, for `switches`, a bare `--name`; other words
    /// are returned in order.
    static func arguments(
        _ arguments: [String],
        allowed: [String],
        switches: [String] = [],
        command: String
    ) throws(UsageError) -> (flags: [String: String], words: [String]) {
        var result: [String: String] = [:]
        var words: [String] = []
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            guard argument.hasPrefix("--"), argument.count > 2 else {
                words.append(argument)
                index += 1
                continue
            }
            let body = argument.dropFirst(2)
            let parts = body.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = String(parts[0])
            if switches.contains(name) {
                guard parts.count == 1 else { throw UsageError(message: "--\(name) takes no value", command: command) }
                result[name] = "true"
            } else if allowed.contains(name) {
                if parts.count == 2 {
                    result[name] = String(parts[1])
                } else {
                    guard index + 1 < arguments.count else {
                        throw UsageError(message: "--\(name) needs a value", command: command)
                    }
                    index += 1
                    result[name] = arguments[index]
                }
            } else {
                throw UsageError(message: "unknown option --\(name)", command: command)
            }
            index += 1
        }
        return (result, words)
    }
}
