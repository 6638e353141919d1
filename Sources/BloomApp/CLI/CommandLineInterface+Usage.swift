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
                Usage: bloom models [--config FILE]

                Lists the configured models (bloom.json models, or OLLAMA_HOST and OLLAMA_MODEL)
                with each one's state from a probe of its servers: ready, loading, unreachable or
                misconfigured. Exits 1 unless every model is ready.

                """
        case "chat":
            return """
                Usage: bloom chat PROMPT [--model NAME] [--task TASK] [--config FILE]

                Sends PROMPT through the model router (the task's models in order, default task
                chat) and streams the answer to standard output, then prints the model used,
                the time and the token counts to standard error.

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
