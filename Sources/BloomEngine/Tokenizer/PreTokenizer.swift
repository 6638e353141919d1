/// Splits text into the words byte-level BPE merges within, as llama.cpp does for each
/// `tokenizer.ggml.pre` value.
///
/// llama.cpp applies a list of regular expressions in turn, each splitting the pieces the
/// previous one produced and never looking past a piece's end (`src/llama-vocab.cpp`,
/// `llm_tokenizer_bpe`; `src/unicode.cpp`, `unicode_regex_split`). Each expression is a `Rule`
/// here, implemented as a hand-written scanner over Unicode scalars.
package struct PreTokenizer: Sendable, Equatable {
    /// One splitting pass.
    enum Rule: Sendable, Equatable {
        /// `\p{N}`: every number scalar on its own.
        case eachNumber
        /// `\p{N}+`.
        case numberRuns
        /// `[\p{P}\$\+<=>\^~\|]+`, the first rule of llama.cpp's `default` pre-tokenizer.
        case punctuationRuns
        /// `[0-9][0-9][0-9]`.
        case asciiDigitTriples
        /// `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+` (GPT-2).
        case gpt2
        /// Llama 3's expression: case-insensitive contractions, a letter run with one optional
        /// leading non-letter, numbers in groups of at most `digits`, punctuation with trailing
        /// newlines, newline runs. Qwen 2 uses it with single digits.
        /// `unassignedIsPunctuation` reproduces the std::regex path llama.cpp takes for Qwen 2,
        /// where unassigned scalars fall into the punctuation class.
        case llama3(digits: Int, unassignedIsPunctuation: Bool)
    }

    package let name: String
    let rules: [Rule]
    /// A whole word that is itself a token is emitted without merging (Llama 3).
    package let ignoresMerges: Bool
    /// llama.cpp's `add_bos` default when the file has no `add_bos_token` key.
    package let addsBOSByDefault: Bool
    /// Whether decoding removes the space before `.,!?` and in contractions
    /// (`clean_up_tokenization_spaces`).
    package let cleansSpaces: Bool

    /// The pre-tokenizer for a `tokenizer.ggml.pre` value; `nil` means `default`.
    package init?(name: String?) {
        let name = name ?? "default"
        self.name = name
        var ignoresMerges = false
        var addsBOS = false
        var cleansSpaces = true
        switch name {
        case "default":
            self.rules = [.punctuationRuns, .gpt2, .numberRuns, .asciiDigitTriples]
        case "gpt-2", "phi-2", "mpt", "olmo", "jais", "roberta-bpe":
            self.rules = [.gpt2]
        case "smollm", "starcoder", "refact", "command-r", "codeshell", "exaone", "minerva-7b":
            self.rules = [.eachNumber, .gpt2]
            cleansSpaces = !["smollm", "command-r"].contains(name)
        case "llama3", "llama-v3", "llama-bpe", "falcon3":
            self.rules = [.llama3(digits: 3, unassignedIsPunctuation: false)]
            ignoresMerges = true
            addsBOS = true
        case "dbrx", "smaug-bpe":
            self.rules = [.llama3(digits: 3, unassignedIsPunctuation: false)]
        case "qwen2", "stablelm2", "megrez":
            self.rules = [.llama3(digits: 1, unassignedIsPunctuation: true)]
            cleansSpaces = name != "qwen2"
        default:
            return nil
        }
        self.ignoresMerges = ignoresMerges
        self.addsBOSByDefault = addsBOS
        self.cleansSpaces = cleansSpaces
    }

    static let supportedNames =
        "default, gpt-2, smollm, starcoder, llama-bpe, llama3, dbrx, qwen2, stablelm2 and their aliases"

    /// Splits `scalars` into words, returned as ranges of scalar indices in text order.
    func split(_ scalars: [UInt32]) -> [Range<Int>] {
        guard !scalars.isEmpty else { return [] }
        let classes = scalars.map { ScalarClass.of($0) }
        var pieces = [0..<scalars.count]
        for rule in self.rules {
            var scanner = PieceScanner(scalars: scalars, classes: classes)
            for piece in pieces {
                scanner.scan(piece, rule)
            }
            pieces = scanner.words
        }
        return pieces
    }
}
