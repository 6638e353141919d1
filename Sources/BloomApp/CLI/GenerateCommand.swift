import Foundation

/// `bloom generate`'s arguments, checked: the model, the prompt, sampling, and the benchmark
/// settings of `--bench`.
public struct GenerateCommand: Equatable, Sendable {
    /// A .gguf path, `smollm2` or `ollama:NAME[:TAG]`.
    public var model: String
    /// The prompt; in bench mode optional when `promptTokensFile` gives token ids.
    public var prompt: String?
    public var temperature: Double?
    public var seed: Int?
    public var maxTokens = 256
    public var threads: Int?
    /// Render the prompt as a user turn through the model's chat template.
    public var chat = false
    public var bench = false
    public var rounds = 3
    public var warmup = 1
    public var decodeTokens = 128
    public var promptTokensFile: String?
    /// Configuration flags (`--data-dir`, `--config`), for finding `smollm2`.
    public var flags: [String: String] = [:]

    static let valueFlags = [
        "model", "temp", "seed", "max-tokens", "threads", "rounds", "warmup", "decode", "prompt-tokens-file",
    ]
    static let switches = ["chat", "bench"]

    public init(model: String, prompt: String?) {
        self.model = model
        self.prompt = prompt
    }

    /// Checks parsed flags and words; every problem is a usage error naming the flag.
    init(flags: [String: String], words: [String]) throws(CommandLineInterface.UsageError) {
        var flags = flags
        func fail(_ message: String) -> CommandLineInterface.UsageError {
            CommandLineInterface.UsageError(message: message, command: "generate")
        }
        func integer(_ name: String, in range: ClosedRange<Int>) throws(CommandLineInterface.UsageError) -> Int? {
            guard let text = flags.removeValue(forKey: name) else { return nil }
            guard let value = Int(text), range.contains(value) else {
                throw fail("--\(name) must be a whole number from \(range.lowerBound) to \(range.upperBound)")
            }
            return value
        }
        guard let model = flags.removeValue(forKey: "model"), !model.isEmpty else {
            throw fail("generate needs --model PATH.gguf, smollm2 or ollama:NAME[:TAG]")
        }
        guard words.count <= 1 else { throw fail("generate takes one prompt (quote it)") }
        self.init(model: model, prompt: words.first)
        self.bench = flags.removeValue(forKey: "bench") != nil
        self.chat = flags.removeValue(forKey: "chat") != nil
        self.promptTokensFile = flags.removeValue(forKey: "prompt-tokens-file")
        if let text = flags.removeValue(forKey: "temp") {
            guard let value = Double(text), value >= 0, value <= 10 else {
                throw fail("--temp must be a number from 0 to 10")
            }
            self.temperature = value
        }
        self.seed = try integer("seed", in: 0...Int.max)
        self.maxTokens = try integer("max-tokens", in: 1...1_000_000) ?? self.maxTokens
        self.threads = try integer("threads", in: 1...256)
        self.rounds = try integer("rounds", in: 1...10_000) ?? self.rounds
        self.warmup = try integer("warmup", in: 0...10_000) ?? self.warmup
        self.decodeTokens = try integer("decode", in: 1...1_000_000) ?? self.decodeTokens
        self.flags = flags

        let hasPrompt = self.prompt.map { !$0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty } ?? false
        if self.bench {
            guard hasPrompt != (self.promptTokensFile != nil) else {
                throw fail("--bench takes either a prompt or --prompt-tokens-file FILE")
            }
        } else {
            guard hasPrompt else { throw fail("generate takes one prompt (quote it)") }
            guard self.promptTokensFile == nil else { throw fail("--prompt-tokens-file is for --bench") }
        }
    }
}
