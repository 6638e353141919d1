import Testing

@testable import BloomCore

@Suite("DotEnvFile")
struct DotEnvFileTests {
    @Test(
        "assignments parse with quotes, export and comments",
        arguments: [
            ("KEY=value", "value"),
            ("export KEY=value", "value"),
            ("  export   KEY=value", "value"),
            ("KEY = value", "value"),
            ("KEY=value # a comment", "value"),
            ("KEY=value\t# a comment after a tab", "value"),
            ("KEY=value#not-a-comment", "value#not-a-comment"),
            ("KEY=#fff", "#fff"),
            ("KEY=", ""),
            ("KEY= # only a comment", ""),
            ("KEY=a=b=c", "a=b=c"),
            ("KEY=  spaced out  ", "spaced out"),
            (#"KEY="two words""#, "two words"),
            (#"KEY="keeps # hash""#, "keeps # hash"),
            (#"KEY="line\nbreak""#, "line\nbreak"),
            (#"KEY="tab\tand\rreturn""#, "tab\tand\rreturn"),
            (#"KEY="say \"hi\"""#, #"say "hi""#),
            (#"KEY="back\\slash""#, #"back\slash"#),
            (#"KEY="unknown \q escape""#, #"unknown \q escape"#),
            (#"KEY="quoted" # comment"#, "quoted"),
            (#"KEY=  "padded quote"  "#, "padded quote"),
            (#"KEY='single $literal \n "kept"'"#, #"single $literal \n "kept""#),
            (#"KEY='single' # comment"#, "single"),
            (#"KEY="""#, ""),
        ]
    )
    func assignmentsParse(line: String, value: String) throws {
        let parsed = try DotEnvFile.assignment(in: line[...])
        #expect(parsed?.key == "KEY")
        #expect(parsed?.value == value)
    }

    @Test("a key may be named export or start with it")
    func exportAsKeyName() throws {
        #expect(try DotEnvFile.assignment(in: "exporter=1")?.key == "exporter")
        #expect(try DotEnvFile.assignment(in: "export=1")?.key == "export")
        #expect(try DotEnvFile.assignment(in: "_private_2=1")?.key == "_private_2")
    }

    @Test("blank and comment lines carry no assignment", arguments: ["", "   ", "\t", "# comment", "  # KEY=1"])
    func blankAndCommentLines(line: String) throws {
        #expect(try DotEnvFile.assignment(in: line[...]) == nil)
    }

    @Test(
        "malformed lines are errors naming the file, the line number and the problem",
        arguments: [
            ("no equals sign", "no is not followed by \"=\""),
            ("KEY-NAME=1", "KEY is not followed by \"=\""),
            ("9LIVES=1", "a key must start with a letter or underscore"),
            ("=value", "a key must start with a letter or underscore"),
            (#"KEY="unterminated"#, "the double-quoted value of KEY has no closing quote"),
            (#"KEY="escaped end\""#, "the double-quoted value of KEY has no closing quote"),
            ("KEY='unterminated", "the single-quoted value of KEY has no closing quote"),
            (#"KEY="value" trailing"#, "text follows the closing quote of KEY's value"),
        ]
    )
    func malformedLines(line: String, problem: String) throws {
        let text = "# settings\nFIRST=1\n\(line)\nLAST=2\n"
        let error = try #require(throws: ConfigurationError.self) {
            try DotEnvFile.parse(text, path: "/srv/bloom/.env")
        }
        #expect(error.code == .malformedFile)
        #expect(error.source == .dotenv(path: "/srv/bloom/.env"))
        #expect(error.description.hasPrefix("malformed line 3 of /srv/bloom/.env: \(problem); expected KEY=VALUE"))
    }

    @Test("a malformed line's value is not repeated in the error")
    func malformedLineHidesValue() throws {
        let error = try #require(throws: ConfigurationError.self) {
            try DotEnvFile.parse(#"DATABASE_URL="postgres://u:hunter2@db"#, path: "/x/.env")
        }
        #expect(!error.description.contains("hunter2"))
    }

    @Test("a whole file parses, later lines win, and CRLF line ends are accepted")
    func wholeFile() throws {
        let text = "# Bloom\r\nexport BLOOM_PORT=8001\r\n\r\nLOG_LEVEL=debug # chatty\r\nBLOOM_PORT='8002'\r\n"
        let values = try DotEnvFile.parse(text, path: "/x/.env")
        #expect(values == ["BLOOM_PORT": "8002", "LOG_LEVEL": "debug"])
    }
}
