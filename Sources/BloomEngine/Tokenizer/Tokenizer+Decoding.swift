extension Tokenizer {
    /// The bytes a token stands for: byte-level spellings decoded, `▁` as a space, `<0xNN>` as
    /// its byte. Control and unknown tokens give their text only with `special`, as llama.cpp's
    /// `token_to_piece`; an id outside the vocabulary gives nothing.
    package func piece(_ token: Int32, special: Bool = false) -> [UInt8] {
        guard token >= 0, Int(token) < self.pieces.count else { return [] }
        if !special, [.control, .unknown].contains(self.kinds[Int(token)]) { return [] }
        return self.pieces[Int(token)]
    }

    /// The text of `tokens`, as llama.cpp's `llama_detokenize` without rendering special tokens:
    /// the space a SentencePiece prefix added is dropped from the first token, models that ask
    /// for it have spaces before punctuation cleaned, and invalid UTF-8 becomes U+FFFD.
    ///
    /// - Note: After a leading BOS, llama.cpp keeps that space (`<s>▁Hello` gives " Hello");
    ///   this drops it, as llama-cpp-python's `detokenize` does, so a prompt decodes as typed.
    package func decode(_ tokens: [Int32], special: Bool = false) -> String {
        var bytes: [UInt8] = []
        for (index, token) in tokens.enumerated() {
            var piece = self.piece(token, special: special)[...]
            let startsText = index == 0 || (index == 1 && tokens[0] == self.bos && bytes.isEmpty)
            if self.addsSpacePrefix, startsText, piece.first == 0x20 {
                piece = piece.dropFirst()
            }
            bytes.append(contentsOf: piece)
        }
        if self.cleansSpaces {
            bytes = Self.cleanSpaces(bytes)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Spells each token's bytes once, for `piece(_:special:)`.
    static func spellPieces(_ texts: [String], _ kinds: [TokenKind], _ model: TokenizerModel) -> [[UInt8]] {
        zip(texts, kinds).map { text, kind in
            switch kind {
            case .control, .unknown, .userDefined:
                return Array(text.utf8)
            case .normal where model == .bytePairEncoding:
                return ByteLevelEncoding.bytes(spelledBy: text) ?? Array(text.utf8)
            case .normal:
                return Array(text.replacing("\u{2581}", with: " ").utf8)
            case .byte where model == .sentencePiece:
                return Self.byteValue(text).map { [$0] } ?? []
            case .byte, .unused, .undefined:
                return []
            }
        }
    }

    /// The byte of a `<0xNN>` token.
    private static func byteValue(_ text: String) -> UInt8? {
        let utf8 = Array(text.utf8)
        guard utf8.count == 6, utf8.starts(with: Array("<0x".utf8)), utf8.last == UInt8(ascii: ">") else { return nil }
        return UInt8(String(decoding: utf8[3..<5], as: UTF8.self), radix: 16)
    }

    /// llama.cpp's `clean_spaces` passes: drop the space before `?!.,`, around a lone `'`, and
    /// before `'s`, `'m`, `'re`, `'ve`.
    static func cleanSpaces(_ text: [UInt8]) -> [UInt8] {
        let space = UInt8(ascii: " ")
        let quote = UInt8(ascii: "'")

        var first: [UInt8] = []
        first.reserveCapacity(text.count)
        for byte in text {
            if first.last == space,
                [UInt8(ascii: "?"), UInt8(ascii: "!"), UInt8(ascii: "."), UInt8(ascii: ",")].contains(byte)
            {
                first.removeLast()
            }
            first.append(byte)
        }

        var second: [UInt8] = []
        var index = 0
        while index < first.count {
            let byte = first[index]
            if index > 0, byte == quote, index + 1 < first.count, first[index - 1] == space, first[index + 1] == space {
                second.removeLast()
                second.append(byte)
                index += 2
                continue
            }
            second.append(byte)
            index += 1
        }

        var third: [UInt8] = []
        for (index, byte) in second.enumerated() {
            if index > 0, second[index - 1] == space, byte == quote, index + 1 < second.count {
                let next = second[index + 1]
                let afterNext = index + 2 < second.count ? second[index + 2] : 0
                let dropsSpace =
                    next == UInt8(ascii: "s") || next == UInt8(ascii: "m")
                    || (afterNext != 0 && (next == UInt8(ascii: "r") || next == UInt8(ascii: "v"))
                        && afterNext == UInt8(ascii: "e"))
                if dropsSpace { third.removeLast() }
            }
            third.append(byte)
        }
        return third
    }
}
