import Foundation
import Testing

@testable import BloomCore

@Suite("Configuration.settings")
struct ConfigurationSettingsTests {
    private let settings = Configuration.settings

    @Test("environment names, bloom.json keys and flags are each unique")
    func namesAreUnique() {
        let environmentNames = self.settings.map(\.environmentName)
        let jsonKeys = self.settings.compactMap(\.jsonKey)
        let flags = self.settings.compactMap(\.flag)
        #expect(Set(environmentNames).count == environmentNames.count)
        #expect(Set(jsonKeys).count == jsonKeys.count)
        #expect(Set(flags).count == flags.count)
    }

    @Test("names follow their conventions", arguments: Configuration.settings.map(\.environmentName))
    func namingConventions(environmentName: String) throws {
        let setting = try #require(self.settings.first { $0.environmentName == environmentName })
        #expect(environmentName.wholeMatch(of: /[A-Z][A-Z0-9_]*/) != nil)
        if let key = setting.jsonKey {
            #expect(key.wholeMatch(of: /[a-z][a-z0-9_]*/) != nil)
        }
        if let flag = setting.flag {
            #expect(flag.wholeMatch(of: /[a-z][a-z0-9-]*/) != nil)
        }
        #expect(!setting.help.isEmpty)
        #expect(setting.help.hasSuffix("."))
    }

    @Test("every configuration field has a row in the table")
    func everyFieldHasARow() {
        let fields = Mirror(reflecting: Configuration()).children.compactMap(\.label)
        let provenance: Set = ["extraSections", "sources"]
        #expect(fields.filter { !provenance.contains($0) }.count == self.settings.count)
    }

    @Test(
        "each row's default column gives the field's built-in default",
        arguments: Configuration.settings.map(\.environmentName)
    )
    func defaultColumnMatchesFields(environmentName: String) throws {
        let setting = try #require(self.settings.first { $0.environmentName == environmentName })
        var configuration = Configuration()
        switch setting.defaultValue {
        case .value(let text):
            try setting.apply(text, &configuration)
        case .unset:
            try setting.apply("", &configuration)
        case .computed:
            return
        }
        #expect(configuration == Configuration())
    }

    @Test("the computed event-loop default is the processor count, within range")
    func eventLoopDefault() {
        let processors = ProcessInfo.processInfo.activeProcessorCount
        #expect(Configuration().eventLoops == min(max(processors, 1), 256))
    }

    @Test("secret-bearing settings are the URL settings")
    func credentialSettings() {
        let names = self.settings.filter(\.carriesCredentials).map(\.environmentName)
        #expect(Set(names) == ["DATABASE_URL", "REDIS_URL", "OLLAMA_HOST"])
    }

    @Test(".env.example lists every setting and nothing else")
    func dotEnvExampleMatchesTable() throws {
        let path = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent()
            .appendingPathComponent("../../.env.example")
            .standardizedFileURL
        let text = try String(contentsOf: path, encoding: .utf8)

        let assigned = text.split(whereSeparator: \.isNewline).compactMap { line in
            line.wholeMatch(of: /# ([A-Z][A-Z0-9_]*)=.*/).map { String($0.1) }
        }
        let mentioned = text.matches(of: /\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b/).map { String($0.0) }
        let names = Set(self.settings.map(\.environmentName))

        #expect(assigned.sorted() == names.sorted())
        #expect(Set(mentioned) == names)
        for setting in self.settings {
            #expect(text.contains("# \(setting.help)\n"), "help for \(setting.environmentName) is missing")
        }
    }
}
