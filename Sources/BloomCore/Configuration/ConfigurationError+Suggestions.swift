/// "Did you mean" hints for misspelt keys and flags.
extension ConfigurationError {
    /// ` (did you mean "port"?)` listing up to three close candidates, or an empty string when none is close.
    ///
    /// Close means an edit distance of at most two, or, for names of four letters or more, one containing the
    /// other (`timeout` suggests `idle_timeout`). Candidates are few (tens), so a plain quadratic
    /// Levenshtein distance is cheap enough.
    static func suggestion(for name: String, among candidates: [String], quoted: Bool, prefix: String = "") -> String {
        let ranked =
            candidates
            .map { candidate in (candidate: candidate, distance: Self.editDistance(name, candidate)) }
            .filter { match in
                match.distance <= 2
                    || (name.count >= 4 && (match.candidate.contains(name) || name.contains(match.candidate)))
            }
            .sorted { ($0.distance, $0.candidate) < ($1.distance, $1.candidate) }
            .prefix(3)
            .map { match in quoted ? (prefix + match.candidate).debugDescription : prefix + match.candidate }
        guard let last = ranked.last else {
            return ""
        }
        let list = ranked.count == 1 ? last : ranked.dropLast().joined(separator: ", ") + " or " + last
        return " (did you mean \(list)?)"
    }

    /// The Levenshtein distance between `a` and `b`: insertions, deletions and substitutions of characters.
    static func editDistance(_ a: String, _ b: String) -> Int {
        let source = Array(a)
        let target = Array(b)
        var previous = Array(0...target.count)
        var current = previous
        for (row, sourceCharacter) in source.enumerated() {
            current[0] = row + 1
            for (column, targetCharacter) in target.enumerated() {
                let substitution = previous[column] + (sourceCharacter == targetCharacter ? 0 : 1)
                current[column + 1] = min(substitution, previous[column + 1] + 1, current[column] + 1)
            }
            swap(&previous, &current)
        }
        return previous[target.count]
    }
}
