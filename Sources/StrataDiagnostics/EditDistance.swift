/// Edit distance and "did you mean" suggestions: the one implementation every stage uses
/// (unknown statements and names in the resolver, unknown rules in `allow`, `explain`,
/// `--disable`, `simulate --fail`).
public enum EditDistance {
    /// Levenshtein distance between two words, counted in characters.
    public static func between(_ a: String, _ b: String) -> Int {
        let x = Array(a), y = Array(b)
        if x.isEmpty || y.isEmpty { return max(x.count, y.count) }
        var previous = Array(0...y.count), current = previous
        for i in 1...x.count {
            current[0] = i
            for j in 1...y.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[y.count]
    }

    /// The candidate nearest to `word`, when its distance is at most `limit(candidate)`: close
    /// enough to be a typo. Ties go to the candidate that comes first.
    public static func closest(to word: String, in candidates: [String], limit: (String) -> Int) -> String? {
        var best: (candidate: String, distance: Int)?
        for candidate in candidates {
            let distance = between(word, candidate)
            if distance <= limit(candidate), distance < best?.distance ?? .max {
                best = (candidate, distance)
            }
        }
        return best?.candidate
    }
}
