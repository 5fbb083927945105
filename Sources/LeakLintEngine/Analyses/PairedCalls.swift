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
/// - `short-lived-receivers`: for `receiver` pairing, globs over the receiver's declared type (a
///   local's) or its last component (`connectFuture`, `writeAndFlush(…)`) that complete once and
///   drop their listeners: futures and promises need no removal. A receiver that is the
///   registering object itself (`this`, `super`, `self`) needs none either: its listener list
///   lives exactly as long as it does.
/// - `forwarded-task-calls`: callee globs whose first argument is the task they start
///   (`*.scheduleAtFixedRate`): when that argument is a parameter of the enclosing function, the
///   function only forwards its caller's task (`static void scheduleTask(Runnable command, …)`)
///   and whether the task is ever cancelled is its callers' matter, not the wrapper's.
/// - `inert-calls` with `subscribe-methods`: callee globs that only build a description of work
///   (`Timer.publish`: a publisher) and the methods that start it (`sink`, `assign`, `connect`;
///   read from `CallFact.chainMethods`, so not a `*-calls` key: front ends need not record them):
///   a call whose chain calls none of them starts nothing, wherever its result is kept (a stored
///   `Timer.publish(…).autoconnect()` fires only for its subscribers, whose own lifetimes decide).
/// - `release-helpers`: method-name globs of utilities that release what they are handed
///   (`ThreadUtils.shutdownThreadPool(executor, log)`, `closeQuietly(x)`): a stored result
///   passed whole to one of them is released, whichever class the helper lives in.
/// - `idle-expiring-calls` with `idle-expiring-receiver-calls`: creations whose every thread exits
///   once idle for its keep-alive (`Executors.newCachedThreadPool`; `new ThreadPoolExecutor#0=0`,
///   a callee glob with `#<argument index>=<argument text>`), and receiver calls that make a
///   kept pool so (`allowCoreThreadTimeOut(true)` on the stored or bound result). Such a pool
///   holds threads only while work keeps coming: its finding is a note, worded by the rule's
///   `message.idle-expiring` option.
/// - `future-listeners`: for `receiver` pairing, globs over the first argument (the listener)
///   whose own type or body shows the subject is a future (`new ChannelFutureListener() {…}`,
///   `ChannelFutureListener.CLOSE`, `f -> { if (f.isSuccess()) … }`), when the receiver is a call
///   result whose type the front end cannot see.
/// Options:
/// - `pairing`: `result` (the bound or stored result must get a release), `first-arg` (a release
///   call with the same first argument), `receiver` (a release on the same receiver, by `pairs`),
///   `result-discarded` (only a dropped result is a finding; `index` says which result, 0-based),
///   `result-or-receiver` (as `result`, but a `stop-calls`/`pairs` release of the call's receiver
///   also releases it: a periodic task scheduled on an executor that is shut down).
/// - `lower-from-go`: a Go version (`1.23`) from which an unreferenced acquisition is a note.
/// - `argument` pairing: the bound or stored result must be passed as an argument to a
///   `stop-calls` method (`center.removeObserver(token)`); a stored result pairs with an argument
///   naming the same property of the same type.
/// - `release-template` (with `release-verbs`, `typeGlob=verb` words over the property's type):
///   for a result stored in an optional property of a class that never releases it, the fix
///   releases the previous value before the assignment and the property in `deinit`
///   (`{field}`, `{verb}`, `{receiver}` placeholders). Only when the acquiring call's closures do
///   not capture `self` strongly: otherwise `deinit` never runs and the edit would be no fix.
/// Create-call words may name argument labels and values: `*.addObserver(forName:)`,
/// `*.scheduledTimer(repeats:true)` (value globs over the argument text).
struct PairedCallsAnalysis: Analysis {
    var name: String { "paired-calls" }

    /// The rule's create-call words, parsed: the words to match (without `@pairing` and labels),
    /// each overriding pairing, and each word's argument labels.
    struct CreateSpec {
        var creates: WordList
        var pairingFor: [String: String]
        var labelSpecs: [String: [(label: String, value: String?)]]
    }
    private static let createSpecs = WordKeyedCache<CreateSpec>()

    static func createSpec(_ words: [String]) -> CreateSpec {
        // `callee@pairing[:index]` overrides the rule's pairing for that callee.
        var createWords: [String] = []
        var pairingFor: [String: String] = [:]
        var labelSpecs: [String: [(label: String, value: String?)]] = [:]
        for w0 in words {
            var w = w0
            if let (base, spec) = splitLabels(w0) { w = base; labelSpecs[stripPairing(base)] = spec }
            if let at = w.firstIndex(of: "@") {
                let callee = String(w[..<at])
                createWords.append(callee)
                pairingFor[callee] = String(w[w.index(after: at)...])
            } else {
                createWords.append(w)
            }
        }
        return CreateSpec(creates: WordList(createWords), pairingFor: pairingFor, labelSpecs: labelSpecs)
    }

    func run(scope: Scope, rule: Rule) -> [Finding] {
        let ix = ScopeIndex(scope)
        guard !ix.calls.isEmpty else { return [] }
        let spec = Self.createSpecs.value(rule.id, rule.words("create-calls")) { Self.createSpec(rule.words("create-calls")) }
        let creates = spec.creates, pairingFor = spec.pairingFor, labelSpecs = spec.labelSpecs
        let stops = Set(rule.words("stop-calls"))
        let unstoppable = rule.wordList("unstoppable-calls")
        let runOnce = rule.wordList("run-once-functions")
        let endlessRanges = rule.wordList("endless-ranges")
        let shortLived = rule.wordList("short-lived-receivers")
        let futureListeners = rule.wordList("future-listeners")
        let forwardedTasks = rule.wordList("forwarded-task-calls")
        let releaseHelpers = rule.wordList("release-helpers")
        let inert = rule.wordList("inert-calls")
        let subscribes = Set(rule.words("subscribe-methods"))
        let idleExpiring = rule.words("idle-expiring-calls").map(Self.argumentSpec)
        let idleExpiringCalls = Set(rule.words("idle-expiring-receiver-calls"))
        let idleFactory = FindingFactory(scope: scope, rule: rule, analysis: "idle-expiring")
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
        lazy var onceSet = ix.runOnceFunctions(runOnce, propagate: ix.language == .go || ix.language == .java)
        // Parameter names per function, for first-arg pairing and forwarded tasks (built only when asked).
        lazy var paramsByFunction = ix.paramNamesByFunction()

        // Findings' resources by holder (`holderKey`, or `local:<function>.<name>`), and periodic
        // tasks reported on a receiver: merged below.
        var heldIn: [String: Int] = [:]
        var tasks: [(index: Int, key: String, at: SourceRef)] = []
        for c in ix.calls where scope.reports(c.at.path) {
            // A call on a call's result (`Executors.newSingleThreadExecutor().execute(r)`) is matched
            // by its method on an unnamed receiver: a `*` in `Executors.new*` must not reach across
            // the inner call, which is a call fact of its own.
            let callee = c.callee.utf8.contains(UInt8(ascii: "(")) ? "_." + c.method : c.callee
            let isUnstoppable = unstoppable.matches(callee)
            guard isUnstoppable || creates.matches(callee) || creates.matches(c.method) else { continue }
            // A publisher nobody subscribes to here runs nothing.
            if !inert.isEmpty, inert.matches(c.callee) || inert.matches(c.method),
               !c.chainMethods.contains(where: subscribes.contains) { continue }
            // A wrapper that schedules the task its caller hands in.
            if !forwardedTasks.isEmpty, forwardedTasks.matches(c.callee) || forwardedTasks.matches(c.method),
               let task = c.args.first, paramsByFunction[c.function]?.contains(task) == true { continue }
            // Only now: the run-once set is the costly part, and most calls acquire nothing.
            // (Code that runs once per object — a constructor, a once-per-object guard — runs once
            // when the object does: its type's `<init>` is in the run-once set.)
            let oncePlace = !c.inLoop && (c.role.runsOnce || runOnce.matches(c.function.lastComponent) || onceSet.contains(c.function)
                                          || (c.role == .constructor && onceSet.contains(c.function.ownerPart + ".<init>")))
            if isUnstoppable {
                if oncePlace { continue }
                var caps = captures(c)
                caps["problem"] = "can never be stopped"
                out.append(factory.finding(at: c.at, symbol: "\(c.function)→\(c.callee)", captures: caps,
                                           severity: factory.severity(lower: lower && !usedInEndlessLoop(c, ix, endlessRanges)),
                                           related: []))
                continue
            }
            if oncePlace { continue }
            // The first word whose callee glob and argument labels both match.
            guard let word = creates.words.first(where: { ($0 == callee || ByteText.glob($0, callee) || ByteText.glob($0, c.method)) &&
                                                        Self.labelsMatch(c, labelSpecs[$0]) }) else { continue }
            var pairing = defaultPairing
            var resultIndex = defaultIndex
            if let spec = pairingFor[word] {
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
                // A channel handed in by the caller (`func notifyInto(ch chan<- os.Signal)`): the
                // caller owns it, and registering one channel again adds nothing.
                if local && paramsByFunction[c.function]?.contains(first) == true { continue }
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
            case "argument":
                if releasedInside(c, ix, stops) { continue }
                let release = stops.sorted().first ?? "release"
                switch c.result {
                case .escapes: continue
                case .discarded: problem = "drops its result, so it can never be passed to \(release)"
                case .bound(let names):
                    guard let n = names.first(where: { $0 != "_" }) else { problem = "drops its result, so it can never be passed to \(release)"; break }
                    if c.handedOn { continue }
                    let released = ix.calls.contains { r in
                        stops.contains(r.method) && r.function == c.function && r.args.contains { Self.bareArgument($0) == n }
                    } || ix.ops.contains { o in o.function == c.function && o.valueText == n }
                    if !released { problem = "is never passed to \(release)" }
                case .stored(let sym):
                    if !storedIsReleasedByArgument(sym, ix, stops) {
                        problem = "is stored in \(sym.display) but never passed to \(release)"
                        edits = releaseEdits(c, sym, ix, rule, factory)
                    }
                }
            case "receiver":
                guard let release = releaseName(for: c.method, pairs) else { continue }
                // A one-shot receiver (a future, a promise) drops its listeners once it completes.
                if shortLived.matches(c.receiverType ?? "") || shortLived.matches(Self.lastSelector(c.receiver ?? "")) { continue }
                // Registered on the registering object itself (`super.addListener(…)` in a
                // dispatcher's constructor): the list lives exactly as long as its owner.
                if let r = c.receiver, r == "this" || r == "super" || r == "self" { continue }
                // On the enclosing instance (`Outer.this.addListener(this)` from an inner class):
                // the outer object and its inner one reference each other and go together.
                if let r = c.receiver, r.hasSuffix(".this"), r.utf8.count > 5 { continue }
                // On an object the function just made (a child component, a model it owns): the
                // listener lives as long as that object, which is its maker's, not a shared one.
                if c.receiverFresh { continue }
                if let l = c.args.first, futureListeners.matches(l) { continue }
                let recv = c.receiver ?? ""
                // The listener is the last argument (`addPropertyChangeListener(name, listener)`).
                let arg = c.args.last ?? ""
                // A registration method of the same name passing on the listener its caller hands
                // in (`static void addShutdownHook(String name, Runnable hook) { adder.addShutdownHook(name, hook); }`)
                // only forwards it: its callers' registrations are reported, and must be paired.
                if !arg.isEmpty, c.function.lastComponent == c.method,
                   paramsByFunction[c.function]?.contains(arg) == true { continue }
                let namedListener = Self.isPlainName(arg) && arg != "this" && arg != "self"
                let owner = c.function.ownerPart
                let released = ix.calls.contains { r in
                    guard r.method == release else { return false }
                    if (r.receiver ?? "") == recv || (r.receiver?.lastComponent ?? "") == recv.lastComponent { return true }
                    // The same named listener removed, by the same class, from whichever source held it.
                    if namedListener && r.args.last == arg && r.function.ownerPart == owner { return true }
                    // The swap idiom: the registering function first removes the listener from the
                    // previous source (`current.removeListener(L); property.addListener(L); current = property`).
                    return r.function == c.function && r.at.path == c.at.path && r.at.start < c.at.start
                }
                if !released { problem = "has no matching \(release)" }
            case "result-or-receiver":
                // Released through its owner: a periodic task dies with the executor it runs on.
                if receiverReleased(c, ix, stops, pairs) { continue }
                if let rs = c.receiverSymbol, handedToReleaseHelper(rs, ix, releaseHelpers) { continue }
                fallthrough
            default:  // result
                // Released from its own callback (`{ timer in … timer.invalidate() }`).
                if releasedInside(c, ix, stops) { continue }
                if case .bound = c.result, c.handedOn { continue }
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
                    let params = paramsByFunction
                    let stopped = ix.calls.contains { r in
                        guard stops.contains(r.method) else { return false }
                        if let rs = r.receiverSymbol, rs.name == sym.name {
                            return rs.owner == nil || sym.owner == nil || rs.owner == sym.owner
                        }
                        // A receiver spelled like the field that is a parameter of its function
                        // (`static void shutdown(ExecutorService executor) { executor.shutdown(); }`)
                        // is that parameter, not the field.
                        if r.receiver == sym.name && params[r.function]?.contains(sym.name) == true { return false }
                        return r.receiverSymbol == nil && r.receiver?.lastComponent == sym.name
                    } || stoppedThroughHelper(sym, ix, stops) || handedToReleaseHelper(sym, ix, releaseHelpers)
                    if !stopped {
                        problem = "is stored in \(sym.display) but never stopped"
                        edits = releaseEdits(c, sym, ix, rule, factory)
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
            // What the finding's resource is held in, and, for a periodic task, what it runs on.
            if pairing != "result-or-receiver" {
                switch c.result {
                case .stored(let sym): heldIn[Self.holderKey(sym)] = out.count
                case .bound(let names):
                    if let n = names.first(where: { $0 != "_" }) { heldIn["local:" + c.function + "." + n] = out.count }
                default: break
                }
            } else if let rs = c.receiverSymbol {
                tasks.append((out.count, Self.holderKey(rs), c.at))
            } else if let r = c.receiver, Self.isPlainName(r) {
                tasks.append((out.count, "local:" + c.function + "." + r, c.at))
            }
            // A pool whose threads all exit once idle is a note, in its own words.
            let idle = expiresWhenIdle(c, callee, idleExpiring, idleExpiringCalls, ix)
            let f = idle ? idleFactory : factory
            out.append(f.finding(at: c.at, symbol: "\(c.function)→\(c.callee)", captures: caps,
                                 severity: f.severity(lower: idle || (lower && !endless)),
                                 related: f.related(related), edits: edits))
        }
        // A periodic task on an executor that is itself reported is that finding's: shutting the
        // executor down cancels it. One finding per executor, the task a related location.
        var merged: Set<Int> = []
        for t in tasks {
            guard let k = heldIn[t.key] else { continue }
            out[k].related.append(contentsOf: factory.related([(t.at, "a periodic task runs on it here; shutting it down cancels the task")]))
            merged.insert(t.index)
        }
        if merged.isEmpty { return out }
        return out.enumerated().filter { !merged.contains($0.offset) }.map(\.element)
    }

    /// `callee#2=0` → (`callee`, 2, `0`); a plain glob → (glob, nil, nil).
    static func argumentSpec(_ w: String) -> (callee: String, index: Int?, value: String?) {
        guard let hash = w.lastIndex(of: "#"), let eq = w[hash...].firstIndex(of: "="),
              let k = Int(w[w.index(after: hash)..<eq]) else { return (w, nil, nil) }
        return (String(w[..<hash]), k, String(w[w.index(after: eq)...]))
    }

    /// Whether every thread the pool `c` creates exits once idle: the creation matches an
    /// `idle-expiring-calls` word (with its argument, when the word names one), or the kept result
    /// is given `allowCoreThreadTimeOut(true)` (an `idle-expiring-receiver-calls` method).
    func expiresWhenIdle(_ c: CallFact, _ callee: String, _ words: [(callee: String, index: Int?, value: String?)],
                         _ receiverCalls: Set<String>, _ ix: ScopeIndex) -> Bool {
        for w in words where ByteText.glob(w.callee, callee) || ByteText.glob(w.callee, c.method) {
            guard let k = w.index else { return true }
            if k < c.args.count, c.args[k].trimmingCharacters(in: " ") == w.value { return true }
        }
        guard !receiverCalls.isEmpty else { return false }
        func enables(_ r: CallFact) -> Bool { receiverCalls.contains(r.method) && r.args.first == "true" }
        switch c.result {
        case .stored(let sym):
            return ix.calls.contains { r in
                enables(r) && (r.receiverSymbol.map { $0.name == sym.name } ?? (r.receiver?.lastComponent == sym.name))
            }
        case .bound(let names):
            return ix.calls.contains { r in enables(r) && r.function == c.function && names.contains(r.receiver ?? "") }
        case .discarded, .escapes:
            return false
        }
    }

    /// The key a stored resource's holder is known by: its field or global (`Owner.name`).
    static func holderKey(_ sym: SymbolRef) -> String { "sym:" + (sym.owner ?? "") + "." + sym.name }

    /// The field is handed to a method of its own type that stops the parameter it arrives in
    /// (`shutdownExecutorService(poolRouterExecutor, …)` with `executorService.shutdownNow()`
    /// inside).
    func stoppedThroughHelper(_ sym: SymbolRef, _ ix: ScopeIndex, _ stops: Set<String>) -> Bool {
        for a in ix.fieldArguments where a.field.name == sym.name && (sym.owner == nil || a.field.owner == sym.owner) {
            for fn in ix.functions where fn.name == a.callee && fn.owner == a.field.owner && a.index < fn.params.count {
                let p = fn.params[a.index].name
                let q = fn.qualifiedName
                if ix.calls.contains(where: { r in stops.contains(r.method) && r.function == q && r.receiver == p }) { return true }
            }
        }
        return false
    }

    /// The field is passed whole to a call whose name says it releases its argument
    /// (`release-helpers`), in any class: `ThreadUtils.shutdownThreadPool(executorService, log)`.
    func handedToReleaseHelper(_ sym: SymbolRef, _ ix: ScopeIndex, _ helpers: WordList) -> Bool {
        guard !helpers.isEmpty else { return false }
        return ix.fieldArguments.contains { a in
            a.field.name == sym.name && (sym.owner == nil || a.field.owner == sym.owner) && helpers.matches(a.callee)
        }
    }

    /// `*.addObserver(forName:)@argument` → (`*.addObserver@argument`, [(forName, nil)]);
    /// `*.scheduledTimer(repeats:true)` → (`*.scheduledTimer`, [(repeats, "true")]).
    static func splitLabels(_ w: String) -> (String, [(label: String, value: String?)])? {
        guard let open = w.firstIndex(of: "("), let close = w[open...].firstIndex(of: ")") else { return nil }
        var spec: [(label: String, value: String?)] = []
        for part in w[w.index(after: open)..<close].split(separator: ",") {
            let p = String(part).trimmingCharacters(in: " ")
            guard let colon = p.firstIndex(of: ":") else { continue }
            let value = String(p[p.index(after: colon)...]).trimmingCharacters(in: " ")
            spec.append((String(p[..<colon]), value.isEmpty ? nil : value))
        }
        return (String(w[..<open]) + String(w[w.index(after: close)...]), spec)
    }

    static func stripPairing(_ w: String) -> String {
        guard let at = w.firstIndex(of: "@") else { return w }
        return String(w[..<at])
    }

    /// Every label of `spec` is an argument label of the call, with a matching value when given.
    static func labelsMatch(_ c: CallFact, _ spec: [(label: String, value: String?)]?) -> Bool {
        guard let spec else { return true }
        for want in spec {
            guard let i = c.argLabels.firstIndex(where: { $0 == want.label }) else { return false }
            if let v = want.value {
                guard i < c.args.count, ByteText.glob(v, c.args[i]) else { return false }
            }
        }
        return true
    }

    /// `token`, `token!`, `self.token` → `token`; anything else as written.
    static func bareArgument(_ a: String) -> String {
        var s = Substring(a)
        while let l = s.last, l == "!" || l == "?" { s = s.dropLast() }
        if s.hasPrefix("self.") { s = s.dropFirst(5) }
        return String(s)
    }

    /// The type a function belongs to: `Banner.deinit` → `Banner`; nil for free functions.
    static func owner(ofFunction f: String) -> String? {
        guard let dot = f.lastIndex(of: ".") else { return nil }
        return String(f[..<dot])
    }

    /// A release call inside the acquiring call's own closures (`{ timer in timer.invalidate() }`).
    func releasedInside(_ c: CallFact, _ ix: ScopeIndex, _ stops: Set<String>) -> Bool {
        guard let ext = c.extent, ext.end > c.at.end else { return false }
        return ix.calls.contains { r in
            stops.contains(r.method) && r.at.path == ext.path && r.at.start >= c.at.end && r.at.end <= ext.end
        }
    }

    /// A stored result passed to a release call: `removeObserver(token)` naming the same property
    /// of the same type (owners compared when both are known), `removeObserver(x.token)`, a
    /// container of results handed element by element (`tokens.forEach(center.removeObserver)`,
    /// `for t in tokens { center.removeObserver(t) }` in the same type).
    func storedIsReleasedByArgument(_ sym: SymbolRef, _ ix: ScopeIndex, _ stops: Set<String>) -> Bool {
        let isContainer = ix.containers.contains { $0.symbol.name == sym.name && ($0.symbol.owner == nil || sym.owner == nil || $0.symbol.owner == sym.owner) }
        for r in ix.calls {
            if stops.contains(r.method) {
                let fnOwner = Self.owner(ofFunction: r.function)
                for a in r.args {
                    let b = Self.bareArgument(a)
                    // A bare name is the property only inside its own type (a free function's is a local).
                    if b == sym.name, fnOwner == sym.owner { return true }
                    if b.contains("."), b.lastComponent == sym.name { return true }
                    // An element of a container of results, through a local of the same type.
                    if isContainer, b != "self", !b.isEmpty, !b.contains("."), !b.contains("("),
                       sym.owner == nil || fnOwner == sym.owner {
                        return true
                    }
                }
            } else if let recv = r.receiver, Self.bareArgument(recv).lastComponent == sym.name,
                      r.args.contains(where: { stops.contains($0.lastComponent) }) {
                return true
            }
        }
        return false
    }

    /// Release edits for a result stored in `sym` (see `release-template`).
    func releaseEdits(_ c: CallFact, _ sym: SymbolRef, _ ix: ScopeIndex, _ rule: Rule, _ f: FindingFactory) -> [TextEdit] {
        guard let template = rule.options["release-template"], !c.capturesSelf else { return [] }
        guard let field = ix.fields.first(where: { $0.symbol == sym && !$0.isStatic }), field.isOptional else { return [] }
        var typeName = field.typeText
        while let l = typeName.last, l == "?" || l == "!" { typeName.removeLast() }
        var verb = "cancel"
        for w in rule.words("release-verbs") {
            let parts = w.split(separator: "=", maxSplits: 1).map(String.init)
            if parts.count == 2, ByteText.glob(parts[0], typeName) { verb = parts[1]; break }
        }
        let receiver = c.receiver ?? ""
        // `{receiver}` must be reachable from deinit: a type's shared instance, not a local.
        if template.contains("{receiver}") {
            guard let first = receiver.utf8.first, first >= 65 && first <= 90 else { return [] }
        }
        let stmt = Template.render(template, ["field": sym.name, "verb": verb, "receiver": receiver])
        return f.releaseBeforeAssignment(c.at, field: sym.name, statement: stmt) + f.addToDeinit(owner: sym.owner, statement: stmt, ix: ix, near: field)
    }

    /// A name or a dotted chain of names (`LISTENER`, `this.listener`, `Holder.LISTENER`): an
    /// expression that names one object, unlike `new L()` or a lambda.
    static func isPlainName(_ s: String) -> Bool {
        guard let f = s.utf8.first, f == UInt8(ascii: "_") || (f | 0x20 >= UInt8(ascii: "a") && f | 0x20 <= UInt8(ascii: "z")) else { return false }
        return s.utf8.allSatisfy { b in
            b == UInt8(ascii: "_") || b == UInt8(ascii: ".") || b == UInt8(ascii: "$") || (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9"))
                || (b | 0x20 >= UInt8(ascii: "a") && b | 0x20 <= UInt8(ascii: "z"))
        }
    }

    /// The last selector of a receiver expression, brackets kept whole:
    /// `ch.writeAndFlush(a.b(c))` → `writeAndFlush(a.b(c))`, `s.future` → `future`.
    static func lastSelector(_ text: String) -> String {
        let b = Array(text.utf8)
        var depth = 0
        var cut = -1
        for (i, c) in b.enumerated() {
            switch c {
            case UInt8(ascii: "("), UInt8(ascii: "["), UInt8(ascii: "<"): depth += 1
            case UInt8(ascii: ")"), UInt8(ascii: "]"), UInt8(ascii: ">"): depth = max(0, depth - 1)
            case UInt8(ascii: "."): if depth == 0 { cut = i }
            default: break
            }
        }
        return cut < 0 ? text : String(decoding: b[(cut + 1)...], as: UTF8.self)
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
        // The stored property or local as written in code (`{name}` shows `Owner.name`).
        switch c.result {
        case .stored(let sym): caps["field"] = sym.name
        default: caps["field"] = caps["name"]
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
