import Testing

@testable import BloomApp

@Suite("Command line parsing")
struct CommandLineTests {
    typealias CLI = CommandLineInterface

    @Test(
        "valid command lines parse",
        arguments: [
            ([], CLI.Invocation.help(topic: nil)),
            (["--help"], .help(topic: nil)),
            (["help", "serve"], .help(topic: "serve")),
            (["serve", "--help"], .help(topic: "serve")),
            (["version", "-h"], .help(topic: "version")),
            (["version"], .version(json: false)),
            (["version", "--json"], .version(json: true)),
            (["serve"], .serve(flags: [:])),
            (["serve", "--port", "9000", "--host=0.0.0.0"], .serve(flags: ["port": "9000", "host": "0.0.0.0"])),
            (["serve", "--config", "/etc/bloom.json"], .serve(flags: ["config": "/etc/bloom.json"])),
            (["models"], .models(flags: [:])),
            (["reload", "--data-dir", "/srv/bloom"], .reload(flags: ["data-dir": "/srv/bloom"])),
            (["chat", "Hello there"], .chat(prompt: "Hello there", model: nil, task: "chat", flags: [:])),
            (
                ["chat", "--model", "mistral", "Hi", "--task=lead_qualification"],
                .chat(prompt: "Hi", model: "mistral", task: "lead_qualification", flags: [:])
            ),
            (["models", "--ollama-store"], .ollamaStore),
            (["pull", "smollm2", "--data-dir", "/srv"], .pull(model: "smollm2", flags: ["data-dir": "/srv"])),
            (["generate", "--model", "smollm2", "Hi"], .generate(GenerateCommand(model: "smollm2", prompt: "Hi"))),
        ]
    )
    func parses(arguments: [String], expected: CLI.Invocation) throws {
        #expect(try CLI.parse(arguments) == expected)
    }

    @Test(
        "bad command lines are usage errors that say what is wrong",
        arguments: [
            (["serve", "--bogus"], "unknown option --bogus"),
            (["serve", "--port"], "--port needs a value"),
            (["serve", "stray"], "unexpected argument \"stray\""),
            (["launch"], "unknown command \"launch\""),
            (["help", "launch"], "unknown command \"launch\""),
            (["version", "--json=yes"], "--json takes no value"),
            (["chat"], "chat takes one prompt (quote it)"),
            (["chat", "a", "b"], "chat takes one prompt (quote it)"),
            (["pull"], "pull takes one model name: smollm2"),
            (["pull", "llama3"], "pull takes one model name: smollm2"),
            (["models", "--ollama-store=yes"], "--ollama-store takes no value"),
            (["generate", "Hi"], "generate needs --model PATH.gguf, smollm2 or ollama:NAME[:TAG]"),
            (["generate", "--model", "m.gguf"], "generate takes one prompt (quote it)"),
            (["generate", "--model", "m.gguf", "a", "b"], "generate takes one prompt (quote it)"),
            (["generate", "--model", "m.gguf", "Hi", "--temp", "hot"], "--temp must be a number from 0 to 10"),
            (
                ["generate", "--model", "m.gguf", "Hi", "--max-tokens", "0"],
                "--max-tokens must be a whole number from 1 to 1000000"
            ),
            (
                ["generate", "--model", "m.gguf", "Hi", "--threads", "x"],
                "--threads must be a whole number from 1 to 256"
            ),
            (
                ["generate", "--model", "m.gguf", "--bench"],
                "--bench takes either a prompt or --prompt-tokens-file FILE"
            ),
            (
                ["generate", "--model", "m.gguf", "--bench", "Hi", "--prompt-tokens-file", "t.json"],
                "--bench takes either a prompt or --prompt-tokens-file FILE"
            ),
            (
                ["generate", "--model", "m.gguf", "Hi", "--prompt-tokens-file", "t.json"],
                "--prompt-tokens-file is for --bench"
            ),
            (
                ["generate", "--model", "m.gguf", "Hi", "--rounds", "0"],
                "--rounds must be a whole number from 1 to 10000"
            ),
        ]
    )
    func refuses(arguments: [String], message: String) {
        #expect(throws: CLI.UsageError.self) { try CLI.parse(arguments) }
        do {
            _ = try CLI.parse(arguments)
        } catch {
            #expect(error.message == message)
        }
    }

    @Test("generate parses its sampling and benchmark flags")
    func generateFlags() throws {
        let sampled = try CLI.parse([
            "generate", "--model", "/m.gguf", "--chat", "--temp", "0.2", "--seed", "9", "--max-tokens", "32",
            "--threads", "1", "--data-dir", "/srv", "Hello",
        ])
        var expected = GenerateCommand(model: "/m.gguf", prompt: "Hello")
        expected.chat = true
        expected.temperature = 0.2
        expected.seed = 9
        expected.maxTokens = 32
        expected.threads = 1
        expected.flags = ["data-dir": "/srv"]
        #expect(sampled == .generate(expected))

        let bench = try CLI.parse([
            "generate", "--model", "smollm2", "--bench", "--rounds", "5", "--warmup", "0", "--decode", "64",
            "--prompt-tokens-file", "tokens.json",
        ])
        var benchmark = GenerateCommand(model: "smollm2", prompt: nil)
        benchmark.bench = true
        benchmark.rounds = 5
        benchmark.warmup = 0
        benchmark.decodeTokens = 64
        benchmark.promptTokensFile = "tokens.json"
        #expect(bench == .generate(benchmark))
    }

    @Test("token id files are JSON lists or separated ids within the vocabulary")
    func tokenFiles() {
        #expect(CLI.tokenIDs("[1, 2, 3]\n", vocabularySize: 10) == [1, 2, 3])
        #expect(CLI.tokenIDs("4 5\n6", vocabularySize: 10) == [4, 5, 6])
        #expect(CLI.tokenIDs("[1, 99]", vocabularySize: 10) == nil)
        #expect(CLI.tokenIDs("one two", vocabularySize: 10) == nil)
        #expect(CLI.tokenIDs("", vocabularySize: 10) == nil)
    }

    @Test("serve's help lists every flag with its environment variable")
    func serveHelp() {
        let text = CLI.usage("serve")
        for flag in ["--host", "--port", "--config", "--data-dir", "--log-level"] {
            #expect(text.contains(flag))
        }
        #expect(text.contains("[BLOOM_PORT]"))
    }
}
