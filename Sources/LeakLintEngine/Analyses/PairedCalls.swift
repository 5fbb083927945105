import LeakLintCore

/// `paired-calls`: something acquired by a call (a ticker, a signal registration, a listener,
/// an executor, an observer token) with no matching release.
///
/// Vocabulary:
/// - `create-calls`: callee globs that acquire (`time.NewTicker`, `signal.Notify`, `*.addListener`).
/// - `stop-calls`: method names that release (`Stop`, `removeListener`).
/// - `pairs`: `acquire=release` method pairs for receiver pairing (`addListener=removeListener`).
/// - `unstoppable-calls`: callee globs that can never be released (`time.Tick`): flagged outside
///   run-once code.
/// - `run-once-functions`: functions that run once per process by convention.
/// - `endless-ranges`: globs over loop ranges (`*.C`) that keep a resource in use forever.
/// Options:
/// - `pairing`: `result` (the bound or stored result must get a release), `first-arg` (a release
///   call with the same first argument), `receiver` (a release on the same receiver, by `pairs`),
///   `result-discarded` (only a dropped result is a finding; `index` says which result, 0-based),
///   `result-or-receiver` (as `result`, but a `stop-calls`/`pairs` release of the call's receiver
///   also releases it: a periodic task scheduled on an executor that is shut down).
/// - `lower-from-go`: a Go version (`1.23`) from which an unreferenced acquisition is a note.
struct PairedCallsAnalysis: Analysis {
    var name: String { "paired-calls" }

    func run(scope: Scope, rule: Rule) -> [Finding] {
        let ix = ScopeIndex(scope)
        guard !ix.calls.isEmpty else { return [] }
        // `callee@pairing[:index]` overrides the rule's pairing for that callee.
        var createWords: [String] = []
        var pairingFor: [String: String] = [:]
        for w in rule.words("create-calls") {
            if let at = w.firstIndex(of: "@") {
                let callee = String(w[..<at])
                createWords.append(callee)
                pairingFor[callee] = String(w[w.index(after: at)...])
            } else {
                createWords.append(w)
            }
        }
        let creates = WordList(createWords)
        let stops = Set(rule.words("stop-calls"))
        let unstoppable = WordList(rule.words("unstoppable-calls"))
        let runOnce = WordList(rule.words("run-once-functions"))
        let endlessRanges = WordList(rule.words("endless-ranges"))
        var pairs: [String: String] = [:]
        for p in rule.words("pairs") {
            let parts = p.split(separator: "=", maxSplits: 1).map(String.init)
            if parts.count == 2 { pairs[parts[0]] = parts[1] }
        }
        let defaultPairing = rule.options["pairing"] ?? "result"
        let defaultIndex = Int(rule.options["index"] ?? "") ?? 0
        var lower = false
        if let from = rule.options["lower-from-go"], let v = scope.properties["go.version"] {
            lower = GoVersion(v) >= GoVersion(from)
        }
        let factory = FindingFactory(scope: scope, rule: rule, analysis: name)
        var out: [Finding] = []
        let onceSet = ix.runOnceFunctions(runOnce, propagate: ix.language == .go || ix.language == .java)

        for c in ix.calls {
            let oncePlace = (c.role.runsOnce || runOnce.matches(c.function.lastComponent) || onceSet.contains(c.function)) && !c.inLoop
            if unstoppable.matches(c.callee) {
                if oncePlace { continue }
                var caps = captures(c)
                caps["problem"] = "can never be stopped"
                out.append(factory.finding(at: c.at, symbol: "\(c.function)→\(c.callee)", captures: caps,
                                           severity: factory.severity(lower: lower && !usedInEndlessLoop(c, ix, endlessRanges)),
                                           related: []))
                continue
            }
            guard creates.matches(c.callee) || creates.matches(c.method) else { continue }
            if oncePlace { continue }
            var pairing = defaultPairing
            var resultIndex = defaultIndex
            if let spec = createWords.first(where: { ByteText.glob($0, c.callee) || ByteText.glob($0, c.method) }).flatMap({ pairingFor[$0] }) {
                let parts = spec.split(separator: ":")
                pairing = String(parts[0])
                if parts.count > 1, let k = Int(parts[1]) { resultIndex = k }
            }
            var problem: String? = nil
            var edits: [TextEdit] = []
            var related: [(SourceRef, String)] = []
            switch pairing {
            case "first-arg":
                guard let first = c.args.first else { continue }
                // A plain name is a local: its release must be in the same function.
                let local = !first.contains(".")
                let released = ix.calls.contains { r in
                    guard stops.contains(r.method), let a = r.args.first else { return false }
                    if local { return r.function == c.function && a == first }
                    return a == first || a.lastComponent == first.lastComponent
                }
                if !released {
                    problem = "is never released"
                    if let stop = rule.options["release-call"], !c.deferred {
                        edits = deferAfter(c, "defer \(stop)(\(first))", factory)
                    }
                }
            case "result-discarded":
                switch c.result {
                case .discarded: problem = "drops its result, so it can never be released"
                case .bound(let names):
                    if names.count > resultIndex && names[resultIndex] == "_" { problem = "drops the release function" }
                default: break
                }
            case "receiver":
                guard let release = releaseName(for: c.method, pairs) else { continue }
                let recv = c.receiver ?? ""
                let released = ix.calls.contains { r in
                    r.method == release && (r.receiver ?? "") == recv
                } || ix.calls.contains { r in r.method == release && (r.receiver?.lastComponent ?? "") == recv.lastComponent }
                if !released { problem = "has no matching \(release)" }
            case "result-or-receiver":
                // Released through its owner: a periodic task dies with the executor it runs on.
                if receiverReleased(c, ix, stops, pairs) { continue }
                fallthrough
            default:  // result
                switch c.result {
                case .escapes: continue
                case .discarded: problem = "is never kept, so it can never be stopped"
                case .bound(let names):
                    guard let n = names.first(where: { $0 != "_" }) else { problem = "is never kept, so it can never be stopped"; break }
                    // A local handle is stopped in its own function (or handed on: stored, returned).
                    let stopped = ix.calls.contains { r in
                        stops.contains(r.method) && r.function == c.function && r.receiver == n
                    } || ix.ops.contains { o in o.function == c.function && o.valueText == n }
                    if !stopped {
                        problem = "is never stopped"
                        if let verb = rule.options["release-method"], !c.deferred {
                            edits = deferAfter(c, "defer \(n).\(verb)()", factory)
                        }
                    }
                case .stored(let sym):
                    let stopped = ix.calls.contains { r in
                        guard stops.contains(r.method) else { return false }
                        if let rs = r.receiverSymbol, rs.name == sym.name {
                            return rs.owner == nil || sym.owner == nil || rs.owner == sym.owner
                        }
                        return r.receiverSymbol == nil && r.receiver?.lastComponent == sym.name
                    }
                    if !stopped {
                        problem = "is stored in \(sym.display) but never stopped"
                        if let fn = ix.functions.first(where: { $0.qualifiedName == c.function }) {
                            related.append((fn.at, "stored by \(fn.qualifiedName)"))
                        }
                    }
                }
            }
            guard let p = problem else { continue }
            var caps = captures(c)
            caps["problem"] = p
            let endless = usedInEndlessLoop(c, ix, endlessRanges)
            out.append(factory.finding(at: c.at, symbol: "\(c.function)→\(c.callee)", captures: caps,
                                       severity: factory.severity(lower: lower && !endless),
                                       related: factory.related(related), edits: edits))
        }
        return out
    }

    /// Whether the call's receiver gets a release in the scope: a `stop-calls` method (or the
    /// `pairs` release of the call's method) on the same field, or on a receiver spelled alike.
    func receiverReleased(_ c: CallFact, _ ix: ScopeIndex, _ stops: Set<String>, _ pairs: [String: String]) -> Bool {
        guard let recv = c.receiver, !recv.isEmpty else { return false }
        let paired = releaseName(for: c.method, pairs)
        return ix.calls.contains { r in
            guard stops.contains(r.method) || r.method == paired, let rr = r.receiver else { return false }
            if let a = c.receiverSymbol, let b = r.receiverSymbol { return a == b }
            return rr == recv || rr.lastComponent == recv.lastComponent
        }
    }

    /// The release method for an acquire method: an exact pair, or a one-wildcard pattern
    /// (`add*Listener=remove*Listener` maps `addKeyListener` to `removeKeyListener`).
    func releaseName(for method: String, _ pairs: [String: String]) -> String? {
        if let r = pairs[method] { return r }
        for (acquire, release) in pairs.sorted(by: { $0.key < $1.key }) {
            guard let star = acquire.firstIndex(of: "*"), let rstar = release.firstIndex(of: "*") else { continue }
            let pre = acquire[..<star], post = acquire[acquire.index(after: star)...]
            guard method.hasPrefix(pre), method.hasSuffix(post), method.count >= pre.count + post.count else { continue }
            let middle = method.dropFirst(pre.count).dropLast(post.count)
            return String(release[..<rstar]) + middle + String(release[release.index(after: rstar)...])
        }
        return nil
    }

    func captures(_ c: CallFact) -> [String: String] {
        var caps: [String: String] = [:]
        caps["callee"] = c.callee
        caps["method"] = c.method
        caps["function"] = c.function
        caps["receiver"] = c.receiver ?? ""
        caps["arg"] = c.args.first ?? ""
        caps["args"] = c.args.joined(separator: ", ")
        switch c.result {
        case .bound(let names): caps["name"] = names.first(where: { $0 != "_" }) ?? "t"
        case .stored(let sym): caps["name"] = sym.display
        default: caps["name"] = "t"
        }
        return caps
    }

    /// Inserts `text` on a new line after the call's line, at the call's indentation.
    func deferAfter(_ c: CallFact, _ text: String, _ f: FindingFactory) -> [TextEdit] {
        guard let end = f.lineEnd(at: c.at.end, in: c.at.path) else { return [] }
        let nl = f.newline(in: c.at.path)
        let indent = f.indentation(at: c.at.start, in: c.at.path)
        return [TextEdit(path: c.at.path, start: end, end: end, replacement: nl + indent + text)]
    }

    /// Whether the acquired thing (bound name) drives an endless, non-exiting loop in its function.
    func usedInEndlessLoop(_ c: CallFact, _ ix: ScopeIndex, _ endlessRanges: WordList) -> Bool {
        guard let fn = ix.functions.first(where: { $0.qualifiedName == c.function }) else { return false }
        var names: [String] = []
        if case .bound(let n) = c.result { names = n.filter { $0 != "_" } }
        return fn.body.loops.contains { l in
            guard !l.exits else { return false }
            if l.endless { return true }
            guard let r = l.rangeOver else { return false }
            return endlessRanges.matches(r) && (names.isEmpty || names.contains { r.hasPrefix($0 + ".") } || r.hasPrefix("time.Tick"))
        }
    }
}

/// `1.22`, `1.23.4`, `go1.21` compared numerically.
struct GoVersion: Comparable {
    var parts: [Int]
    init(_ s: String) {
        var t = Substring(s)
        if t.hasPrefix("go") { t = t.dropFirst(2) }
        parts = t.split(separator: ".").map { Int($0.prefix(while: { $0.isNumber })) ?? 0 }
    }
    static func < (a: GoVersion, b: GoVersion) -> Bool {
        for k in 0..<max(a.parts.count, b.parts.count) {
            let x = k < a.parts.count ? a.parts[k] : 0
            let y = k < b.parts.count ? b.parts[k] : 0
            if x != y { return x < y }
        }
        return false
    }
}
