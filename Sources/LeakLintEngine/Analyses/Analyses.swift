import LeakLintCore

/// The registry of analyses and the bridge the scanner uses to run rules over a scope.
public enum Analyses {
    /// Every analysis by the `analysis:` name rule files use.
    public static let all: [String: any Analysis] = {
        var m: [String: any Analysis] = [:]
        for a in list { m[a.name] = a }
        return m
    }()

    static let list: [any Analysis] = [
        ContainerGrowthAnalysis(), SpawnLoopAnalysis(), PairedCallsAnalysis(), HandoffBlockedAnalysis(),
    ]

    /// Runs every rule of `rules` that applies to the scope's language. Findings come back
    /// unsorted and unsuppressed; the scanner sorts and applies suppressions.
    public static func run(scope: Scope, rules: [Rule]) -> [Finding] {
        var out: [Finding] = []
        for rule in rules where rule.languages.contains(scope.language) {
            // `analysis:` may name several analyses, comma-separated, sharing the rule's vocabulary.
            for name in rule.analysis.split(separator: ",") {
                let n = String(name).trimmingCharacters(in: " ")
                guard let a = all[n] else { continue }
                out.append(contentsOf: a.run(scope: scope, rule: rule))
            }
        }
        return out
    }

    /// The calls each language's front end must record: those the rules for that language name.
    /// (A rule runs only on scopes of its languages, so no other rule reads those facts.)
    public static func callInterests(for rules: [Rule]) -> [Language: CallInterest] {
        var out: [Language: CallInterest] = [:]
        for l in Language.allCases { out[l] = callInterest(for: rules.filter { $0.languages.contains(l) }) }
        return out
    }

    /// The vocabulary keys whose `call:` words name container ops, not calls to pair or release.
    static let opKeys: Set<String> = ["grow-calls", "shrink-calls", "init-calls"]

    /// The calls front ends must record for these rules; the names only op keys mention are
    /// marked op-only (see `CallInterest.opOnlyMethods`).
    public static func callInterest(for rules: [Rule]) -> CallInterest {
        let all = callNames(for: rules) { _ in true }
        let calls = callNames(for: rules) { !opKeys.contains($0) }
        var out = CallInterest(methods: all.names, prefixes: all.prefixes.sorted())
        out.opOnlyMethods = all.names.subtracting(calls.names)
        out.opOnlyPrefixes = all.prefixes.subtracting(calls.prefixes).sorted()
        return out
    }

    /// The method names and name prefixes in the rules' `*-calls` and `pairs` vocabulary whose
    /// key passes `keep`.
    static func callNames(for rules: [Rule], keys keep: (String) -> Bool) -> (names: Set<String>, prefixes: Set<String>) {
        var names: Set<String> = []
        var prefixes: Set<String> = []
        for r in rules {
            for (key, words) in r.vocabulary where (key.hasSuffix("-calls") || key == "pairs") && keep(key) {
                for w in words {
                    // `signal.Notify@first-arg` → Notify; `call:Store` → Store; `a=b` → a, b.
                    // On the words' bytes: every scan builds these sets before it reads a file.
                    for part in w.utf8.split(separator: UInt8(ascii: "=")) {
                        switch methodName(part) {
                        case .name(let n): names.insert(n)
                        case .prefix(let p): prefixes.insert(p)
                        case nil: break
                        }
                    }
                }
            }
        }
        return (names, prefixes)
    }

    enum CallWord: Equatable { case name(String), prefix(String) }

    /// The method a vocabulary word names: `@pairing` and `call:` dropped, argument labels
    /// (`*.addObserver(forName:)`) and any qualifier before the last `.` cut; `name*` is a prefix.
    /// nil for a word with another `*` or nothing left.
    static func methodName(_ word: Substring.UTF8View) -> CallWord? {
        var b = ArraySlice(word)
        if let at = b.firstIndex(of: UInt8(ascii: "@")) { b = b[..<at] }
        if b.starts(with: "call:".utf8) { b = b.dropFirst(5) }
        if let paren = b.firstIndex(of: UInt8(ascii: "(")) { b = b[..<paren] }
        if let dot = b.lastIndex(of: UInt8(ascii: ".")) { b = b[(dot + 1)...] }
        let star = UInt8(ascii: "*")
        if b.last == star {
            let pre = b.dropLast()
            guard !pre.isEmpty, !pre.contains(star) else { return nil }
            return .prefix(String(decoding: pre, as: UTF8.self))
        }
        guard !b.isEmpty, !b.contains(star) else { return nil }
        return .name(String(decoding: b, as: UTF8.self))
    }
}
