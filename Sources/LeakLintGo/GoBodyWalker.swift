import LeakLintCore

// MARK: - Function bodies
//
// Walks one function body token by token with an explicit frame stack. Statement starts are
// classified (assignments → container ops and result bindings); keywords open frames (loops,
// selects, switches, ifs, function literals); `return`/`break`/`goto`/exit calls mark the loops
// they leave; `go` statements become spawns; channel operations on local unbuffered channels
// become hand-off facts.

extension FileFacts {
    /// Swaps the op, call, spawn and hand-off lists with the given ones (see
    /// `BodyWalker.exchangeBuffers`).
    mutating func exchangeLists(_ ops: inout [ContainerOp], _ calls: inout [CallFact], _ spawns: inout [SpawnFact],
                                _ handoffs: inout [HandoffFact]) {
        swap(&self.ops, &ops)
        swap(&self.calls, &calls)
        swap(&self.spawns, &spawns)
        swap(&self.handoffs, &handoffs)
    }
}

/// A run of `BodyWalker.loopKeys`: the loops around one recorded fact.
struct LoopSpan {
    var start: Int32
    var end: Int32
}

struct BodyWalker {
    let p: GoParser
    let functionName: String
    let owner: String?
    let receiver: String?
    let role: FunctionRole
    var localTypes: LocalTypes
    /// Locals read from a map entry in this function (`c := m[k]` → `c: "m[k]"`).
    var indexAliases: [String: String] = [:]
    var params: [Param]
    /// This walker's stamp in the parser's per-identifier tables (locals, called names).
    let gen: UInt32
    /// The receiver's identifier id, -1 when there is none.
    let receiverId: Int32

    /// The file's facts so far, taken from the parser while this body is walked (appends go
    /// straight to the file's lists; `opBase` … are where this body's own entries start).
    var ops: [ContainerOp] = []
    var calls: [CallFact] = []
    var spawns: [SpawnFact] = []
    var handoffs: [HandoffFact] = []
    var opBase = 0, callBase = 0, spawnBase = 0

    enum FrameKind { case block, loop, select, switchStmt, funcLit, ifBlock }

    struct Frame {
        var kind: FrameKind
        var end: Int
        var loop: Int = -1          // index into ctx.loops
        var ctxId: Int = 0
        /// A range loop's ranged expression and key variable (see `PendingFrame.rangeKey`).
        var rangeOver: String? = nil
        var rangeKey: String? = nil
        var label: String? = nil
        /// `if` frames: the condition's tokens [ifCondStart, ifBrace) (text made only when asked).
        var ifCondStart: Int = -1
        /// `if` frames: the header's tokens [ifStart, ifBrace), init statement included.
        var ifStart: Int = -1
        var ifBrace: Int = -1
        var clauses: Int = 0         // select/switch: number of case/default clauses
        var clauseHeads: [(Int, Int)] = []
        /// Conditions (token ranges) of earlier `if … { return }` statements of this block: one
        /// like `len(x) >= max` caps `x` from there on.
        var earlyExits: [(Int, Int)] = []
    }

    /// One function context: the named function or a function literal.
    struct Ctx {
        var id = 0
        var loops: [LoopFact] = []
        var frameBase: Int           // index in `frames` of this ctx's root frame
        var role: FunctionRole
        var spawnTok: Int? = nil     // the `go` token when this literal is spawned
        var spawnArgsStart: Int? = nil
        var spawnInLoop = false
        var chans: [String: (decl: SourceRef, cap: String?)] = [:]
        var chanOps: [ChanOp] = []
        var returns: [(tok: Int, end: Int)] = []
        var deferred = false         // a `defer func() {…}()` literal
    }

    struct ChanOp {
        var name: String
        var tok: Int
        var send: Bool
        var spawnTok: Int?           // set when performed inside a spawned literal
        var guarded: Bool            // in a select case header with alternatives
        var altText: String?
        var altTok: Int?
        var inLoop = false           // inside a loop of the owning function: the loop comes back
    }

    struct PendingFrame {
        var kind: FrameKind
        var label: String?
        var ifCondStart: Int = -1
        var ifStart: Int = -1
        var endless = false
        var rangeOver: String? = nil
        /// `k` of `for k := range …` / `for k, v := range …`.
        var rangeKey: String? = nil
        var loopAt: Int = 0
        var isFuncLit = false
        var spawnTok: Int? = nil
        var roleOverride: FunctionRole? = nil
        var deferred = false
    }

    /// The buffers a walker hands back to its parser when done, emptied with their capacity
    /// kept, for the next walker of the file (see `exchangeBuffers`).
    struct Spare {
        mutating func exchange(with w: inout BodyWalker) {
            swap(&frames, &w.frames)
            swap(&ctxs, &w.ctxs)
            swap(&lhs, &w.lhsScratch)
            swap(&rhs, &w.rhsScratch)
            swap(&pending, &w.pending)
            swap(&boundResults, &w.boundResults)
            swap(&calledIds, &w.calledIds)
            swap(&literalCalledIds, &w.literalCalledIds)
            swap(&loopCalls, &w.loopCalls)
            swap(&panicGuards, &w.panicGuards)
            swap(&opLoops, &w.opLoops)
            swap(&callLoops, &w.callLoops)
            swap(&spawnLoops, &w.spawnLoops)
            swap(&loopKeys, &w.loopKeys)
            swap(&finalLoops, &w.finalLoops)
        }

        var frames: [Frame] = []
        var ctxs: [Ctx] = []
        var lhs: [(Int, Int)] = []
        var rhs: [(Int, Int)] = []
        var pending: [(brace: Int, frame: PendingFrame)] = []
        var boundResults: [(call: Int, name: String, after: Int)] = []
        var calledIds: [Int32] = []
        var literalCalledIds: [Int32] = []
        var loopCalls: [(id: Int32, loops: LoopSpan)] = []
        var panicGuards: [(ctx: Int, start: Int, brace: Int)] = []
        var opLoops: [LoopSpan] = []
        var callLoops: [LoopSpan] = []
        var spawnLoops: [LoopSpan] = []
        var loopKeys: [Int] = []
        var finalLoops: [[LoopFact]?] = []
    }

    var frames: [Frame] = []
    var ctxs: [Ctx] = []
    /// Frames registered for a `{` the walk has not reached yet, as (brace token, frame); a few at most.
    var pending: [(brace: Int, frame: PendingFrame)] = []
    /// What became of the results of calls the rules want (keyed by the call's name token).
    var resultUse: [Int: ResultUse] = [:]
    /// Recorded calls whose result is bound to a local, as (index in `calls`, the local's
    /// spelling, first token after the call): `handedOn` is settled when the body is done.
    var boundResults: [(call: Int, name: String, after: Int)] = []
    var deferUntil = -1
    /// `classify`'s left and right lists, kept between statements so most statements allocate none.
    var lhsScratch: [(Int, Int)] = []
    var rhsScratch: [(Int, Int)] = []
    var pendingLabel: String? = nil
    /// Names the body calls, for the engine's run-once propagation, as identifier ids (each once,
    /// by the parser's call stamps). Calls made inside a function literal (which may run any number
    /// of times later) are kept apart and prefixed `lit:`; functions handed to `once.Do(f)` are
    /// recorded as `once:f` in `onceNames`.
    var calledIds: [Int32] = []
    var literalCalledIds: [Int32] = []
    /// Direct calls made inside a loop of the function, with the loops around them: those inside
    /// a loop that never ends run any number of times and are listed again as `loop:<name>`
    /// (so run-once propagation never takes the callee for code that only a `main` runs once).
    var loopCalls: [(id: Int32, loops: LoopSpan)] = []
    var onceNames: Set<String> = []
    /// `if` headers whose block panics directly, as (ctx id, header tokens): a duplicate-key
    /// guard before an insert (`if _, dup := m[k]; dup { panic(…) }`) makes it a registry.
    var panicGuards: [(ctx: Int, start: Int, brace: Int)] = []
    /// Enclosing loops of every recorded op / call / spawn of this body (in recording order), as
    /// spans of `loopKeys`; resolved to `inLoop` ("inside a loop that never ends") once every
    /// loop's exits are known.
    var opLoops: [LoopSpan] = []
    var callLoops: [LoopSpan] = []
    var spawnLoops: [LoopSpan] = []
    /// Loop keys (`ctxId << 20 | loop index`), the spans' storage.
    var loopKeys: [Int] = []
    /// Each finished context's loops, by context id (ids are handed out in order from 0).
    var finalLoops: [[LoopFact]?] = []
    var nextCtxId = 1

    init(parser: GoParser, functionName: String, owner: String?, receiver: String?, role: FunctionRole,
         params: [Param], localTypes: LocalTypes) {
        self.p = parser
        self.functionName = functionName
        self.owner = owner
        self.receiver = receiver
        self.role = role
        self.params = params
        self.localTypes = localTypes
        parser.walkerGeneration &+= 1
        if parser.walkerGeneration == 0 { parser.walkerGeneration = 1 }
        self.gen = parser.walkerGeneration
        self.receiverId = receiver.map { parser.intern($0) } ?? -1
        // Buffers of the previous walk, emptied with their capacity kept (most bodies are short:
        // growing fresh arrays from nothing, then freeing them, cost more than the walk's work).
        exchangeBuffers()
        opBase = ops.count; callBase = calls.count; spawnBase = spawns.count
        for prm in params where !prm.name.isEmpty { addLocal(name: prm.name) }
        if receiverId >= 0 { addLocal(receiverId) }
    }

    // MARK: Locals and called names (stamped in the parser's per-identifier tables)

    @inline(__always) mutating func isLocal(_ id: Int32) -> Bool { p.idInfo[Int(id)].local == gen }
    /// A (re)declared local holds no value made here until `noteLocalValue` says so.
    @inline(__always) mutating func addLocal(_ id: Int32) { p.idInfo[Int(id)].local = gen; p.idInfo[Int(id)].fresh = 0 }
    mutating func addLocal(name: String) { addLocal(p.intern(name)) }
    /// Marks the name of tokens [a, b) a local (one identifier token, or any other spelling).
    mutating func addLocal(_ a: Int, _ b: Int) {
        if b == a + 1 && p.isIdent(a) { addLocal(p.ident(a)) } else { addLocal(name: p.text(a, b)) }
    }
    /// Whether the rules want the result of the call named at token `c` (its `resultUse`).
    @inline(__always) mutating func callWanted(_ c: Int) -> Bool { p.wants(p.ident(c)) || p.identIs(c, "close") }
    /// The condition text of an `if` frame.
    mutating func condText(_ f: Frame) -> String? {
        f.kind == .ifBlock && f.ifCondStart >= 0 ? p.text(f.ifCondStart, f.ifBrace) : nil
    }

    // MARK: Walk

    /// Walks the body whose `{` is at `open`; returns the summary of the function's own loops.
    mutating func walk(open: Int) -> BodyFact {
        let end = Int(p.match[open])
        frames.append(Frame(kind: .funcLit, end: end))
        ctxs.append(Ctx(id: 0, frameBase: 0, role: role))
        var i = open + 1
        var atStmt = true
        while i < end {
            while frames.count > 1, i >= frames[frames.count - 1].end { popFrame() }
            let t = p.toks[i]
            if t.kind == .punct && t.code == 0x7B {  // {
                openFrame(at: i)
                atStmt = true
                i += 1
                continue
            }
            if t.kind == .punct && t.code == 0x7D {  // } of a frame already popped, or stray
                atStmt = true
                i += 1
                continue
            }
            if t.kind == .semicolon { atStmt = true; i += 1; continue }
            if t.kind == .punct && t.code == 0x3A && p.tokFlags[i] & 1 != 0 { atStmt = true; i += 1; continue }
            if atStmt {
                atStmt = false
                statementStart(i)
            }
            scanToken(i)
            i += 1
        }
        while frames.count > 1 { popFrame() }
        let root = ctxs.removeLast()
        finishHandoffs(root)
        setFinalLoops(root.id, root.loops)
        resolveLoops()
        for b in boundResults { calls[b.call].handedOn = handedOn(b.name, from: b.after, to: end) }
        var called = onceNames.sorted()
        called.reserveCapacity(onceNames.count + calledIds.count + literalCalledIds.count)
        for id in calledIds { called.append(p.name(id)) }
        for id in literalCalledIds { called.append("lit:" + p.name(id)) }
        var inEndlessLoop: Set<Int32> = []
        for c in loopCalls where !inEndlessLoop.contains(c.id) && endless(c.loops) {
            inEndlessLoop.insert(c.id)
            called.append("loop:" + p.name(c.id))
        }
        // `once:` names sorted, the rest in walk order: deterministic, and the call graph only
        // asks which names are called.
        returnBuffers()
        return BodyFact(loops: root.loops, calls: called)
    }

    /// Hands the file's fact lists back to the parser, and the reusable buffers, emptied, for
    /// the next walker.
    mutating func returnBuffers() {
        // Most lists of a short body stay empty or hold one entry (see `empty`).
        Self.empty(&frames)
        Self.empty(&ctxs)
        Self.empty(&lhsScratch)
        Self.empty(&rhsScratch)
        Self.empty(&pending)
        Self.empty(&boundResults)
        Self.empty(&calledIds)
        Self.empty(&literalCalledIds)
        Self.empty(&loopCalls)
        Self.empty(&panicGuards)
        Self.empty(&opLoops)
        Self.empty(&callLoops)
        Self.empty(&spawnLoops)
        Self.empty(&loopKeys)
        Self.empty(&finalLoops)
        exchangeBuffers()
    }

    /// Empties a list, keeping its capacity: nothing to do for an empty one, one removal for a
    /// single entry; only longer ones pay `removeAll`'s generic range removal.
    @inline(__always) static func empty<T>(_ a: inout [T]) {
        if a.isEmpty { return }
        if a.count == 1 { a.removeLast() } else { a.removeAll(keepingCapacity: true) }
    }

    /// Swaps this walker's lists with the parser's: at the start it takes the file's fact lists
    /// and the spare buffers (most bodies are short: growing fresh arrays from nothing, then
    /// freeing them, cost more than the walk's work), at the end it gives them back.
    private mutating func exchangeBuffers() {
        // One access to each of the parser's two stored properties (each access to a class's
        // property is checked for exclusivity at run time), the swaps inside it plain moves.
        p.facts.exchangeLists(&ops, &calls, &spawns, &handoffs)
        p.spare.exchange(with: &self)
    }

    var ctxRole: FunctionRole { ctxs.isEmpty ? role : ctxs[ctxs.count - 1].role }

    /// Inside an `if` whose condition is an atomic compare-and-swap: "start exactly once".
    var casGuarded: Bool {
        mutating get {
            for k in frames.indices where frames[k].kind == .ifBlock {
                if let c = condText(frames[k]), ByteText.contains(c, "CompareAndSwap") || ByteText.contains(c, "Cas(") || ByteText.contains(c, "CAS(") { return true }
            }
            return false
        }
    }

    /// Provisional: inside any loop of this function (refined by `resolveLoops`).
    var inLoop: Bool {
        var k = frames.count - 1
        while k > 0 { if frames[k].kind == .loop { return true }; k -= 1 }
        return false
    }

    /// The innermost loop frame around the current position, as one number (its context and
    /// its index there), or nil outside every loop.
    mutating func innermostLoopKey() -> Int? {
        var k = frames.count - 1
        while k > 0 {
            if frames[k].kind == .loop && frames[k].loop >= 0 { return frames[k].ctxId << 20 | frames[k].loop }
            k -= 1
        }
        return nil
    }

    /// Every loop frame enclosing the current position, across function literals, appended to
    /// `loopKeys`: the span of them.
    mutating func enclosingLoops() -> LoopSpan {
        let start = Int32(truncatingIfNeeded: loopKeys.count)
        for k in frames.indices where frames[k].kind == .loop && frames[k].loop >= 0 {
            loopKeys.append(frames[k].ctxId << 20 | frames[k].loop)
        }
        return LoopSpan(start: start, end: Int32(truncatingIfNeeded: loopKeys.count))
    }

    mutating func endless(_ span: LoopSpan) -> Bool {
        var k = Int(span.start)
        while k < Int(span.end) {
            let c = loopKeys[k] >> 20, l = loopKeys[k] & 0xFFFFF
            k += 1
            guard c < finalLoops.count, let loops = finalLoops[c], l < loops.count else { continue }
            let lf = loops[l]
            if lf.endless && !lf.exits { return true }
        }
        return false
    }

    mutating func setFinalLoops(_ id: Int, _ loops: [LoopFact]) {
        while finalLoops.count <= id { finalLoops.append(nil) }
        finalLoops[id] = loops
    }

    mutating func recordOp(_ o: ContainerOp) {
        ops.append(o)
        let span = enclosingLoops()
        opLoops.append(span)
    }

    mutating func recordCall(_ c: CallFact) {
        calls.append(c)
        let span = enclosingLoops()
        callLoops.append(span)
    }

    /// Resolves `inLoop` on every recorded fact now that all loops are final.
    mutating func resolveLoops() {
        for k in opLoops.indices { ops[opBase + k].inLoop = endless(opLoops[k]) }
        for k in callLoops.indices { calls[callBase + k].inLoop = endless(callLoops[k]) }
        for k in spawnLoops.indices where endless(spawnLoops[k]) { spawns[spawnBase + k].inLoop = true }
    }

    mutating func openFrame(at i: Int) {
        let end = Int(p.match[i])
        var found = -1
        if !pending.isEmpty {
            // Frames for braces the walk has passed never open: drop them.
            pending.removeAll { $0.brace < i }
            found = pendingIndex(i)
        }
        guard found >= 0 else {
            frames.append(Frame(kind: .block, end: end))
            return
        }
        let pf = pending.remove(at: found).frame
        var f = Frame(kind: pf.kind, end: end, label: pf.label)
        if pf.kind == .ifBlock { f.ifStart = pf.ifStart; f.ifBrace = i; f.ifCondStart = pf.ifCondStart }
        switch pf.kind {
        case .loop:
            ctxs[ctxs.count - 1].loops.append(LoopFact(at: p.ref(pf.loopAt), endless: pf.endless, exits: false,
                                                      signals: [], rangeOver: pf.rangeOver))
            f.loop = ctxs[ctxs.count - 1].loops.count - 1
            f.ctxId = ctxs[ctxs.count - 1].id
            f.rangeOver = pf.rangeOver
            f.rangeKey = pf.rangeKey
        case .select, .switchStmt:
            // Count clauses at this frame's depth and remember their headers.
            var j = i + 1
            while j < end {
                if p.isK(j, .case) || p.isK(j, .default) {
                    var k = j + 1
                    while k < end && !p.isP(k, 0x3A) { k = p.skip(k) }
                    f.clauses += 1
                    f.clauseHeads.append((j, k))
                    if k < p.toks.count { p.tokFlags[k] |= 1 }
                    j = k + 1
                    continue
                }
                j = p.skip(j)
            }
        case .funcLit:
            let parentRole = ctxRole
            var role: FunctionRole = .normal
            if let r = pf.roleOverride { role = r }
            else if parentRole == .initializer && !inLoop && pf.spawnTok == nil { role = .normal }
            var c = Ctx(id: nextCtxId, frameBase: frames.count, role: role)
            nextCtxId += 1
            c.spawnTok = pf.spawnTok
            c.spawnInLoop = inLoop
            c.deferred = pf.deferred
            if pf.spawnTok != nil { c.role = casGuarded ? .once : parentRole }
            frames.append(f)
            ctxs.append(c)
            return
        default: break
        }
        frames.append(f)
    }

    mutating func popFrame() {
        let f = frames.removeLast()
        if f.kind == .funcLit, let c = ctxs.last, c.frameBase == frames.count, ctxs.count > 1 {
            let done = ctxs.removeLast()
            finishHandoffs(done)
            setFinalLoops(done.id, done.loops)
            if let g = done.spawnTok {
                // go func(…) { … }(args)
                var args: [String] = []
                let after = f.end + 1
                if p.isP(after, 0x28) { args = splitArgs(after) }
                spawns.append(SpawnFact(kind: "go", at: p.ref(g, g + 2), function: functionName, role: ctxRole,
                                        callee: nil, body: BodyFact(loops: done.loops), handle: .discarded,
                                        args: args, inLoop: false))
                let span = enclosingLoops()
                spawnLoops.append(span)
            }
        }
    }

    // MARK: Per-token scanning

    mutating func scanToken(_ i: Int) {
        let t = p.toks[i]
        switch t.kind {
        case .keyword:
            switch GoKeyword(rawValue: t.code) {
            case .for: registerFor(i)
            case .if: registerIf(i)
            case .switch: registerBlock(i, kind: .switchStmt)
            case .select: registerBlock(i, kind: .select)
            case .func: registerFuncLit(i, spawnTok: nil)
            case .return: markReturn(i)
            case .break: markBreak(i)
            case .goto: markAllOpenLoopsExit()
            case .case: caseSignals(i)
            default: break
            }
        case .ident:
            if p.isP(i + 1, 0x28) { call(i) }
        case .punct:
            if t.code == GoPunct.arrow { chanArrow(i) }
        default: break
        }
    }

    /// The `{` that opens the block of a statement header starting at `from`.
    mutating func headerBrace(_ from: Int) -> Int? {
        var j = from
        let limit = (frames.isEmpty ? p.toks.count : frames[frames.count - 1].end)
        while j < limit {
            if p.isSemi(j) && p.toks[j].automatic { return nil }
            if p.isP(j, 0x7B) {
                if isCompositeLiteralBrace(j) { j = p.skip(j); continue }
                return j
            }
            if p.isK(j, .func) {
                // A func literal in a header: skip its signature and body.
                var k = p.skip(j + 1)
                while k < limit && !p.isP(k, 0x7B) && !p.isSemi(k) { k = p.skip(k) }
                j = p.isP(k, 0x7B) ? p.skip(k) : k
                continue
            }
            j = p.skip(j)
        }
        return nil
    }

    /// `[]int{`, `map[K]V{`, `struct{…}{`, `pkg.T{` after a `[…]` type: a composite literal.
    mutating func isCompositeLiteralBrace(_ j: Int) -> Bool {
        var k = j - 1
        while k >= 0 {
            if p.isIdent(k) || p.isP(k, 0x2E) || p.isP(k, 0x2A) { k -= 1; continue }
            if p.isP(k, 0x5D) {
                guard k == j - 1 else { return true }          // ]T{
                // `range m[k] {`, `if x == a[i] {`: an index expression before the block. (A
                // `T[int]{…}` literal would need parentheses in a header.) But `[]Pair[int]{` and
                // `map[K]Pair[int]{` are literals of a generic element type.
                var q = Int(p.match[k]) - 1
                guard q >= 0, p.isIdent(q) else { return !(q >= 0 && (p.isP(q, 0x29) || p.isP(q, 0x5D))) }
                while q >= 0 && (p.isIdent(q) || p.isP(q, 0x2E)) { q -= 1 }
                return q >= 0 && p.isP(q, 0x5D)
            }
            if p.isP(k, 0x7D) {                                // struct{…}{
                let o = Int(p.match[k])
                return o > 0 && (p.isK(o - 1, .struct) || p.isK(o - 1, .interface))
            }
            if p.isK(k, .map) || p.isK(k, .struct) { return true }
            return false
        }
        return false
    }

    mutating func registerFor(_ i: Int) {
        guard let brace = headerBrace(i + 1) else { return }
        var endless = false
        var rangeOver: String? = nil
        var rangeKey: String? = nil
        var semis: [Int] = []
        var rangeTok: Int? = nil
        var j = i + 1
        while j < brace {
            if p.isSemi(j) { semis.append(j) }
            if p.isK(j, .range) && rangeTok == nil { rangeTok = j }
            j = p.skip(j)
        }
        if brace == i + 1 {
            endless = true
        } else if let r = rangeTok {
            rangeOver = p.text(r + 1, brace)
            if r > i + 2, p.isIdent(i + 1), p.isP(i + 2, 0x2C) || p.isP(i + 2, GoPunct.define) || p.isP(i + 2, 0x3D) {
                let k = p.text(i + 1)
                if k != "_" { rangeKey = k }
            }
            // Locals introduced by the range clause.
            var k = i + 1
            while k < r { if p.isIdent(k) { addLocal(p.ident(k)) }; k += 1 }
        } else if semis.count >= 2 {
            let cond = p.text(semis[0] + 1, semis[1])
            endless = cond.isEmpty || cond == "true"
            // Init clause locals.
            var k = i + 1
            while k < semis[0] { if p.isIdent(k) && p.isP(k + 1, GoPunct.define) || (p.isIdent(k) && p.isP(k + 1, 0x2C)) { addLocal(p.ident(k)) }; k += 1 }
        } else {
            endless = p.text(i + 1, brace) == "true"
        }
        setPending(brace, PendingFrame(kind: .loop, label: takeLabel(), endless: endless,
                                       rangeOver: rangeOver, rangeKey: rangeKey, loopAt: i))
    }

    mutating func registerIf(_ i: Int) {
        guard let brace = headerBrace(i + 1) else { return }
        // An init statement: `if v, ok := m[k]; !ok {` — classify it like a statement.
        var j = i + 1
        var semi: Int? = nil
        while j < brace { if p.isSemi(j) { semi = j; break }; j = p.skip(j) }
        if let s = semi { classify(i + 1, s) }
        setPending(brace, PendingFrame(kind: .ifBlock, label: nil, ifCondStart: (semi ?? i) + 1, ifStart: i + 1))
        // `if len(x) >= max { return }`: what follows in this block may run below a cap.
        if exitsAtOnce(brace), !frames.isEmpty {
            frames[frames.count - 1].earlyExits.append(((semi ?? i) + 1, brace))
        }
    }

    /// Whether the block at `brace` only leaves: `{ return … }`, `{ continue }`, `{ break }`.
    mutating func exitsAtOnce(_ brace: Int) -> Bool {
        let close = Int(p.match[brace])
        guard close > brace + 1, p.isK(brace + 1, .return) || p.isK(brace + 1, .continue) || p.isK(brace + 1, .break)
        else { return false }
        var j = brace + 1
        while j < close && !p.isSemi(j) { j = p.skip(j) }
        return j == close || (p.isSemi(j) && j + 1 == close)
    }

    mutating func registerBlock(_ i: Int, kind: FrameKind) {
        guard let brace = headerBrace(i + 1) else { return }
        if kind == .switchStmt {
            var j = i + 1
            var semi: Int? = nil
            while j < brace { if p.isSemi(j) { semi = j; break }; j = p.skip(j) }
            if let s = semi { classify(i + 1, s) }
            // `switch x := y.(type)` introduces x.
            var k = i + 1
            while k < brace { if p.isIdent(k) && p.isP(k + 1, GoPunct.define) { addLocal(p.ident(k)) }; k += 1 }
        }
        setPending(brace, PendingFrame(kind: kind, label: takeLabel()))
    }

    mutating func pendingIndex(_ brace: Int) -> Int {
        var k = pending.count - 1
        while k >= 0 { if pending[k].brace == brace { return k }; k -= 1 }
        return -1
    }

    mutating func setPending(_ brace: Int, _ f: PendingFrame) {
        let k = pendingIndex(brace)
        if k >= 0 { pending[k].frame = f } else { pending.append((brace, f)) }
    }

    mutating func takeLabel() -> String? {
        let l = pendingLabel
        pendingLabel = nil
        return l
    }

    /// `func(params) results {` inside a body.
    mutating func registerFuncLit(_ i: Int, spawnTok: Int?) {
        guard p.isP(i + 1, 0x28) else { return }
        var ps: [Param] = []
        var lt = LocalTypes()
        p.parseParams(open: i + 1, into: &ps, types: &lt)
        var k = p.skip(i + 1)
        let limit = (frames.isEmpty ? p.toks.count : frames[frames.count - 1].end)
        while k < limit && !p.isP(k, 0x7B) && !p.isSemi(k) && !p.isP(k, 0x2C) && !p.isClose(k) && !p.isP(k, 0x3D) {
            k = p.skip(k)
        }
        guard p.isP(k, 0x7B) else { return }
        for prm in ps where !prm.name.isEmpty { addLocal(name: prm.name) }
        for (n, t) in lt { localTypes.set(n, t) }
        if pendingIndex(k) >= 0 { return }  // already registered (go func …)
        var pf = PendingFrame(kind: .funcLit, label: nil)
        pf.isFuncLit = true
        pf.spawnTok = spawnTok
        pf.deferred = deferUntil > i
        // A functional option: `return func(s *Server) { s.before = append(s.before, f) }` (or
        // wrapped, `return optionFunc(func(o *options) { … })`). It runs when a constructor
        // applies its options to the value it builds: growth there is construction.
        var back = i - 1
        var wraps = 0
        while wraps < 3 && back >= 2 && p.isP(back, 0x28) && p.isIdent(back - 1) {
            back -= 2
            while back >= 2 && p.isP(back, 0x2E) && p.isIdent(back - 1) { back -= 2 }  // pkg.Option(
            wraps += 1
        }
        let returned = back >= 0 && p.isK(back, .return)
        if returned, ps.count == 1, let t = ps.first?.type, t.utf8.first == UInt8(ascii: "*"), t.utf8.count > 1 {
            pf.roleOverride = .constructor
        }
        // once.Do(func() { … }) / sync.OnceFunc(func() { … }): runs once.
        if i >= 2 && p.isP(i - 1, 0x28) && p.isIdent(i - 2) {
            let callee = p.text(i - 2)
            if callee == "Do" || callee == "OnceFunc" || callee == "OnceValue" || callee == "OnceValues" {
                pf.roleOverride = .once
            }
        }
        setPending(k, pf)
    }

    // MARK: Statements

    mutating func statementStart(_ i: Int) {
        let t = p.toks[i]
        if t.kind == .keyword {
            switch GoKeyword(rawValue: t.code) {
            case .go:
                spawnStatement(i)
                return
            case .defer:
                deferUntil = statementEnd(i)
                return
            case .var:
                // Local var declarations: `var x T` / `var x = …` / grouped.
                var j = i + 1
                if p.isP(j, 0x28) {
                    let e = Int(p.match[j])
                    j += 1
                    var atSpec = true
                    while j < e { if atSpec && p.isIdent(j) { declareLocalVarSpec(j) }; atSpec = p.isSemi(j); j = p.skip(j) }
                } else {
                    declareLocalVarSpec(j)
                }
                return
            default:
                return
            }
        }
        // Label: `outer:` (an identifier followed by a single colon).
        if t.kind == .ident && p.isP(i + 1, 0x3A) {
            pendingLabel = p.text(i)
            return
        }
        classify(i, statementEnd(i))
    }

    mutating func declareLocalVarSpec(_ j: Int) {
        var k = j
        var names: [Int] = []
        while p.isIdent(k) { names.append(k); if p.isP(k + 1, 0x2C) { k += 2 } else { k += 1; break } }
        for n in names { addLocal(p.ident(n)) }
        // `var ch = make(chan T)` / `var x T`
        let e = statementEnd(j)
        if names.count == 1 {
            if p.isP(k, 0x3D) { noteLocalValue((names[0], names[0] + 1), k + 1, e) }
            else if let tn = GoParser.simpleTypeName(p.text(k, e)) { localTypes.set(p.text(names[0]), tn) }
        }
    }

    /// The index of the semicolon (or block end) that ends the statement starting at `i`.
    mutating func statementEnd(_ i: Int) -> Int {
        var j = i
        let limit = (frames.isEmpty ? p.toks.count : frames[frames.count - 1].end)
        while j < limit {
            if p.isSemi(j) || p.isClose(j) { return j }
            if p.isP(j, 0x3A) && p.tokFlags[j] & 1 != 0 { return j }
            j = p.skip(j)
        }
        return limit
    }

    /// Splits tokens [a, b) at top-level commas.
    mutating func splitList(_ a: Int, _ b: Int) -> [(Int, Int)] {
        var out: [(Int, Int)] = []
        splitList(a, b, into: &out)
        return out
    }

    /// `splitList` into `out` (emptied first, its capacity kept).
    mutating func splitList(_ a: Int, _ b: Int, into out: inout [(Int, Int)]) {
        out.removeAll(keepingCapacity: true)
        var s = a
        var j = a
        while j < b {
            if p.isP(j, 0x2C) { out.append((s, j)); s = j + 1 }
            j = p.skip(j)
        }
        if s < b { out.append((s, b)) }
    }

    mutating func splitArgs(_ open: Int) -> [String] {
        let close = Int(p.match[open])
        return splitList(open + 1, close).prefix(8).map { p.text($0.0, $0.1, limit: 120) }
    }

    /// Classifies a simple statement [s, e): assignments, op-assignments, inc/dec, sends.
    mutating func classify(_ s: Int, _ e: Int) {
        var j = s
        var opTok: Int? = nil
        while j < e {
            let t = p.toks[j]
            if t.kind == .punct {
                let c = t.code
                if GoPunct.isAssignLike(c) {
                    opTok = j
                    break
                }
            }
            if p.isK(j, .func) { break }
            j = p.skip(j)
        }
        guard let op = opTok else {
            // Expression statement: a call's result is dropped.
            if let c = trailingCall(s, e), callWanted(c) { resultUse[c] = .discarded }
            return
        }
        let code = p.toks[op].code
        if code == GoPunct.arrow {
            // Send statement `ch <- v` (the arrow follows an expression).
            if op > s { recordChanOp(name: p.text(s, op), tok: op, send: true) }
            return
        }
        // The lists live in the scratch buffers, taken out while this statement is read (the calls
        // below may mutate the walker) and put back, capacity and all, when it is done.
        var lhs: [(Int, Int)] = [], rhs: [(Int, Int)] = []
        swap(&lhs, &lhsScratch)
        swap(&rhs, &rhsScratch)
        defer {
            swap(&lhs, &lhsScratch)
            swap(&rhs, &rhsScratch)
        }
        splitList(s, op, into: &lhs)
        if code == GoPunct.inc || code == GoPunct.dec {
            if let (a, b) = lhs.first, let idx = indexBase(a, b) { indexSet(a, idx, b, value: nil) }
            return
        }
        splitList(op + 1, e, into: &rhs)
        if code == GoPunct.define {
            for (a, b) in lhs where !(b == a + 1 && p.identIs(a, "_")) { addLocal(a, b) }
            if rhs.count == 1, let (a, b) = rhs.first {
                if let c = trailingCall(a, b), callWanted(c) { resultUse[c] = .bound(lhs.map { p.text($0.0, $0.1) }) }
                if lhs.count == 1 { noteLocalValue(lhs[0], a, b) }
            } else if rhs.count == lhs.count {
                for (k, (a, b)) in rhs.enumerated() {
                    if let c = trailingCall(a, b), callWanted(c) { resultUse[c] = .bound([p.text(lhs[k].0, lhs[k].1)]) }
                    noteLocalValue(lhs[k], a, b)
                }
            }
            return
        }
        if code == 0x3D {
            for (k, (a, b)) in lhs.enumerated() {
                let r: (Int, Int)? = rhs.count == lhs.count ? rhs[k] : (rhs.count == 1 ? rhs[0] : nil)
                assign(a, b, r)
            }
            if rhs.count == 1, lhs.count > 1, let (a, b) = rhs.first, let c = trailingCall(a, b), callWanted(c) {
                resultUse[c] = .bound(lhs.map { p.text($0.0, $0.1) })
            }
            return
        }
        // op= : `m[k] += v` grows an entry; `s += x` grows a string/sequence.
        if let (a, b) = lhs.first {
            if let idx = indexBase(a, b) {
                indexSet(a, idx, b, value: rhs.first.map { p.text($0.0, $0.1, limit: 80) })
            } else if code == GoPunct.addAssign, let (sym, res, via) = resolve(a, b) {
                addOp(sym, res, via, OpName.plusAssign, at: p.ref(a, b))
            }
        }
    }

    /// When [a, b) is `E[…]`, the index of the `[`.
    mutating func indexBase(_ a: Int, _ b: Int) -> Int? {
        guard b - 1 > a, p.isP(b - 1, 0x5D) else { return nil }
        let open = Int(p.match[b - 1])
        guard open > a, p.isP(open, 0x5B) else { return nil }
        // Not a slice expression `x[a:b]` on the left (impossible) — and the base must be an expression.
        return open
    }

    /// Whether an earlier `if` of this function panics when `base[key]` is already present:
    /// `if _, ok := base[key]; ok {`, `if base[key] != nil {` (not `!ok`, not `== nil`).
    mutating func panicsOnDuplicate(base: String, key: String) -> Bool {
        guard !panicGuards.isEmpty else { return false }
        let ctx = ctxs[ctxs.count - 1].id
        let lookup = base + "[" + key + "]"
        for g in panicGuards where g.ctx == ctx {
            var cond = g.start
            var j = g.start
            while j < g.brace { if p.isSemi(j) { cond = j + 1 }; j = p.skip(j) }
            guard ByteText.contains(p.text(g.start, g.brace, limit: 400), lookup) else { continue }
            if p.isP(cond, 0x21) { continue }  // `!ok`: panics when absent
            if ByteText.contains(p.text(cond, g.brace, limit: 400), "== nil") { continue }
            return true
        }
        return false
    }

    /// Whether `base[key] = …` here writes an entry that exists: inside `for key := range base`,
    /// or inside a loop over `base[key]` itself or over a local read from it
    /// (`c := m[k]; for i := range c { … m[k] = remove(c, i) … }`).
    mutating func rewritesEntry(base: String, key: String) -> Bool {
        guard let ctx = ctxs.last, frames.count > ctx.frameBase else { return false }
        let entry = base + "[" + key + "]"
        for f in frames[ctx.frameBase...] where f.kind == .loop {
            guard let over = f.rangeOver else { continue }
            if over == base && f.rangeKey == key { return true }
            if over == entry || indexAliases[over] == entry { return true }
        }
        return false
    }

    mutating func indexSet(_ a: Int, _ open: Int, _ b: Int, value: String?) {
        guard let (sym, res, via) = resolve(a, open) else { return }
        let close = Int(p.match[open])
        let keyText = p.text(open + 1, close, limit: 120)
        var keyType: String? = nil
        if close == open + 2, p.isIdent(open + 1) {
            let k = p.text(open + 1)
            keyType = params.first(where: { $0.name == k })?.type ?? localTypes[k]
        } else if p.identIs(open + 1, "reflect") {
            keyType = "reflect.Type"
        }
        let base = p.text(a, open)
        var o = ContainerOp(target: sym, resolution: res, op: rewritesEntry(base: base, key: keyText) ? OpName.indexUpdate : OpName.indexSet,
                            keyText: keyText, keyType: keyType,
                            valueText: value, at: p.ref(a, close + 1), function: functionName, role: ctxRole,
                            via: via, inLoop: inLoop)
        o.guardedByEmptyCheck = false
        o.duplicatePanics = panicsOnDuplicate(base: base, key: keyText)
        o.sizeCapped = sizeCapped(base)
        recordOp(o)
    }

    /// `lhs = rhs` for one pair.
    mutating func assign(_ a: Int, _ b: Int, _ r: (Int, Int)?) {
        if let idx = indexBase(a, b) {
            indexSet(a, idx, b, value: r.map { p.text($0.0, $0.1, limit: 80) })
            return
        }
        guard let (sym, res, via) = resolve(a, b) else {
            // A local: note `x = make(chan T)` etc.
            if let (ra, rb) = r, b == a + 1, p.isIdent(a) { noteLocalValue((a, b), ra, rb) }
            return
        }
        guard let (ra, rb) = r else { return }
        if let c = trailingCall(ra, rb), c == ra || (p.isP(c - 1, 0x2E)), callWanted(c) {
            resultUse[c] = .stored(sym)
        }
        let lhsText = p.text(a, b)
        var op = OpName.assignOther
        if p.identIs(ra, "append") && p.isP(ra + 1, 0x28) {
            let args = splitList(ra + 2, Int(p.match[ra + 1]))
            if let (fa, fb) = args.first {
                let first = p.text(fa, fb)
                if first == lhsText { op = OpName.append }
                else if first == lhsText + "[:0]" || first == lhsText + "[0:0]" { op = OpName.appendReset }
                else if first == "nil" || first.hasPrefix("[]") { op = OpName.assignFresh }
            }
        } else if p.identIs(ra, "make") || p.identIs(ra, "nil") || p.isK(ra, .map) || p.identIs(ra, "new")
                    || (p.isP(ra, 0x5B) && p.isP(ra + 1, 0x5D)) || p.isK(ra, .struct) {
            op = OpName.assignFresh
        } else if p.isP(rb - 1, 0x5D), let open = Optional(Int(p.match[rb - 1])), open > ra,
                  p.text(ra, open) == lhsText {
            // x = x[i:] / x[:n] / x[a:b]
            let close = rb - 1
            var colon: Int? = nil
            var k = open + 1
            while k < close { if p.isP(k, 0x3A) { colon = k; break }; k = p.skip(k) }
            if let c = colon {
                op = c == open + 1 ? OpName.resliceBack : OpName.resliceFront
            }
        } else if p.toks[ra].kind == .ident && p.isP(ra + 1, 0x7B) || (p.isP(ra, 0x26) && p.isIdent(ra + 1)) {
            op = OpName.assignFresh  // T{} / &T{}
        }
        var guarded = false
        var emptyChecks: (String, String)? = nil
        for k in frames.indices.reversed() where frames[k].kind == .ifBlock {
            guard let c = condText(frames[k]) else { continue }
            if emptyChecks == nil { emptyChecks = (lhsText + " == nil", "len(" + lhsText + ") == 0") }
            if let (isNil, isEmpty) = emptyChecks, ByteText.contains(c, isNil) || ByteText.contains(c, isEmpty) { guarded = true; break }
        }
        var o = ContainerOp(target: sym, resolution: res, op: op, valueText: p.text(ra, rb, limit: 80),
                            at: p.ref(a, rb), function: functionName, role: ctxRole, via: via, inLoop: inLoop)
        o.guardedByEmptyCheck = guarded
        if op == OpName.append { o.sizeCapped = sizeCapped(lhsText) }
        recordOp(o)
    }

    /// Whether a condition caps `base`'s length here: an enclosing `if len(base) < n {` (see
    /// `SizeCap.caps`), or an earlier `if len(base) >= n { return }` of an enclosing block.
    mutating func sizeCapped(_ base: String) -> Bool {
        let measure = "len(" + base + ")"
        var k = frames.count - 1
        while k >= 0 {
            for (a, b) in frames[k].earlyExits where SizeCap.caps(p.text(a, b), measure, atCap: true) { return true }
            if k > 0, frames[k].kind == .ifBlock, let c = condText(frames[k]),
               SizeCap.caps(c, measure, atCap: false) { return true }
            k -= 1
        }
        return false
    }

    /// What a local is bound to: its type for field resolution, or an unbuffered channel.
    mutating func noteLocalValue(_ lhs: (Int, Int), _ a: Int, _ b: Int) {
        let nameTok = lhs.0
        // `c := m[k]`: a loop over `c` runs only when the entry exists.
        if lhs.1 == lhs.0 + 1, b > a + 2, p.isP(b - 1, 0x5D), p.isIdent(a) {
            let open = Int(p.match[b - 1])
            if open > a && open < b - 1 { indexAliases[p.text(lhs.0)] = p.text(a, b) }
        }
        if p.identIs(a, "make") && p.isP(a + 1, 0x28) && p.isK(a + 2, .chan) {
            let close = Int(p.match[a + 1])
            let args = splitList(a + 2, close)
            var cap: String? = nil
            if args.count >= 2 { cap = p.text(args[1].0, args[1].1) }
            if cap == "0" { cap = nil }
            // The whole `ch := make(chan T)`: the fix edits the make call's closing parenthesis.
            ctxs[ctxs.count - 1].chans[p.text(lhs.0, lhs.1)] = (p.ref(nameTok, close + 1), cap)
            return
        }
        var j = a
        if p.isP(j, 0x26) { j += 1 }
        // `x := &T{…}` / `x = new(T)`: growth through `x.f` fills the new value, not a long-lived one.
        if lhs.1 == lhs.0 + 1 && p.isIdent(lhs.0) {
            let fresh = (p.isIdent(j) && p.isP(j + 1, 0x7B) && Int(p.match[j + 1]) + 1 == b)
                || (p.identIs(a, "new") && p.isP(a + 1, 0x28) && Int(p.match[a + 1]) + 1 == b)
            p.idInfo[Int(p.ident(lhs.0))].fresh = fresh ? gen : 0
        }
        if p.isIdent(j) && (p.isP(j + 1, 0x7B) || p.isP(j + 1, 0x28)) {
            let head = p.name(p.ident(j))
            if p.isP(j + 1, 0x7B) { localTypes.set(p.text(lhs.0, lhs.1), head) }
            else if head.hasPrefix("New") && head.utf8.count > 3 { localTypes.set(p.text(lhs.0, lhs.1), String(head.dropFirst(3))) }
        }
    }

    /// The ident of the call a range [a, b) consists of (`x.f(…)` / `f(…)`), if it is one call.
    mutating func trailingCall(_ a: Int, _ b: Int) -> Int? {
        guard b - 1 >= a, p.isP(b - 1, 0x29) else { return nil }
        let open = Int(p.match[b - 1])
        guard open - 1 >= a, p.isIdent(open - 1) else { return nil }
        // Everything before must be a selector chain.
        var k = open - 2
        while k >= a {
            if p.isP(k, 0x2E) && p.isIdent(k - 1) { k -= 2; continue }
            return nil
        }
        return open - 1
    }

    // MARK: Resolution

    /// Resolves a target expression [a, b) to a symbol. Nil for locals and other packages.
    mutating func resolve(_ a: Int, _ b: Int) -> (SymbolRef, TargetResolution, String?)? {
        // Collect a selector chain ident(.ident)*; anything else → unknown owner of the last name.
        var firstTok = -1, lastTok = -1, count = 0
        var j = a
        var simple = true
        while j < b {
            if p.isIdent(j) {
                if firstTok < 0 { firstTok = j }
                lastTok = j; count += 1; j += 1
                if j < b { if p.isP(j, 0x2E) { j += 1 } else { simple = false; break } }
            }
            else if p.isP(j, 0x2A) || p.isP(j, 0x28) { j += 1 }  // (*x).f, *p
            else { simple = false; break }
        }
        if !simple {
            // e.g. m[k].list, f().x: take the last selector name.
            guard p.isIdent(b - 1), p.isP(b - 2, 0x2E) else { return nil }
            return (SymbolRef(owner: nil, name: p.name(p.ident(b - 1))), .fieldOfUnknownOwner, nil)
        }
        guard firstTok >= 0 else { return nil }
        let first = p.ident(firstTok)
        if count == 1 {
            if isLocal(first) || p.identIs(firstTok, "_") { return nil }
            if p.isImport(first) { return nil }
            return (SymbolRef(owner: nil, name: p.name(first)), .global, nil)
        }
        let last = p.name(p.ident(lastTok))
        if p.isImport(first) { return nil }
        if count == 2 {
            if first == receiverId, let o = owner { return (SymbolRef(owner: o, name: last), .field, nil) }
            if isLocal(first) && p.idInfo[Int(first)].fresh == gen { return nil }  // filling a value made here
            if let t = localTypes[p.name(first)], !t.hasPrefix("pkg:") { return (SymbolRef(owner: t, name: last), .field, nil) }
            if isLocal(first) { return (SymbolRef(owner: nil, name: last), .fieldOfUnknownOwner, nil) }
            return (SymbolRef(owner: nil, name: last), .fieldOfUnknownOwner, p.name(first))
        }
        return (SymbolRef(owner: nil, name: last), .fieldOfUnknownOwner, nil)
    }

    mutating func addOp(_ sym: SymbolRef, _ res: TargetResolution, _ via: String?, _ op: String, at: SourceRef,
                        key: String? = nil) {
        recordOp(ContainerOp(target: sym, resolution: res, op: op, keyText: key, at: at, function: functionName,
                               role: ctxRole, via: via, inLoop: inLoop))
    }

    // MARK: Calls

    static let exitCalls = WordSet(["panic", "Exit", "Fatal", "Fatalf", "Fatalln", "Goexit", "Panic", "Panicf", "Panicln"])

    mutating func call(_ i: Int) {
        let nameId = p.ident(i)
        let open = i + 1
        let close = Int(p.match[open])
        // Is this a method call `recv.name(`? Find the selector chain before it.
        var chainStart = i
        while chainStart >= 2 && p.isP(chainStart - 1, 0x2E) && p.isIdent(chainStart - 2) { chainStart -= 2 }
        let complexPrefix = chainStart >= 1 && p.isP(chainStart - 1, 0x2E)
        let hasReceiver = chainStart < i
        if p.isK(i - 1, .func) { return }  // a method name in a declaration
        let first = p.buf[Int(p.toks[i].start)]  // the name's first byte
        // Record the callee for run-once propagation (not calls into other packages).
        if !hasReceiver || complexPrefix || !p.isImport(p.ident(chainStart)) {
            // A call in a function literal counts as a call of its function only when the
            // literal runs once: a `once.Do` body, or a goroutine `main` or an initialiser starts
            // once (`go func() { load(); refresh() }()`, not in a loop).
            // (The innermost context's fields are read in place: a copy of it retains its tables.)
            let t = ctxs.count - 1
            let topRole = ctxs[t].role
            let inLiteral = ctxs.count > 1 && topRole != .once
                && !(ctxs[t].spawnTok != nil && !ctxs[t].spawnInLoop && (topRole == .main || topRole == .initializer))
            let id = Int(nameId)
            if inLiteral {
                if p.idInfo[id].literalCall != gen { p.idInfo[id].literalCall = gen; literalCalledIds.append(nameId) }
            } else if p.idInfo[id].call != gen {
                p.idInfo[id].call = gen; calledIds.append(nameId)
            }
            // Only an unexported function of the package can be taken as run-once: list each
            // such callee once per innermost loop.
            if !inLiteral, (first >= 97 && first <= 122) || first == 95, let key = innermostLoopKey(), p.idInfo[id].loopCallGen != gen || p.idInfo[id].loopCallKey != key {
                p.idInfo[id].loopCallGen = gen
                p.idInfo[id].loopCallKey = key
                let span = enclosingLoops()
                loopCalls.append((nameId, span))
            }
            if p.identIs(i, "Do") || p.identIs(i, "OnceFunc") {
                let args = splitList(open + 1, close)
                if args.count == 1, args[0].1 == args[0].0 + 1 || (args[0].1 == args[0].0 + 3 && p.isP(args[0].0 + 1, 0x2E)) {
                    onceNames.insert("once:" + p.text(args[0].1 - 1))
                }
            }
        }
        // Exit calls end every open loop of this function (panic, Exit, Fatal*, Goexit, Panic*).
        if (first == 0x70 || first == 0x45 || first == 0x46 || first == 0x47 || first == 0x50) && BodyWalker.exitCalls.contains(p.name(nameId)) {
            let name = p.name(nameId)
            let recv = hasReceiver ? p.text(chainStart, i - 1) : ""
            if (name == "panic" && !hasReceiver) || (name == "Exit" && recv == "os") || recv == "log"
                || (name == "Goexit" && recv == "runtime") || name.hasPrefix("Fatal") {
                markAllOpenLoopsExit()
                if name == "panic" || recv == "log", let f = frames.last, f.kind == .ifBlock, f.ifStart >= 0 {
                    panicGuards.append((ctxs[ctxs.count - 1].id, f.ifStart, f.ifBrace))
                }
            }
        }
        // Builtins delete / clear on a container.
        if !hasReceiver && (p.identIs(i, "delete") || p.identIs(i, "clear")) && !complexPrefix {
            let name = p.name(nameId)
            let args = splitList(open + 1, close)
            if let (a, b) = args.first, let (sym, res, via) = resolve(a, b) {
                let key = args.count > 1 ? p.text(args[1].0, args[1].1, limit: 120) : nil
                addOp(sym, res, via, name == "delete" ? OpName.delete : OpName.clear, at: p.ref(i, close + 1), key: key)
            }
        }
        let interesting = p.wants(nameId)
        let wanted = interesting || (!hasReceiver && p.identIs(i, "close"))
        let name = p.name(nameId)
        // Method calls on containers (sync.Map.Store …) for names the rules care about.
        if hasReceiver && interesting {
            let recvEnd = i - 1
            let target: (SymbolRef, TargetResolution, String?)?
            if complexPrefix {
                target = p.isIdent(recvEnd - 1) ? (SymbolRef(owner: nil, name: p.text(recvEnd - 1)), .fieldOfUnknownOwner, nil) : nil
            } else {
                target = resolve(chainStart, recvEnd)
            }
            if let (sym, res, via) = target {
                let args = splitList(open + 1, close)
                let key = args.first.map { p.text($0.0, $0.1, limit: 120) }
                var keyType: String? = nil
                if let (ka, kb) = args.first, kb == ka + 1, p.isIdent(ka) {
                    let k = p.text(ka)
                    keyType = params.first(where: { $0.name == k })?.type ?? localTypes[k]
                }
                var o = ContainerOp(target: sym, resolution: res, op: OpName.call(name), keyText: key, keyType: keyType,
                                    at: p.ref(chainStart, close + 1), function: functionName, role: ctxRole, via: via,
                                    inLoop: inLoop)
                o.guardedByEmptyCheck = false
                recordOp(o)
            }
        }
        guard wanted else { return }
        let receiverText: String? = hasReceiver ? p.text(chainStart, i - 1) : nil
        var recvSym: SymbolRef? = nil
        if hasReceiver && !complexPrefix, let (sym, _, _) = resolve(chainStart, i - 1) { recvSym = sym }
        let calleeText = hasReceiver ? p.text(chainStart, i + 1) : name
        var use = resultUse[i] ?? .escapes
        if case .escapes = use, chainStart >= 1, p.isK(chainStart - 1, .return) { use = .escapes }
        recordCall(CallFact(callee: calleeText, method: name, receiver: receiverText, receiverSymbol: recvSym,
                              args: splitArgs(open), argLabels: [], result: use, deferred: deferUntil > i || (!ctxs.isEmpty && ctxs[ctxs.count - 1].deferred),
                              at: p.ref(chainStart, close + 1), function: functionName, role: ctxRole, inLoop: inLoop))
        if case .bound(let names) = use, let n = names.first(where: { $0 != "_" }) {
            boundResults.append((calls.count - 1, n, close + 1))
        }
    }

    /// Whether the local `name` is handed on in tokens `from..<to`: passed whole as an argument
    /// (`append(m.tickers, t)`, `register(t)`), put in a composite literal (`entry{t}`) or
    /// returned. Its release is then decided where it went, as for a handle stored in a field.
    /// Uses through a selector (`t.C`, `t.Stop()`) are not hand-offs.
    mutating func handedOn(_ name: String, from: Int, to: Int) -> Bool {
        let id = p.intern(name)
        var k = from
        while k < to {
            defer { k += 1 }
            guard p.toks[k].kind == .ident, p.ident(k) == id else { continue }
            let before = p.toks[k - 1], after = p.toks[k + 1]
            if before.kind == .keyword && before.code == GoKeyword.return.rawValue { return true }
            guard before.kind == .punct && (before.code == 0x28 || before.code == 0x2C || before.code == 0x7B) else { continue }
            if after.kind == .punct && (after.code == 0x29 || after.code == 0x2C || after.code == 0x7D) { return true }
        }
        return false
    }

    // MARK: Loops and exits

    mutating func markReturn(_ i: Int) {
        ctxs[ctxs.count - 1].returns.append((i, statementEnd(i)))
        markAllOpenLoopsExit()
    }

    mutating func markAllOpenLoopsExit() {
        let base = ctxs[ctxs.count - 1].frameBase
        var k = frames.count - 1
        while k > base {
            if frames[k].kind == .loop, frames[k].loop >= 0 { ctxs[ctxs.count - 1].loops[frames[k].loop].exits = true }
            k -= 1
        }
    }

    mutating func markBreak(_ i: Int) {
        let base = ctxs[ctxs.count - 1].frameBase
        var k = frames.count - 1
        if p.isIdent(i + 1) {
            let label = p.text(i + 1)
            while k > base {
                if frames[k].label == label {
                    if frames[k].kind == .loop, frames[k].loop >= 0 { ctxs[ctxs.count - 1].loops[frames[k].loop].exits = true }
                    return
                }
                k -= 1
            }
            return
        }
        while k > base {
            switch frames[k].kind {
            case .loop:
                if frames[k].loop >= 0 { ctxs[ctxs.count - 1].loops[frames[k].loop].exits = true }
                return
            case .select, .switchStmt: return
            default: k -= 1
            }
        }
    }

    /// `case <-X:` in a select: X is a signal the innermost loop observes.
    mutating func caseSignals(_ i: Int) {
        guard let f = frames.last, f.kind == .select else { return }
        var j = i + 1
        while j < f.end && !p.isP(j, 0x3A) {
            if p.isP(j, GoPunct.arrow) {
                var e = j + 1
                while e < f.end && !p.isP(e, 0x3A) { e = p.skip(e) }
                let sig = p.text(j + 1, e, limit: 80)
                // innermost loop of this ctx
                let base = ctxs[ctxs.count - 1].frameBase
                var k = frames.count - 1
                while k > base {
                    if frames[k].kind == .loop, frames[k].loop >= 0 {
                        ctxs[ctxs.count - 1].loops[frames[k].loop].signals.append(sig)
                        break
                    }
                    k -= 1
                }
                return
            }
            j = p.skip(j)
        }
    }

    // MARK: go statements

    mutating func spawnStatement(_ i: Int) {
        if p.isK(i + 1, .func) {
            registerFuncLit(i + 1, spawnTok: i)
            return
        }
        // go f(…) / go x.m(…) / go pkg.F(…)
        var j = i + 1
        var names: [Int] = []
        while j < p.toks.count {
            if p.isIdent(j) { names.append(j); j += 1; if p.isP(j, 0x2E) { j += 1; continue } }
            break
        }
        if p.isP(j, 0x5B) { j = p.skip(j) }  // type arguments
        guard p.isP(j, 0x28), let lastTok = names.last else { return }
        let name = p.name(p.ident(lastTok))
        var callee: SymbolRef? = nil
        if names.count == 1 {
            if !isLocal(p.ident(lastTok)) { callee = SymbolRef(owner: nil, name: name) }
        } else if names.count == 2 {
            let firstId = p.ident(names[0])
            let first = p.name(firstId)
            if p.isImport(firstId) { callee = SymbolRef(owner: "pkg:" + first, name: name) }
            else if firstId == receiverId, let o = owner { callee = SymbolRef(owner: o, name: name) }
            else if let t = localTypes[first], !t.hasPrefix("pkg:") { callee = SymbolRef(owner: t, name: name) }
            else { callee = SymbolRef(owner: "*", name: name) }
        } else {
            callee = SymbolRef(owner: "*", name: name)
        }
        spawns.append(SpawnFact(kind: "go", at: p.ref(i, Int(p.match[j]) + 1), function: functionName, role: casGuarded ? .once : ctxRole,
                                callee: callee, body: nil, handle: .discarded, args: splitArgs(j), inLoop: false))
        let span = enclosingLoops()
        spawnLoops.append(span)
    }

    // MARK: Channels

    /// `<-` seen anywhere: a send when it follows an expression, else a receive.
    mutating func chanArrow(_ i: Int) {
        let prev = i - 1
        let prevIsExprEnd = prev >= 0 && (p.isIdent(prev) || p.isP(prev, 0x29) || p.isP(prev, 0x5D))
        if prevIsExprEnd {
            // A send in a select case header is classified here (statements are classified elsewhere).
            if inCaseHeader(i) != nil, p.isIdent(prev) {
                var s = prev
                while s >= 2 && p.isP(s - 1, 0x2E) && p.isIdent(s - 2) { s -= 2 }
                recordChanOp(name: p.text(s, i), tok: i, send: true)
            }
            return
        }
        // Receive: channel is the chain after the arrow.
        var e = i + 1
        while p.isIdent(e) && p.isP(e + 1, 0x2E) && p.isIdent(e + 2) { e += 2 }
        guard p.isIdent(e) else { return }
        if p.isP(e + 1, 0x28) { return }  // <-ctx.Done(): not a local channel
        recordChanOp(name: p.text(i + 1, e + 1), tok: i, send: false)
    }

    /// The select frame and clause header holding token `i`, if `i` is in a case header.
    mutating func inCaseHeader(_ i: Int) -> (Int, (Int, Int))? {
        guard let fi = frames.indices.last, frames[fi].kind == .select else { return nil }
        for h in frames[fi].clauseHeads where h.0 < i && i < h.1 { return (fi, h) }
        return nil
    }

    mutating func recordChanOp(name: String, tok: Int, send: Bool) {
        // The ctx that declared the channel.
        var owner = ctxs.count - 1
        while owner >= 0 && ctxs[owner].chans[name] == nil { owner -= 1 }
        guard owner >= 0 else { return }
        var spawnTok: Int? = nil
        var k = ctxs.count - 1
        while k > owner { if let g = ctxs[k].spawnTok { spawnTok = g }; k -= 1 }
        var guarded = false
        var altText: String? = nil
        var altTok: Int? = nil
        if let (fi, head) = inCaseHeader(tok), frames[fi].clauses >= 2 {
            guarded = true
            for h in frames[fi].clauseHeads where h.0 != head.0 {
                altText = p.text(h.0, h.1, limit: 80)
                altTok = h.0
                break
            }
        }
        var looped = false
        var f = frames.count - 1
        while f > ctxs[owner].frameBase { if frames[f].kind == .loop { looped = true; break }; f -= 1 }
        ctxs[owner].chanOps.append(ChanOp(name: name, tok: tok, send: send, spawnTok: spawnTok, guarded: guarded,
                                          altText: altText, altTok: altTok, inLoop: looped))
    }

    /// Hand-offs of a finished context: a spawned literal blocks on a local unbuffered channel
    /// whose parent-side counterpart can be abandoned.
    mutating func finishHandoffs(_ c: Ctx) {
        guard !c.chanOps.isEmpty else { return }
        for op in c.chanOps {
            guard let g = op.spawnTok, let decl = c.chans[op.name] else { continue }
            let counterparts = c.chanOps.filter { $0.spawnTok == nil && $0.name == op.name && $0.send != op.send && $0.tok > g }
            guard let first = counterparts.first else { continue }
            var reasons: [String] = []
            var abandonAt: [SourceRef] = []
            // A select abandons the hand-off only when every counterpart is a select case that
            // runs once: an unconditional receive elsewhere, or a select in a loop, drains it.
            let selectOnly = counterparts.allSatisfy { $0.guarded && !$0.inLoop }
            for cp in counterparts where cp.guarded && selectOnly {
                reasons.append("select with `\(cp.altText ?? "another case")`")
                if let t = cp.altTok { abandonAt.append(p.ref(t, t + 1)) }
            }
            // A return before the counterpart (not `return <-ch` itself).
            for r in c.returns where r.tok > g && r.tok < first.tok && r.end < first.tok {
                reasons.append("return before the \(op.send ? "receive" : "send")")
                abandonAt.append(p.ref(r.tok))
            }
            handoffs.append(HandoffFact(channel: op.name, declaredAt: decl.decl, capacity: decl.cap,
                                        spawnAt: p.ref(g, g + 2), blockingAt: p.ref(op.tok, op.tok + 2),
                                        direction: op.send ? "send" : "receive", spawnSideGuarded: op.guarded,
                                        counterparts: counterparts.map { p.ref($0.tok, $0.tok + 2) },
                                        abandonReasons: reasons, abandonAt: abandonAt, function: functionName))
        }
    }
}
