import BloomCore
import Foundation
import Testing

@Suite("JSONText")
struct JSONTextTests {
    @Test(
        "quoted strings are valid JSON that decodes back to the original",
        arguments: ["plain", "quote \" and \\ backslash", "line\nbreak\ttab\r", "\u{0}\u{1}\u{1F}", "emoji 🌱 é", ""]
    )
    func roundTrip(text: String) throws {
        let quoted = JSONText.quoted(text)
        let decoded = try JSONDecoder().decode(String.self, from: Data(quoted.utf8))
        #expect(decoded == text)
    }

    @Test("control characters use the short escapes where JSON has them")
    func shortEscapes() {
        #expect(JSONText.quoted("a\nb\u{8}c\u{C}d\u{1}") == #""a\nb\bc\fd\u0001""#)
    }
}
