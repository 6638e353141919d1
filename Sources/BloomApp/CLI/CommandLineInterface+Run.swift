import BloomCore
import BloomStore
import Foundation
import Glibc

extension CommandLineInterface {
    /// Runs a command line and returns the process exit status: 0 success, 1 failure, 2 usage.
    public static func run(arguments: [String]) async -> Int32 {
        let invocation: Invocation
        do {
            invocation = try Self.parse(arguments)
        } catch {
            Self.printError("bloom: \(error.message)\n\n" + Self.usage(error.command))
            return 2
        }

        switch invocation {
        case .help(let topic):
            print(Self.usage(topic), terminator: "")
            return 0
        case .version(let json):
            let build = BuildInfo.current
            if json {
                let fields = [("version", build.version), ("revision", build.revision), ("date", build.date)]
                print(
                    "{" + fields.map { "\(JSONText.quoted($0.0)):\(JSONText.quoted($0.1))" }.joined(separator: ",")
                        + "}")
            } else {
                print(build.summary)
            }
            return 0
        case .serve(let flags):
            return await Self.serve(flags: flags)
        case .reload(let flags):
            return Self.reload(flags: flags)
        case .models(let flags):
            return await Self.models(flags: flags)
        case .chat(let prompt, let model, let task, let flags):
            return await Self.chat(prompt: prompt, model: model, task: task, flags: flags)
        case .ollamaStore:
            return Self.ollamaStore()
        case .pull(_, let flags):
            return await Self.pull(flags: flags)
        case .generate(let command):
            return await Self.generate(command)
        case .migrate(let status, let flags):
            return await Self.migrate(status: status, flags: flags)
        }
    }

    /// The configuration for `flags`, or nil after printing why it does not load.
    static func loadConfiguration(flags: [String: String]) -> Configuration? {
        do {
            return try ConfigurationLoader.forCurrentProcess(flags: flags).load()
        } catch {
            Self.printError("bloom: configuration error: \(error)\n")
            return nil
        }
    }

    private static func serve(flags: [String: String]) async -> Int32 {
        guard let configuration = Self.loadConfiguration(flags: flags) else { return 1 }
        let sink = StreamLogSink(fileDescriptor: 2, format: configuration.logFormat)
        let logger = Logger(label: "bloom", level: configuration.logLevel, sink: sink)
        let store: any Store
        do {
            store = try await BloomService.openStore(configuration: configuration, logger: logger)
        } catch {
            logger.critical("bloom could not open its database", metadata: ["error": .string(error.description)])
            return 1
        }
        do {
            let service = try BloomService(
                configuration: configuration, logger: logger,
                reloadConfiguration: { try ConfigurationLoader.forCurrentProcess(flags: flags).load() }, store: store)
            try await service.run()
            return 0
        } catch {
            await store.close()
            logger.critical("bloom could not start", metadata: ["error": .string("\(error)")])
            return 1
        }
    }

    /// `bloom reload`: signals the server whose pid file is in the data directory.
    private static func reload(flags: [String: String]) -> Int32 {
        guard let configuration = Self.loadConfiguration(flags: flags) else { return 1 }
        let path = BloomService.pidFile(dataDirectory: configuration.dataDirectory)
        guard let text = try? String(contentsOfFile: path, encoding: .utf8),
            let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)), kill(pid, 0) == 0
        else {
            Self.printError(
                "bloom: no running bloom found (no live process in \(path)); is it running with this data directory?\n")
            return 1
        }
        kill(pid, SIGHUP)
        print("asked bloom (pid \(pid)) to reload its configuration; its log says whether it worked")
        return 0
    }

    static func printError(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}
