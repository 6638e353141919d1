import BloomApp
import Testing

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

    @Test("serve's help lists every flag with its environment variable")
    func serveHelp() {
        let text = CLI.usage("serve")
        for flag in ["--host", "--port", "--config", "--data-dir", "--log-level"] {
            #expect(text.contains(flag))
        }
        #expect(text.contains("[BLOOM_PORT]"))
    }
}
