import LeakLintCore
import LeakLintEngine

/// Rule documentation from the rule files: `leaklint rules list`, `leaklint rules explain`,
/// SARIF help text. One source, so the metadata cannot drift.
public enum RuleDocs {
    /// The full markdown page of a rule (`leaklint rules explain ID`).
    public static func markdown(_ rule: Rule) -> String {
        var s = "# \(rule.id)\n\n"
        s += "**\(rule.summary)**\n\n"
        s += "Severity: `\(rule.severity.rawValue)` · Family: `\(rule.family.rawValue)` · Languages: "
        s += rule.languages.map { "`\($0.rawValue)`" }.joined(separator: ", ") + "\n\n"
        s += helpMarkdown(rule)
        return s
    }

    /// The rule's description followed by its fix template and checklist item (SARIF `help`).
    public static func helpMarkdown(_ rule: Rule) -> String {
        var s = rule.description.trimmingSpaces
        if s.isEmpty { s = rule.summary }
        // Normalise the description's trailing newlines so sections are separated by one blank line.
        while s.hasSuffix("\n") { s.removeLast() }
        if let fix = rule.fix {
            s += "\n\n## Suggested fix (\(fix.applicability.rawValue))\n\n\(fix.description)\n"
            if !fix.template.isEmpty {
                s += "\n" + CodeFence.block(fix.template, language: CodeFence.language(rule.languages.first)) 
            }
        }
        if !rule.checklist.isEmpty {
            s += "\n\n## Review checklist\n\n- [ ] \(rule.checklist)"
        }
        return s + "\n"
    }

    /// One line per rule: `id  severity  family  summary`, columns aligned.
    public static func listText(_ rules: [Rule]) -> String {
        let sorted = rules.sorted { $0.id < $1.id }
        let idWidth = sorted.map { $0.id.count }.max() ?? 2
        let famWidth = sorted.map { $0.family.rawValue.count }.max() ?? 6
        var s = ""
        for r in sorted {
            s += pad(r.id, idWidth) + "  " + pad(r.severity.rawValue, 7) + "  " + pad(r.family.rawValue, famWidth) + "  " + r.summary
            while s.hasSuffix(" ") { s.removeLast() }
            s += "\n"
        }
        return s
    }

    /// `[{"id", "severity", "family", "languages", "summary", "helpUri"}]`, sorted by id.
    public static func listJSON(_ rules: [Rule]) -> [UInt8] {
        JSONValue.array(rules.sorted { $0.id < $1.id }.map { r in
            .obj([("id", .string(r.id)), ("severity", .string(r.severity.rawValue)),
                  ("family", .string(r.family.rawValue)), ("summary", .string(r.summary)),
                  ("languages", .array(r.languages.map { .string($0.rawValue) })),
                  ("helpUri", .string(r.helpURI))])
        }).serialized()
    }

    /// Rule ids close to `query` (by short-name substring or edit distance), best first.
    public static func closeMatches(_ query: String, in rules: [Rule], limit: Int = 5) -> [String] {
        let q = query.lowercased()
        let qShort = q.split(separator: "/").last.map(String.init) ?? q
        var scored: [(Int, String)] = []
        for r in rules {
            let id = r.id.lowercased()
            let short = r.shortName.lowercased()
            var score = min(editDistance(q, id), editDistance(qShort, short))
            if !qShort.isEmpty && (short.contains(qShort) || qShort.contains(short)) { score = min(score, 1) }
            let threshold = max(3, qShort.count / 3)
            if score <= threshold { scored.append((score, r.id)) }
        }
        return scored.sorted { $0 < $1 }.prefix(limit).map { $0.1 }
    }

    static func editDistance(_ a: String, _ b: String) -> Int {
        let x = Array(a.utf8), y = Array(b.utf8)
        if x.isEmpty { return y.count }
        if y.isEmpty { return x.count }
        var prev = Array(0...y.count)
        var cur = [Int](repeating: 0, count: y.count + 1)
        for i in 1...x.count {
            cur[0] = i
            for j in 1...y.count {
                cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1))
            }
            swap(&prev, &cur)
        }
        return prev[y.count]
    }

    private static func pad(_ s: String, _ width: Int) -> String {
        s.count >= width ? s : s + String(repeating: " ", count: width - s.count)
    }
}

/// Fenced code blocks that survive code containing backticks.
enum CodeFence {
    static func language(_ l: Language?) -> String {
        switch l {
        case .go: return "go"
        case .java: return "java"
        case .swift: return "swift"
        case .cpp: return "cpp"
        case nil: return ""
        }
    }

    /// Language tag for a path, by extension.
    static func language(forPath path: String) -> String {
        switch PathText.fileExtension(of: path).lowercased() {
        case "go": return "go"
        case "java": return "java"
        case "swift": return "swift"
        case "c", "cc", "cpp", "cxx", "c++", "h", "hh", "hpp", "hxx", "ipp", "inl", "tpp", "mm", "m": return "cpp"
        default: return ""
        }
    }

    /// A fenced block: the fence is one backtick longer than the longest run in the code.
    static func block(_ code: String, language: String, indent: String = "") -> String {
        var longest = 0, run = 0
        for b in code.utf8 {
            if b == UInt8(ascii: "`") { run += 1; longest = max(longest, run) } else { run = 0 }
        }
        let fence = String(repeating: "`", count: max(3, longest + 1))
        var s = indent + fence + language + "\n"
        for line in Lines.split(code) { s += (line.isEmpty ? "" : indent + line) + "\n" }
        s += indent + fence + "\n"
        return s
    }
}
