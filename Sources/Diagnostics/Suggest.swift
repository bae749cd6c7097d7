/// "Did you mean" by edit distance; works on Chinese names too.
public enum Suggest {
    public static func didYouMean(_ word: String, among candidates: [String]) -> String {
        guard let best = closest(to: word, among: candidates) else { return "。" }
        return "。您是否想写“\(best)”？"
    }

    public static func closest(to word: String, among candidates: [String]) -> String? {
        let target = Array(word)
        var best: (String, Int)?
        for candidate in candidates {
            let d = distance(target, Array(candidate))
            if d <= max(1, target.count / 2), d < (best?.1 ?? .max) { best = (candidate, d) }
        }
        return best?.0
    }

    static func distance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = previous
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
