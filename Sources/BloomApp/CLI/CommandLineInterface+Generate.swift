import BloomCore
import BloomEngine
import BloomGateway
import Foundation

extension CommandLineInterface {
    /// `bloom generate`: the embedded engine on one prompt, streamed, with a timing summary on
    /// standard error; or, with `--bench`, one JSON line per measured round.
    static func generate(_ command: GenerateCommand) async -> Int32 {
        guard let path = Self.modelFile(command.model, flags: command.flags) else { return 1 }
        // Loading and generating block for seconds: keep them off Swift's cooperative pool.
        return await Self.onDedicatedThread {
            let model: Model
            do {
                model = try Model(path: path)
            } catch {
                Self.printError("bloom: cannot load \(path): \(error)\n")
                return 1
            }
            let threads = command.threads ?? ProcessInfo.processInfo.activeProcessorCount
            return command.bench
                ? Self.benchmark(command, model: model, threads: threads)
                : Self.complete(command, model: model, threads: threads)
        }
    }

    /// The GGUF file `reference` names: an existing path, `smollm2` or `ollama:NAME[:TAG]`.
    static func modelFile(_ reference: String, flags: [String: String]) -> String? {
        if FileManager.default.fileExists(atPath: reference) { return reference }
        guard let configuration = Self.loadConfiguration(flags: flags) else { return nil }
        let path: String
        do {
            path = try EmbeddedModelReference.path(
                for: reference, dataDirectory: configuration.dataDirectory,
                environment: ProcessInfo.processInfo.environment)
        } catch {
            Self.printError("bloom: \(error.message)\n")
            return nil
        }
        guard FileManager.default.fileExists(atPath: path) else {
            let remedy = reference == EmbeddedModelReference.defaultName ? "; run `bloom pull smollm2`" : ""
            Self.printError("bloom: no model file at \(path)\(remedy)\n")
            return nil
        }
        return path
    }

    private static func complete(_ command: GenerateCommand, model: Model, threads: Int) -> Int32 {
        let generator: Generator
        do {
            generator = try Generator(model: model, threads: threads)
        } catch {
            Self.printError("bloom: \(error)\n")
            return 1
        }
        let template = ChatTemplate(file: model.file)
        let prompt = command.prompt ?? ""
        let text = command.chat ? template.render([.user(prompt)]) : prompt
        let tokens = generator.tokenizer.encode(text, addSpecial: true, parseSpecial: true)
        var sampling = SamplingOptions()
        if let temperature = command.temperature { sampling.temperature = Float(temperature) }
        sampling.seed = command.seed.map { UInt64($0) } ?? UInt64.random(in: 0...UInt64.max)
        let parameters = GenerationParameters(
            sampling: sampling, maxTokens: command.maxTokens,
            stopSequences: command.chat ? template.stopSequences : [])
        do {
            let result = try generator.generate(prompt: tokens, parameters: parameters) { piece in
                FileHandle.standardOutput.write(Data(piece.utf8))
            }
            print()
            let prefill = Self.rate(result.promptTokens - result.reusedPromptTokens, result.prefillDuration)
            let decode = Self.rate(result.completionTokens, result.decodeDuration)
            Self.printError(
                "\(result.promptTokens) prompt tokens, prefill \(prefill) tokens/s; "
                    + "\(result.completionTokens) tokens, decode \(decode) tokens/s; "
                    + "finish \(result.finishReason.rawValue)\n")
            return 0
        } catch {
            Self.printError("bloom: \(error)\n")
            return 1
        }
    }

    /// Rounds of an empty-cache prefill and a fixed greedy decode, as JSON lines shaped like the
    /// llama.cpp reference runs in bench/engine, so the two can be compared line for line.
    private static func benchmark(_ command: GenerateCommand, model: Model, threads: Int) -> Int32 {
        let prompt: [Int32]
        if let file = command.promptTokensFile {
            guard let text = try? String(contentsOfFile: file, encoding: .utf8),
                let tokens = Self.tokenIDs(text, vocabularySize: model.hyperparameters.vocabularySize)
            else {
                Self.printError("bloom: \(file) must hold token ids (integers, a JSON list or separated by spaces)\n")
                return 1
            }
            prompt = tokens
        } else {
            guard let tokenizer = try? Tokenizer(file: model.file) else { return 1 }
            prompt = tokenizer.encode(command.prompt ?? "", addSpecial: true, parseSpecial: true)
        }
        let needed = prompt.count + command.decodeTokens
        guard needed <= model.hyperparameters.trainedContextLength else {
            Self.printError(
                "bloom: \(prompt.count) prompt tokens and \(command.decodeTokens) decoded exceed the model's "
                    + "\(model.hyperparameters.trainedContextLength)-token context\n")
            return 1
        }
        guard let generator = try? Generator(model: model, contextLength: needed, threads: threads) else { return 1 }
        for round in 1...(command.warmup + command.rounds) {
            let measured = generator.benchmarkRound(prompt: prompt, decodeTokens: command.decodeTokens)
            guard round > command.warmup else { continue }
            let fields = [
                "\"engine\":\"bloom\"", "\"threads\":\(threads)", "\"round\":\(round - command.warmup)",
                "\"prefill_tokens\":\(measured.prefillTokens)",
                "\"prefill_tps\":\(Self.rate(measured.prefillTokens, measured.prefillDuration))",
                "\"decode_tokens\":\(measured.decodeTokens)",
                "\"decode_tps\":\(Self.rate(measured.decodeTokens, measured.decodeDuration))",
            ]
            // Unbuffered, so a reader sees each round as it ends.
            FileHandle.standardOutput.write(Data(("{" + fields.joined(separator: ",") + "}\n").utf8))
        }
        return 0
    }

    /// Token ids from text: a JSON list or integers separated by spaces or commas; nil when a
    /// value is not an id of this vocabulary or there is none.
    static func tokenIDs(_ text: String, vocabularySize: Int) -> [Int32]? {
        let words = text.split { $0.isWhitespace || ",[]".contains($0) }
        let ids = words.compactMap { Int32($0) }
        guard !ids.isEmpty, ids.count == words.count, ids.allSatisfy({ $0 >= 0 && Int($0) < vocabularySize }) else {
            return nil
        }
        return ids
    }

    /// Tokens per second with two decimals.
    private static func rate(_ tokens: Int, _ duration: Duration) -> String {
        let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        return String(format: "%.2f", seconds > 0 ? Double(tokens) / seconds : 0)
    }

    /// Runs `work` on a thread of its own and waits for its result without holding a thread of
    /// the cooperative pool.
    static func onDedicatedThread<Value: Sendable>(_ work: @escaping @Sendable () -> Value) async -> Value {
        await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: work()) }.start()
        }
    }
}
