import LeakLintCore

/// `spawn-loop`: a goroutine / Task / Thread whose body loops forever with no way to stop it.
///
/// Vocabulary: `spawn-kinds` (SpawnFact kinds), `cancel-signals` (globs over `LoopFact.signals`:
/// observing one of these counts as a way to stop), `endless-ranges` (globs over
/// `LoopFact.rangeOver` for ranges that never end, such as `*.C` of a ticker),
/// `run-once-functions` (spawns from these functions live for the process by design).
/// Options: `handle-cancel-calls` — comma-separated methods that stop a kept handle (`cancel`):
/// when set, a spawn whose handle is stored and stopped somewhere is silent even if it loops.
/// Vocabulary `handle-signals`: globs over cancel signals that only work through the spawn's
/// handle (`Task.isCancelled`, `Task.checkCancellation`, `Task.sleep`): they count only when
/// the handle is kept (and, with `handle-cancel-calls`, cancelled somewhere, or handed on). A
/// discarded `Task { while !Task.isCancelled { … } }` can never be cancelled by anyone.
/// Option `release-template` (`{field}`): for such a loop whose handle is stored in an optional
/// property of a class and never cancelled, and whose closure does not capture `self`
/// strongly, the fix cancels the previous handle before the assignment and the handle in `deinit`.
struct SpawnLoopAnalysis: Analysis {
    var name: String { "spawn-loop" }

    func run(scope: Scope, rule: Rule) -> [Finding] {
        let ix = ScopeIndex(scope)
        guard !ix.spawns.isEmpty else { return [] }
        let kinds = rule.wordList("spawn-kinds")
        let signals = rule.wordList("cancel-signals")
        let endlessRanges = rule.wordList("endless-ranges")
        let runOnce = rule.wordList("run-once-functions")
        let handleStops = Set((rule.options["handle-cancel-calls"] ?? "").split(separator: ",").map { String($0).trimmingCharacters(in: " ") })
        let factory = FindingFactory(scope: scope, rule: rule, analysis: name)
        var out: [Finding] = []
        let handleSignals = rule.wordList("handle-signals")

        lazy var onceSet = ix.runOnceFunctions(runOnce, propagate: ix.language == .go)
        for spawn in ix.spawns where kinds.matches(spawn.kind) && scope.reports(spawn.at.path) {
            // Signals that need the handle count only when the handle can reach a `cancel()`.
            let handleWorks: Bool = {
                if handleSignals.isEmpty || spawn.handedOn { return true }
                if case .discarded = spawn.handle { return false }
                return handleStops.isEmpty || handleIsStopped(spawn.handle, ix, handleStops)
                    || handlesCancelledThroughElements(spawn.handle, ix, handleStops)
            }()
            let counts: (String) -> Bool = { sig in signals.matches(sig) && (handleWorks || !handleSignals.matches(sig)) }
            // A process-lifetime worker started once is by design.
            if (spawn.role.runsOnce || runOnce.matches(spawn.function.lastComponent) || onceSet.contains(spawn.function)
                || (spawn.role == .constructor && onceSet.contains(spawn.function.ownerPart + ".<init>"))) && !spawn.inLoop { continue }
            // Resolve the body: a literal, or the named function of the scope.
            var body: BodyFact? = spawn.body
            var calleeFn: FunctionFact? = nil
            if body == nil, let callee = spawn.callee, !(callee.owner?.hasPrefix("pkg:") ?? false) {
                let candidates = ix.functions(named: callee.name, owner: callee.owner)
                if candidates.count == 1 { calleeFn = candidates[0]; body = candidates[0].body }
            }
            guard let b = body else { continue }
            guard let loop = b.loops.first(where: { l in
                let endless = l.endless || (l.rangeOver.map(endlessRanges.matches) ?? false)
                return endless && !l.exits && !l.signals.contains(where: counts)
            }) else { continue }
            // A kept handle that is cancelled somewhere stops the task from outside.
            if !handleStops.isEmpty, handleIsStopped(spawn.handle, ix, handleStops) { continue }
            if case .bound = spawn.handle, spawn.handedOn { continue }
            if !handleStops.isEmpty, handlesCancelledThroughElements(spawn.handle, ix, handleStops) { continue }
            // The loop observes cancellation but nobody cancels: keep and cancel the handle.
            var edits: [TextEdit] = []
            if case .stored(let sym) = spawn.handle, !spawn.capturesSelf,
               loop.signals.contains(where: { handleSignals.isEmpty ? signals.matches($0) : handleSignals.matches($0) }),
               let template = rule.options["release-template"],
               let field = ix.fields.first(where: { $0.symbol == sym && !$0.isStatic }), field.isOptional {
                let stmt = Template.render(template, ["field": sym.name])
                edits = factory.releaseBeforeAssignment(spawn.at, field: sym.name, statement: stmt)
                    + factory.addToDeinit(owner: sym.owner, statement: stmt, ix: ix, near: field)
            }

            let what = calleeFn.map { $0.qualifiedName } ?? "a function literal"
            var captures: [String: String] = [:]
            captures["kind"] = spawn.kind
            captures["callee"] = what
            captures["function"] = spawn.function
            captures["Callee"] = calleeFn?.name ?? "worker"
            captures["owner"] = calleeFn?.owner ?? ""
            captures["range"] = loop.rangeOver ?? ""
            captures["loop"] = loop.rangeOver.map { "for range \($0)" } ?? "for"
            captures["receiver"] = calleeFn?.owner.map { String($0.prefix(1)).lowercased() } ?? "x"
            captures["args"] = spawn.args.joined(separator: ", ")
            captures["argsAfterCtx"] = spawn.args.isEmpty ? "" : ", " + spawn.args.joined(separator: ", ")
            // The started call as written (`store.cleanupLoop`) and the callee's signature head
            // (`func (s *SessionStore) cleanupLoop`), from the source.
            if let file = scope.sources[spawn.at.path] {
                var call = file.text(spawn.at.start..<spawn.at.end)
                if call.hasPrefix("go ") { call = String(call.dropFirst(3)) }
                if let paren = call.firstIndex(of: "(") { call = String(call[..<paren]) }
                captures["call"] = call.hasPrefix("func") ? "func" : call
            }
            if let fn = calleeFn, let file = scope.sources[fn.at.path] {
                let start = file.lineStarts[file.lineIndex(of: fn.at.start)]
                captures["signature"] = file.text(start..<fn.at.end)
            } else {
                captures["signature"] = "func \(calleeFn?.name ?? "worker")"
            }
            captures["perIteration"] = spawn.inLoop ? " (one per loop iteration)" : ""
            if loop.signals.contains(where: signals.matches) {
                var how = "its handle is never cancelled"
                if case .discarded = spawn.handle { how = "its handle is dropped" }
                captures["why"] = "checks for cancellation, but \(how), so nothing can ever cancel it"
            } else {
                captures["why"] = "has no return, break or cancellation check and its handle is never cancelled"
            }
            var rel: [(SourceRef, String)] = [(loop.at, "this loop never ends: no return, break or cancellation case")]
            if let fn = calleeFn { rel.append((fn.at, "\(fn.qualifiedName) is started here as a \(spawn.kind)")) }
            let symbol = calleeFn.map { "\(spawn.function)→\($0.qualifiedName)" } ?? "\(spawn.function)→literal"
            out.append(factory.finding(at: spawn.at, symbol: symbol, captures: captures,
                                       severity: factory.severity(raise: spawn.inLoop),
                                       related: factory.related(rel), edits: edits))
        }
        return out
    }

    /// Handles kept in a container (`tasks.append(Task { … })`, `tasks[id] = Task { … }`) and
    /// cancelled element by element in the same type (`for t in tasks { t.cancel() }`,
    /// `tasks.values.forEach { $0.cancel() }`).
    func handlesCancelledThroughElements(_ handle: ResultUse, _ ix: ScopeIndex, _ stops: Set<String>) -> Bool {
        guard case .stored(let sym) = handle,
              ix.containers.contains(where: { $0.symbol == sym }) else { return false }
        return ix.calls.contains { c in
            guard stops.contains(c.method), let r = c.receiver, !r.isEmpty, !r.contains("."), r != "self" else { return false }
            let owner = c.function.lastIndex(of: ".").map { String(c.function[..<$0]) }
            return owner == sym.owner
        }
    }

    func handleIsStopped(_ handle: ResultUse, _ ix: ScopeIndex, _ stops: Set<String>) -> Bool {
        switch handle {
        case .escapes: return true
        case .discarded: return false
        case .bound(let names):
            return ix.calls.contains { c in stops.contains(c.method) && names.contains(where: { c.receiver?.lastComponent == $0 }) }
        case .stored(let sym):
            return ix.calls.contains { c in stops.contains(c.method) && (c.receiverSymbol?.name == sym.name || c.receiver?.lastComponent == sym.name) }
        }
    }
}

/// `handoff-blocked` (Go): a goroutine blocks forever on an unbuffered channel because the other
/// side can leave first (a `select` with a timeout / `ctx.Done()`, or an early `return`).
struct HandoffBlockedAnalysis: Analysis {
    var name: String { "handoff-blocked" }

    func run(scope: Scope, rule: Rule) -> [Finding] {
        let ix = ScopeIndex(scope)
        let factory = FindingFactory(scope: scope, rule: rule, analysis: name)
        var out: [Finding] = []
        for h in ix.handoffs where h.capacity == nil && !h.spawnSideGuarded && !h.abandonReasons.isEmpty
            && scope.reports(h.blockingAt.path) {
            var captures: [String: String] = [:]
            captures["channel"] = h.channel
            captures["op"] = h.direction == "send" ? "send on" : "receive from"
            captures["counterpart"] = h.direction == "send" ? "receive" : "send"
            captures["reason"] = h.abandonReasons[0]
            captures["function"] = h.function
            var rel: [(SourceRef, String)] = [(h.declaredAt, "`\(h.channel)` is unbuffered"),
                                              (h.spawnAt, "goroutine started here")]
            for (k, r) in h.abandonAt.enumerated() {
                rel.append((r, "the parent can leave here (\(h.abandonReasons[min(k, h.abandonReasons.count - 1)])) and the goroutine blocks forever"))
            }
            // The complete fix: give the channel a buffer of one so the goroutine's single send never blocks.
            var edits: [TextEdit] = []
            if h.direction == "send", let file = scope.sources[h.declaredAt.path] {
                let bytes = file.bytes
                var close = h.declaredAt.end - 1
                while close > h.declaredAt.start && bytes[close] != UInt8(ascii: ")") { close -= 1 }
                if bytes[close] == UInt8(ascii: ")") {
                    edits.append(TextEdit(path: h.declaredAt.path, start: close, end: close, replacement: ", 1"))
                }
            }
            out.append(factory.finding(at: h.blockingAt, symbol: "\(h.function)→\(h.channel)", captures: captures,
                                       severity: factory.severity(), related: factory.related(rel), edits: edits))
        }
        return out
    }
}
