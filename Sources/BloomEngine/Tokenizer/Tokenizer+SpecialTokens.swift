import Glibc

/// A stretch of the input: text still to tokenise, or a special token already recognised.
enum Fragment: Equatable {
    case text(Range<Int>)
    case token(Int32)
}

extension Tokenizer {
    /// Splits the input at every occurrence of a special token's text, trying the longest tokens
    /// first, as llama.cpp's `tokenizer_st_partition` does.
    ///
    /// Control and unknown tokens are matched only with `parseSpecial`; user-defined tokens
    /// always. llama.cpp's per-model left/right whitespace stripping (Phi-3, Jina) is not
    /// implemented.
    func partition(_ bytes: UnsafeBufferPointer<UInt8>, parseSpecial: Bool) -> [Fragment] {
        guard !bytes.isEmpty else { return [] }
        var fragments: [Fragment] = [.text(0..<bytes.count)]
        for special in self.specialTokens {
            if !parseSpecial, self.kind(special.id) != .userDefined { continue }
            var split: [Fragment] = []
            split.reserveCapacity(fragments.count + 2)
            for fragment in fragments {
                guard case .text(let range) = fragment else {
                    split.append(fragment)
                    continue
                }
                Self.split(range, of: bytes, at: special, into: &split)
            }
            fragments = split
        }
        return fragments
    }

    private static func split(
        _ range: Range<Int>,
        of bytes: UnsafeBufferPointer<UInt8>,
        at special: (id: Int32, text: [UInt8]),
        into output: inout [Fragment]
    ) {
        var start = range.lowerBound
        while let match = Self.find(special.text, in: bytes, from: start, to: range.upperBound) {
            if match > start { output.append(.text(start..<match)) }
            output.append(.token(special.id))
            start = match + special.text.count
        }
        if start < range.upperBound { output.append(.text(start..<range.upperBound)) }
    }

    /// The offset of the first occurrence of `needle` in `bytes[from..<to]`: `memchr` finds each
    /// candidate first byte, `memcmp` checks the rest.
    private static func find(_ needle: [UInt8], in bytes: UnsafeBufferPointer<UInt8>, from: Int, to: Int) -> Int? {
        guard let base = bytes.baseAddress, let first = needle.first else { return nil }
        return needle.withUnsafeBytes { pattern -> Int? in
            var start = from
            while to - start >= needle.count {
                let window = to - start - needle.count + 1
                guard let hit = memchr(base + start, Int32(first), window) else { return nil }
                let offset = UnsafeRawPointer(hit) - UnsafeRawPointer(base)
                if memcmp(hit, pattern.baseAddress!, needle.count) == 0 { return offset }
                start = offset + 1
            }
            return nil
        }
    }
}
