import Testing

@testable import BloomEngine

@Suite("Pre-tokenizer")
struct PreTokenizerTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var pre: String
        var text: String
        var words: [String]
        var testDescription: String { "\(self.pre): \(String(reflecting: self.text))" }
    }

    // Expected words follow each variant's expression in llama.cpp's `llm_tokenizer_bpe`.
    static let cases: [Case] = [
        Case(
            pre: "gpt-2", text: "Hello world's  end\n\n x",
            words: ["Hello", " world", "'s", " ", " end", "\n\n", " x"]),
        Case(pre: "gpt-2", text: "IT'S 42!!", words: ["IT", "'", "S", " 42", "!!"]),
        Case(pre: "gpt-2", text: "tail   ", words: ["tail", "   "]),
        Case(pre: "gpt-2", text: "\u{378}x", words: ["\u{378}", "x"]),
        Case(pre: "gpt-2", text: "café ½ 東京", words: ["café", " ½", " 東京"]),
        Case(pre: "smollm", text: "abc 12345 x", words: ["abc", " ", "1", "2", "3", "4", "5", " x"]),
        Case(pre: "smollm", text: "a  1", words: ["a", "  ", "1"]),
        Case(pre: "smollm", text: "v1.2", words: ["v", "1", ".", "2"]),
        Case(
            pre: "llama-bpe", text: "Hello WORLD'S 1234567 !!\n\nok",
            words: ["Hello", " WORLD", "'S", " ", "123", "456", "7", " !!\n\n", "ok"]),
        Case(pre: "llama-bpe", text: "a \n\n  b", words: ["a", " \n\n", " ", " b"]),
        Case(pre: "llama-bpe", text: "(x)", words: ["(x", ")"]),
        Case(pre: "qwen2", text: "x 2024", words: ["x", " ", "2", "0", "2", "4"]),
        Case(pre: "qwen2", text: " \u{378}", words: [" \u{378}"]),
        Case(pre: "default", text: "a+b=12345", words: ["a", "+", "b", "=", "123", "45"]),
    ]

    @Test("splits text as llama.cpp's expression for the variant does", arguments: cases)
    func splits(_ example: Case) throws {
        let pre = try #require(PreTokenizer(name: example.pre))
        let scalars = example.text.unicodeScalars.map(\.value)
        let words = pre.split(scalars).map { range in
            String(String.UnicodeScalarView(range.map { Unicode.Scalar(scalars[$0])! }))
        }
        #expect(words == example.words)
    }

    @Test("the words of any text cover it exactly once, in order")
    func coversText() throws {
        let text = "  Mixed: 12,345 'tis\t\tüber 🙂\r\n\r\nend  "
        let scalars = text.unicodeScalars.map(\.value)
        for name in ["default", "gpt-2", "smollm", "llama-bpe", "qwen2"] {
            let words = try #require(PreTokenizer(name: name)).split(scalars)
            #expect(words.first?.lowerBound == 0, "\(name)")
            #expect(words.last?.upperBound == scalars.count, "\(name)")
            #expect(zip(words, words.dropFirst()).allSatisfy { $0.upperBound == $1.lowerBound }, "\(name)")
        }
    }

    @Test("an unknown pre-tokenizer name is not accepted")
    func unknownName() {
        #expect(PreTokenizer(name: "no-such-pre") == nil)
        #expect(PreTokenizer(name: nil)?.name == "default")
    }
}
