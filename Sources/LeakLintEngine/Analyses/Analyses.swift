import LeakLintCore

/// The registry of analyses and the bridge the scanner uses to run rules over a scope.
public enum Analyses {
    /// Every analysis by the `analysis:` name rule files use.
    public static let all: [String: any Analysis] = {
        var m: [String: any Analysis] = [:]
        for a in list { m[a.name] = a }
        return m
    }()

    static let list: [any Analysis] = []

    /// Runs every rule of `rules` that applies to the scope's language. Findings come back
    /// unsorted and unsuppressed; the scanner sorts and applies suppressions.
    public static func run(scope: Scope, rules: [Rule]) -> [Finding] {
        var out: [Finding] = []
        for rule in rules where rule.languages.contains(scope.language) {
            guard let a = all[rule.analysis] else { continue }
            out.append(contentsOf: a.run(scope: scope, rule: rule))
        }
        return out
    }

    /// The calls front ends must record for these rules.
    public static func callInterest(for rules: [Rule]) -> CallInterest {
        var names: Set<String> = []
        for r in rules {
            for (key, words) in r.vocabulary where key.hasSuffix("-calls") {
                for w in words {
                    // `signal.Notify` → Notify; `call:Store` → Store
                    var name = Substring(w)
                    if name.hasPrefix("call:") { name = name.dropFirst(5) }
                    if let dot = name.lastIndex(of: ".") { name = name[name.index(after: dot)...] }
                    names.insert(String(name))
                }
            }
        }
        return CallInterest(methods: names)
    }
}
