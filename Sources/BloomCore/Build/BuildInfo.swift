import Foundation

/// What build this is: the version, and the git revision and date stamped by the build script.
///
/// `scripts/build` writes `bloom-build.json` (`{"revision": ..., "date": ...}`) beside the
/// executable after each build. SwiftPM has no portable way to pass a value computed at build
/// time into the code, and a generated source file would dirty the work tree. A binary built
/// without the script says `unknown` rather than guessing.
public struct BuildInfo: Sendable, Equatable {
    public static let version = "0.1.0"

    public let version: String
    public let revision: String
    public let date: String

    public init(version: String = BuildInfo.version, revision: String, date: String) {
        self.version = version
        self.revision = revision
        self.date = date
    }

    /// The stamp beside the running executable, or `unknown` fields without one.
    public static let current: BuildInfo = {
        let executable = URL(fileURLWithPath: CommandLine.arguments.first ?? "bloom").resolvingSymlinksInPath()
        let stamp = executable.deletingLastPathComponent().appendingPathComponent("bloom-build.json")
        return Self.read(stamp: stamp.path)
    }()

    /// Reads a stamp file; a missing or unreadable one gives `unknown` fields.
    public static func read(stamp path: String) -> BuildInfo {
        guard let data = FileManager.default.contents(atPath: path),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else { return BuildInfo(revision: "unknown", date: "unknown") }
        return BuildInfo(
            revision: object["revision"] as? String ?? "unknown",
            date: object["date"] as? String ?? "unknown"
        )
    }

    /// `bloom 0.1.0 (revision 1a2b3c4, built 2026-12-03T14:00:00Z)`.
    public var summary: String {
        "bloom \(self.version) (revision \(self.revision), built \(self.date))"
    }
}
