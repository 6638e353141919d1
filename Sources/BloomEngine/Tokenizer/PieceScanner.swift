/// Runs one `PreTokenizer.Rule` over pieces of a text, collecting the words it splits them into.
///
/// Every scanner looks only inside the current piece: a position past its end has the empty
/// class and the scalar `outside`, as in llama.cpp's `_get_cpt` and `_get_flags`.
struct PieceScanner {
    let scalars: [UInt32]
    let classes: [ScalarClass]
    private(set) var words: [Range<Int>] = []

    private var end = 0
    private var wordStart = 0

    private static let outside: UInt32 = 0xFFFF_FFFF

    init(scalars: [UInt32], classes: [ScalarClass]) {
        self.scalars = scalars
        self.classes = classes
        self.words.reserveCapacity(scalars.count / 3 + 1)
    }

    mutating func scan(_ piece: Range<Int>, _ rule: PreTokenizer.Rule) {
        self.end = piece.upperBound
        self.wordStart = piece.lowerBound
        switch rule {
        case .eachNumber: self.isolate(piece, .number, runs: false)
        case .numberRuns: self.isolate(piece, .number, runs: true)
        case .punctuationRuns: self.isolate(piece, .defaultPunctuation, runs: true)
        case .asciiDigitTriples: self.digitTriples(piece)
        case .gpt2: self.gpt2(piece)
        case .llama3(let digits, let unassignedIsPunctuation):
            self.llama3(piece, digits: digits, unassignedIsPunctuation: unassignedIsPunctuation)
        }
        self.emit(upTo: piece.upperBound)
    }

    // MARK: - Helpers

    private func scalar(_ position: Int) -> UInt32 {
        position < self.end ? self.scalars[position] : Self.outside
    }

    private func classOf(_ position: Int) -> ScalarClass {
        position < self.end ? self.classes[position] : []
    }

    /// Ends the current word at `position`; an empty word is not recorded.
    private mutating func emit(upTo position: Int) {
        if position > self.wordStart {
            self.words.append(self.wordStart..<position)
        }
        self.wordStart = position
    }

    /// `[^\s\p{L}\p{N}]`: punctuation, symbols, marks, controls; unassigned scalars only where
    /// the caller says so.
    private func isOther(_ position: Int, unassigned: Bool) -> Bool {
        let cls = self.classOf(position)
        guard cls.contains(.present), cls.isDisjoint(with: .wordlike) else { return false }
        return unassigned || cls.contains(.assigned)
    }

    /// `\p{N}` as llama.cpp's collapsed-text regex sees it: ASCII digits, or a non-ASCII number.
    private func isCollapsedNumber(_ position: Int) -> Bool {
        let value = self.scalars[position]
        if value < 0x80 { return value >= 0x30 && value <= 0x39 }
        let cls = self.classes[position]
        return cls.contains(.number) && !cls.contains(.whitespace)
    }

    /// `[\p{P}\$\+<=>\^~\|]` as the collapsed-text regex sees it.
    private func isDefaultPunctuation(_ position: Int) -> Bool {
        let value = self.scalars[position]
        if value < 0x80 {
            switch UInt8(value) {
            case UInt8(ascii: "!")...UInt8(ascii: "#"), UInt8(ascii: "%")...UInt8(ascii: "*"),
                UInt8(ascii: ",")...UInt8(ascii: "/"), UInt8(ascii: ":"), UInt8(ascii: ";"),
                UInt8(ascii: "?"), UInt8(ascii: "@"), UInt8(ascii: "[")...UInt8(ascii: "]"),
                UInt8(ascii: "_"), UInt8(ascii: "{"), UInt8(ascii: "}"),
                UInt8(ascii: "$"), UInt8(ascii: "+"), UInt8(ascii: "<")...UInt8(ascii: ">"),
                UInt8(ascii: "^"), UInt8(ascii: "~"), UInt8(ascii: "|"):
                return true
            default:
                return false
            }
        }
        guard !self.classes[position].contains(.whitespace), let scalar = Unicode.Scalar(value) else { return false }
        switch scalar.properties.generalCategory {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
            .initialPunctuation, .finalPunctuation, .otherPunctuation:
            return true
        default:
            return false
        }
    }

    private static func isNewline(_ value: UInt32) -> Bool {
        value == 0x0A || value == 0x0D
    }

    // MARK: - Rules

    private enum Isolated {
        case number
        case defaultPunctuation
    }

    private func matches(_ isolated: Isolated, _ position: Int) -> Bool {
        switch isolated {
        case .number: self.isCollapsedNumber(position)
        case .defaultPunctuation: self.isDefaultPunctuation(position)
        }
    }

    /// Splits out each matching scalar (or each run of them); the text between stays one word.
    private mutating func isolate(_ piece: Range<Int>, _ isolated: Isolated, runs: Bool) {
        var position = piece.lowerBound
        while position < piece.upperBound {
            guard self.matches(isolated, position) else {
                position += 1
                continue
            }
            self.emit(upTo: position)
            position += 1
            while runs, position < piece.upperBound, self.matches(isolated, position) {
                position += 1
            }
            self.emit(upTo: position)
        }
    }

    private mutating func digitTriples(_ piece: Range<Int>) {
        func isDigit(_ value: UInt32) -> Bool { value >= 0x30 && value <= 0x39 }
        var position = piece.lowerBound
        while position + 3 <= piece.upperBound {
            if isDigit(self.scalars[position]), isDigit(self.scalars[position + 1]), isDigit(self.scalars[position + 2])
            {
                self.emit(upTo: position)
                position += 3
                self.emit(upTo: position)
            } else {
                position += 1
            }
        }
    }

    /// Matches `'s|'t|'re|'ve|'m|'ll|'d` at `position`, returning the length (0 when none).
    private func contractionLength(at position: Int, caseInsensitive: Bool) -> Int {
        guard self.scalar(position) == 0x27, position + 1 < self.end else { return 0 }
        func letter(_ offset: Int) -> UInt32 {
            let value = self.scalar(position + offset)
            let isUpper = value >= 0x41 && value <= 0x5A
            return caseInsensitive && isUpper ? value + 0x20 : value
        }
        switch letter(1) {
        case 0x73, 0x74, 0x6D, 0x64: return 2  // s t m d
        default: break
        }
        guard position + 2 < self.end else { return 0 }
        switch (letter(1), letter(2)) {
        case (0x72, 0x65), (0x76, 0x65), (0x6C, 0x6C): return 3  // re ve ll
        default: return 0
        }
    }

    /// Whitespace at `position`: `\s+(?!\S)` leaves the last space for the next word, `\s+`
    /// takes the run when it ends the piece. With `newlines`, `\s*[\r\n]+` comes first.
    private func whitespaceEnd(at position: Int, newlines: Bool) -> Int {
        var count = 0
        var lastNewlineEnd = 0
        while self.classOf(position + count).contains(.whitespace) {
            if newlines, Self.isNewline(self.scalars[position + count]) {
                lastNewlineEnd = position + count + 1
            }
            count += 1
        }
        if lastNewlineEnd > 0 { return lastNewlineEnd }
        if count > 1, position + count < self.end { return position + count - 1 }
        if count > 0 { return position + count }
        return position + 1
    }

    private mutating func gpt2(_ piece: Range<Int>) {
        var position = piece.lowerBound
        while position < piece.upperBound {
            let contraction = self.contractionLength(at: position, caseInsensitive: false)
            if contraction > 0 {
                position += contraction
                self.emit(upTo: position)
                continue
            }

            // ` ?\p{L}+`, ` ?\p{N}+`, ` ?[^\s\p{L}\p{N}]+`
            let startsWithSpace = self.scalars[position] == 0x20
            let first = startsWithSpace ? position + 1 : position
            if let run = self.gpt2Run(at: first) {
                position = first
                while self.gpt2Run(at: position) == run { position += 1 }
                self.emit(upTo: position)
                continue
            }

            position = self.whitespaceEnd(at: position, newlines: false)
            self.emit(upTo: position)
        }
    }

    private enum Run {
        case letters
        case numbers
        case others
    }

    /// Which of GPT-2's runs the scalar at `position` continues: `\p{L}`, `\p{N}`, or
    /// `[^\s\p{L}\p{N}]`.
    private func gpt2Run(at position: Int) -> Run? {
        let cls = self.classOf(position)
        if cls.contains(.letter) { return .letters }
        if cls.contains(.number) { return .numbers }
        return self.isOther(position, unassigned: false) ? .others : nil
    }

    private mutating func llama3(_ piece: Range<Int>, digits: Int, unassignedIsPunctuation: Bool) {
        var position = piece.lowerBound
        while position < piece.upperBound {
            let value = self.scalars[position]
            let cls = self.classes[position]

            let contraction = self.contractionLength(at: position, caseInsensitive: true)
            if contraction > 0 {
                position += contraction
                self.emit(upTo: position)
                continue
            }

            // `[^\r\n\p{L}\p{N}]?\p{L}+`
            if !Self.isNewline(value), !cls.contains(.number),
                cls.contains(.letter) || self.classOf(position + 1).contains(.letter)
            {
                position += 1
                while self.classOf(position).contains(.letter) { position += 1 }
                self.emit(upTo: position)
                continue
            }

            // `\p{N}{1,digits}`
            if cls.contains(.number) {
                var groupStart = position
                while self.classOf(position).contains(.number) {
                    position += 1
                    if position - groupStart >= digits {
                        self.emit(upTo: position)
                        groupStart = position
                    }
                }
                self.emit(upTo: position)
                continue
            }

            // ` ?[^\s\p{L}\p{N}]+[\r\n]*`; llama.cpp's scanner tests the first scalar (the space,
            // if any) for being assigned, not the one after it.
            let first = value == 0x20 ? position + 1 : position
            let firstIsOther =
                unassignedIsPunctuation
                ? self.isOther(first, unassigned: true)
                : self.classOf(first).isDisjoint(with: .wordlike) && cls.contains(.assigned)
            if firstIsOther {
                position = first
                while self.isOther(position, unassigned: unassignedIsPunctuation) { position += 1 }
                while Self.isNewline(self.scalar(position)) { position += 1 }
                self.emit(upTo: position)
                continue
            }

            position = self.whitespaceEnd(at: position, newlines: true)
            self.emit(upTo: position)
        }
    }
}
