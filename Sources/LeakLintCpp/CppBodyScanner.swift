import LeakLintCore

// MARK: - Function bodies: member chains, loops, lambdas, threads

/// A postfix chain `a.b->c(args)[i]::d`: names with their separators and postfix groups.
struct Chain {
    var start: Int
    var end: Int
    var globalQualified = false
    /// Token index of each name.
    var names: [Int] = []
    /// Separator before each name: 0 none, 1 `.`, 2 `->`, 3 `::`.
    var seps: [UInt8] = []
    /// Open-bracket token index of the postfix groups after each name.
    var groups: [[Int]] = []
}

extension CppExtractor {
    // MARK: Body scan

    /// For a nested `for (;;) {` / `while (true) {` / `while (1) {`: the end of its block.
    func endlessHeaderEnd(_ i: Int) -> Int? {
        guard isP(i + 1, UInt8(ascii: "(")) else { return nil }
        let c = Int(match[i + 1])
        guard c > i + 1, isP(c + 1, UInt8(ascii: "{")) else { return nil }
        let endless = eq(i, "for") ? (c == i + 4 && isP(i + 2, UInt8(ascii: ";")) && isP(i + 3, UInt8(ascii: ";")))
            : eq(i, "while") && c == i + 3 && (eq(i + 2, "true") || eq(i + 2, "1"))
        return endless ? Int(match[c + 1]) : nil
    }

    mutating func scanBody(_ lo: Int, _ hi: Int, _ fn: inout FnCtx, depth: Int) -> BodyFact {
        var body = BodyFact()
        if depth > 24 { cutOff = true; return body }
        var loopEnds: [Int] = []
        var endlessEnds: [Int] = []
        var controlCloses: Set<Int> = []
        var onceUntil = -1
        var stmtStart = true
        var seenCalls: Set<String> = []
        var i = lo
        while i < hi {
            while let e = loopEnds.last, i >= e { loopEnds.removeLast() }
            while let e = endlessEnds.last, i >= e { endlessEnds.removeLast() }
            curInLoop = !loopEnds.isEmpty
            curInEndlessLoop = !endlessEnds.isEmpty
            let t = toks[i]
            if t.kind == .punct {
                if isP(i, UInt8(ascii: "[")) && isLambdaIntroducer(i), let (open, close) = lambdaBody(i, hi) {
                    var inner = fn
                    if i < onceUntil { inner.role = .once }
                    addLambdaParams(i, open, &inner)
                    let b = scanBody(open + 1, close, &inner, depth: depth + 1)
                    lambdaBodies[open] = b
                    i = close + 1
                    stmtStart = false
                    continue
                }
                if isP(i, UInt8(ascii: ";")) || isP(i, UInt8(ascii: "{")) || isP(i, UInt8(ascii: "}")) {
                    stmtStart = true
                } else if isP(i, UInt8(ascii: ")")) && controlCloses.contains(i) {
                    stmtStart = true
                } else if isP(i, UInt8(ascii: ":")) && (eq(i - 1, "default") || isP(i - 2, UInt8(ascii: "?")) == false && eq(i - 2, "case")) {
                    stmtStart = true
                } else if eq(i, "::") && !isIdent(i - 1) && !isP(i - 1, UInt8(ascii: ">")) && isIdent(i + 1) {
                    // `::name` chain start
                    handleChain(i, hi, &fn, stmtStart: stmtStart, inLoop: !loopEnds.isEmpty, body: &body, seenCalls: &seenCalls, onceUntil: &onceUntil)
                    stmtStart = false
                } else {
                    stmtStart = false
                }
                i += 1
                continue
            }
            if t.kind == .keyword {
                if eq(i, "while") || eq(i, "for") || eq(i, "do") {
                    // `while` closing a `do … while (…)` is not a new loop.
                    if eq(i, "while") && isP(i - 1, UInt8(ascii: "}")) && isDoClose(i - 1) {
                        if isP(i + 1, UInt8(ascii: "(")) { controlCloses.insert(Int(match[i + 1])) }
                        i += 1
                        continue
                    }
                    // Only outermost loops are summarised (nested ones are inside their summary),
                    // which keeps the work linear on deeply nested loops.
                    if loopEnds.isEmpty, let (loop, endIdx) = summarizeLoop(i, hi, depth: depth) {
                        body.loops.append(loop)
                        loopEnds.append(endIdx)
                        if loop.endless && !loop.exits { endlessEnds.append(endIdx) }
                    } else if let e = endlessHeaderEnd(i) {
                        endlessEnds.append(e)
                    }
                    if isP(i + 1, UInt8(ascii: "(")) {
                        controlCloses.insert(Int(match[i + 1]))
                        if eq(i, "for") { addForLocals(i + 1, &fn) }
                        i += 2
                        stmtStart = true
                        continue
                    }
                    stmtStart = true
                    i += 1
                    continue
                }
                if eq(i, "if") || eq(i, "switch") || eq(i, "catch") {
                    var j = i + 1
                    if eq(j, "constexpr") { j += 1 }
                    if isP(j, UInt8(ascii: "(")) { controlCloses.insert(Int(match[j])); i = j + 1; stmtStart = true; continue }
                    i += 1
                    continue
                }
                if eq(i, "else") || eq(i, "try") { stmtStart = true; i += 1; continue }
                if eq(i, "static") && stmtStart {
                    i = localStatic(i, hi, &fn)
                    stmtStart = true
                    continue
                }
                if eq(i, "this") && !isP(i - 1, UInt8(ascii: ".")) && !eq(i - 1, "->") {
                    handleChain(i, hi, &fn, stmtStart: stmtStart, inLoop: !loopEnds.isEmpty, body: &body, seenCalls: &seenCalls, onceUntil: &onceUntil)
                    stmtStart = false
                    i += 1
                    continue
                }
                if stmtStart && (eq(i, "const") || eq(i, "auto") || eq(i, "constexpr") || CppVocabulary.builtinTypeKeywords.contains(text(i))) {
                    if let after = localDecl(i, hi, &fn) { i = after; stmtStart = false; continue }
                }
                stmtStart = false
                i += 1
                continue
            }
            if t.kind == .ident {
                if isP(i - 1, UInt8(ascii: ".")) || eq(i - 1, "->") || (eq(i - 1, "::") && (isIdent(i - 2) || isP(i - 2, UInt8(ascii: ">")))) {
                    i += 1
                    stmtStart = false
                    continue
                }
                if stmtStart, let after = localDecl(i, hi, &fn) {
                    i = after
                    stmtStart = false
                    continue
                }
                let chainEnd = handleChain(i, hi, &fn, stmtStart: stmtStart, inLoop: !loopEnds.isEmpty, body: &body, seenCalls: &seenCalls, onceUntil: &onceUntil)
                _ = chainEnd
                stmtStart = false
                i += 1
                continue
            }
            stmtStart = false
            i += 1
        }
        return body
    }

    /// For a field reached through a non-local name (`registry.items`), that name.
    func viaName(_ c: Chain, _ k: Int, _ fn: FnCtx) -> String? {
        guard k >= 1, c.groups[0].isEmpty, !eq(c.names[0], "this"), c.seps.count > 1, c.seps[1] != 3 else { return nil }
        let base = text(c.names[0])
        if fn.locals.contains(base) { return nil }
        return base
    }

    func isDoClose(_ close: Int) -> Bool {
        let open = Int(match[close])
        return open > 0 && eq(open - 1, "do")
    }

    func isLambdaIntroducer(_ i: Int) -> Bool {
        if isP(i + 1, UInt8(ascii: "[")) { return false }
        if i == 0 { return true }
        let p = i - 1
        if isIdent(p) || isP(p, UInt8(ascii: ")")) || isP(p, UInt8(ascii: "]")) || toks[p].kind == .literal || isP(p, UInt8(ascii: ">")) {
            return false
        }
        if isKw(p) && !(eq(p, "return") || eq(p, "co_return") || eq(p, "co_await") || eq(p, "co_yield")) { return eq(p, "this") ? false : true }
        return true
    }

    /// For a lambda introducer at `i`: its body braces.
    func lambdaBody(_ i: Int, _ hi: Int) -> (Int, Int)? {
        let close = Int(match[i])
        guard close > i else { return nil }
        var k = close + 1
        if let e = templateArgsEnd(k, hi) { k = e }
        if isP(k, UInt8(ascii: "(")) { k = groupEnd(k, hi) }
        var steps = 0
        while k < hi && steps < 24 && !isP(k, UInt8(ascii: "{")) {
            if isP(k, UInt8(ascii: ";")) || isP(k, UInt8(ascii: ")")) || isP(k, UInt8(ascii: ",")) || isP(k, UInt8(ascii: "}")) { return nil }
            if isP(k, UInt8(ascii: "(")) { k = groupEnd(k, hi); continue }
            k += 1; steps += 1
        }
        guard isP(k, UInt8(ascii: "{")) else { return nil }
        let e = Int(match[k])
        return (k, e > k ? e : hi)
    }

    func addLambdaParams(_ intro: Int, _ open: Int, _ fn: inout FnCtx) {
        let close = Int(match[intro])
        guard close > intro else { return }
        // Captures `[x, &y, z = …]` are locals of the lambda too.
        var k = intro + 1
        while k < close {
            if isIdent(k) && (isP(k + 1, UInt8(ascii: ",")) || isP(k + 1, UInt8(ascii: "=")) || k + 1 == close) && !eq(k, "this") {
                fn.locals.insert(text(k))
            }
            k += 1
        }
        var p = close + 1
        if let e = templateArgsEnd(p, open) { p = e }
        if isP(p, UInt8(ascii: "(")) {
            for prm in parseParams(p) where !prm.name.isEmpty {
                fn.locals.insert(prm.name); fn.localTypes[prm.name] = prm.type
            }
        }
    }

    mutating func addForLocals(_ paren: Int, _ fn: inout FnCtx) {
        let close = Int(match[paren])
        guard close > paren else { return }
        var k = paren + 1
        while k < close {
            if isIdent(k) && (isP(k + 1, UInt8(ascii: ":")) || isP(k + 1, UInt8(ascii: "=")) || isP(k + 1, UInt8(ascii: "{"))) && k > paren + 1
                && (isIdent(k - 1) || isKw(k - 1) || isP(k - 1, UInt8(ascii: "&")) || isP(k - 1, UInt8(ascii: "*")) || isP(k - 1, UInt8(ascii: ">")) || eq(k - 1, "&&")) {
                fn.locals.insert(text(k))
            }
            if isIdent(k) && isP(k - 1, UInt8(ascii: "[")) {
                // structured binding `auto& [k, v] : m`
                var q = k
                while q < close && !isP(q, UInt8(ascii: "]")) { if isIdent(q) { fn.locals.insert(text(q)) }; q += 1 }
            }
            if isP(k, UInt8(ascii: ";")) { break }
            k += 1
        }
    }

    /// A type followed by a declarator at a statement start: records the local and returns the
    /// index of the declarator name (so its initialiser is scanned normally), or nil.
    mutating func localDecl(_ i: Int, _ hi: Int, _ fn: inout FnCtx) -> Int? {
        var k = i
        var steps = 0
        var sawType = false
        while k < hi && steps < 64 {
            steps += 1
            if isKw(k) && (eq(k, "const") || eq(k, "constexpr") || eq(k, "volatile") || eq(k, "typename") || eq(k, "struct") || eq(k, "class") || eq(k, "thread_local")) { k += 1; continue }
            if isKw(k) && eq(k, "decltype") && isP(k + 1, UInt8(ascii: "(")) { k = groupEnd(k + 1, hi); sawType = true; break }
            if isKw(k) && CppVocabulary.builtinTypeKeywords.contains(text(k)) {
                k += 1; sawType = true
                while isKw(k) && CppVocabulary.builtinTypeKeywords.contains(text(k)) { k += 1 }
                break
            }
            if isIdent(k) || eq(k, "::") {
                if eq(k, "::") { k += 1; continue }
                k += 1
                sawType = true
                if let e = templateArgsEnd(k, hi) { k = e }
                if eq(k, "::") { k += 1; continue }
                break
            }
            return nil
        }
        guard sawType else { return nil }
        while k < hi && (isP(k, UInt8(ascii: "*")) || isP(k, UInt8(ascii: "&")) || eq(k, "&&") || eq(k, "const")) { k += 1 }
        if isP(k, UInt8(ascii: "[")) && isKw(i) && eq(i, "auto") || (isP(k, UInt8(ascii: "[")) && isP(k - 1, UInt8(ascii: "&"))) {
            // structured binding
            let e = Int(match[k])
            if e > k { var q = k + 1; while q < e { if isIdent(q) { fn.locals.insert(text(q)) }; q += 1 }; return e + 1 }
            return nil
        }
        guard isIdent(k) else { return nil }
        let next = k + 1
        guard isP(next, UInt8(ascii: "=")) || isP(next, UInt8(ascii: ";")) || isP(next, UInt8(ascii: "(")) || isP(next, UInt8(ascii: "{"))
                || isP(next, UInt8(ascii: ",")) || isP(next, UInt8(ascii: "[")) || isP(next, UInt8(ascii: ":")) else { return nil }
        // `foo (x);` at a statement start is a call, not a declaration; a declaration needs a type before the name.
        let name = text(k)
        let typeText = stripSpecifiers(folded(i, k).replacingSpaces())
        fn.locals.insert(name)
        fn.localTypes[name] = typeText
        let (head, _, _) = CppVocabulary.split(typeText)
        if CppVocabulary.threadHeads.contains(head) && (isP(next, UInt8(ascii: "(")) || isP(next, UInt8(ascii: "{"))) {
            // `std::thread t(fn, args…)`
            if match[next] > Int32(next + 1) {
                addSpawn(kind: spawnKind(typeText), at: k, argsOpen: next, fn: fn, handle: .bound([name]))
            }
        }
        if let c = CppVocabulary.classify(resolveAlias(typeText)), !typeText.hasSuffix("*"), !typeText.hasSuffix("&") {
            facts.containers.append(ContainerDecl(symbol: SymbolRef(name: name), storage: .local, kind: c.kind,
                                                  typeText: resolveAlias(typeText), keyType: c.key, valueType: c.value,
                                                  at: ref(k), function: fn.name))
        }
        return k + 1
    }

    /// `static T name …;` inside a function: a container that lives for the process.
    mutating func localStatic(_ i: Int, _ hi: Int, _ fn: inout FnCtx) -> Int {
        var stop = -1
        var eqIdx = -1
        var angle = 0
        var j = i + 1
        while j < hi {
            if isP(j, UInt8(ascii: ";")) { if stop < 0 { stop = j }; break }
            if isP(j, UInt8(ascii: "<")) && stop < 0 { angle += 1 }
            if isP(j, UInt8(ascii: ">")) && stop < 0 { angle = max(0, angle - 1) }
            if eq(j, ">>") && stop < 0 { angle = max(0, angle - 2) }
            if isP(j, UInt8(ascii: "=")) && angle == 0 && stop < 0 { stop = j; eqIdx = j }
            if (isP(j, UInt8(ascii: "(")) || isP(j, UInt8(ascii: "{"))) && angle == 0 && stop < 0 { stop = j }
            if isP(j, UInt8(ascii: "(")) || isP(j, UInt8(ascii: "[")) || isP(j, UInt8(ascii: "{")) { j = groupEnd(j, hi); continue }
            if isP(j, UInt8(ascii: "}")) { break }
            j += 1
        }
        let end = j
        guard stop > i + 1, isIdent(stop - 1) else { return i + 1 }
        let nameIdx = stop - 1
        let name = text(nameIdx)
        let written = folded(i + 1, nameIdx).replacingSpaces()
        let typeText = resolveAlias(stripSpecifiers(written))
        fn.locals.remove(name)
        fn.staticLocals.insert(name)
        fn.localTypes[name] = typeText
        if !typeText.hasSuffix("*") && !typeText.hasSuffix("&"), let c = CppVocabulary.classify(typeText) {
            var decl = ContainerDecl(symbol: SymbolRef(owner: fn.owner, name: name), storage: .staticMember,
                                     kind: c.kind, typeText: typeText, keyType: c.key, valueType: c.value,
                                     at: ref(nameIdx), initializer: end > stop + 1 ? folded(stop + (eqIdx >= 0 ? 1 : 0), end, limit: 80) : nil,
                                     function: fn.name)
            // The `static` keyword is token `i`; keep it and any other storage keyword after it.
            decl.specifiers = keptSpecifiers("static " + written)
            facts.containers.append(decl)
        } else {
            let (head, _, args) = CppVocabulary.split(typeText)
            var inner = head
            if CppVocabulary.wrapperHeads.contains(head), let a = args.first { inner = lastComponent(CppVocabulary.split(a).qualified) }
            if let q = classBySimple[inner] {
                facts.instances.append(InstanceFact(typeName: q, variable: name, at: ref(nameIdx)))
                if let o = fn.owner, classes[o]?.simple == inner { addTrait(o, "static-instance") }
            } else if let o = fn.owner, lastComponent(o) == inner {
                facts.instances.append(InstanceFact(typeName: o, variable: name, at: ref(nameIdx)))
            }
        }
        // The initialiser runs once: scan it with that role; the rest of the statement is skipped.
        if stop < end {
            var once = fn
            once.role = .once
            let lo = eqIdx >= 0 ? eqIdx + 1 : stop
            _ = scanBody(lo, end, &once, depth: 1)
        }
        return end + 1
    }

    // MARK: Chains

    func parseChain(_ i: Int, _ hi: Int) -> Chain {
        var c = Chain(start: i, end: i)
        var j = i
        if eq(j, "::") { c.globalQualified = true; j += 1 }
        var sep: UInt8 = 0
        while j < hi {
            guard isIdent(j) || eq(j, "this") || eq(j, "template") else { break }
            if eq(j, "template") { j += 1; continue }
            c.names.append(j)
            c.seps.append(sep)
            var groups: [Int] = []
            j += 1
            if let e = templateArgsEnd(j, hi), isP(e, UInt8(ascii: "(")) || eq(e, "::") || isP(e, UInt8(ascii: "{")) { j = e }
            while j < hi && (isP(j, UInt8(ascii: "(")) || isP(j, UInt8(ascii: "["))) && match[j] > Int32(j) {
                groups.append(j)
                j = Int(match[j]) + 1
            }
            // `std::thread{…}` / `T{…}` temporaries
            if groups.isEmpty && isP(j, UInt8(ascii: "{")) && match[j] > Int32(j) && c.names.count >= 1 && isTypeTemporary(c) {
                groups.append(j)
                j = Int(match[j]) + 1
            }
            c.groups.append(groups)
            if isP(j, UInt8(ascii: ".")) && (isIdent(j + 1) || eq(j + 1, "template")) { sep = 1; j += 1; continue }
            if eq(j, "->") && (isIdent(j + 1) || eq(j + 1, "template")) { sep = 2; j += 1; continue }
            if eq(j, "::") && (isIdent(j + 1) || eq(j + 1, "template")) && groups.isEmpty { sep = 3; j += 1; continue }
            break
        }
        c.end = j
        return c
    }

    func isTypeTemporary(_ c: Chain) -> Bool {
        guard let last = c.names.last else { return false }
        let s = text(last)
        return CppVocabulary.threadHeads.contains(s)
    }

    /// Resolves the name at chain position `k` to a storage symbol, nil for locals.
    func resolve(_ c: Chain, _ k: Int, _ fn: FnCtx) -> (SymbolRef, TargetResolution)? {
        let name = text(c.names[k])
        if eq(c.names[k], "this") { return nil }
        if k == 0 {
            if c.globalQualified { return (SymbolRef(name: name), .global) }
            if fn.staticLocals.contains(name) { return (SymbolRef(owner: fn.owner, name: name), .staticMember) }
            if fn.locals.contains(name) { return nil }
            if let o = fn.owner {
                if classes[o]?.fields[name] != nil { return (SymbolRef(owner: o, name: name), .field) }
                if globals[name] != nil { return (SymbolRef(name: name), .global) }
                if classes[o] == nil { return (SymbolRef(owner: o, name: name), .field) }
                return (SymbolRef(name: name), .fieldOfUnknownOwner)
            }
            if globals[name] != nil { return (SymbolRef(name: name), .global) }
            return (SymbolRef(name: name), .global)
        }
        // Any call or subscript before position k: the owner is not known.
        for q in 0..<k where !c.groups[q].isEmpty { return (SymbolRef(name: name), .fieldOfUnknownOwner) }
        if k == 1 && eq(c.names[0], "this") {
            if let o = fn.owner { return (SymbolRef(owner: o, name: name), .field) }
            return (SymbolRef(name: name), .fieldOfUnknownOwner)
        }
        if c.seps[1...k].allSatisfy({ $0 == 3 }) {
            let quals = c.names[0..<k].map { text($0) }
            if quals.count == 1 && quals[0] == "std" { return nil }
            if let owner = classOwner(quals) { return (SymbolRef(owner: owner, name: name), .staticMember) }
            if quals.allSatisfy({ namespaces.contains($0) }) { return (SymbolRef(name: name), .global) }
            return (SymbolRef(owner: guessedOwner(quals), name: name), .staticMember)
        }
        return (SymbolRef(name: name), .fieldOfUnknownOwner)
    }

    func classOwner(_ quals: [String]) -> String? {
        for s in 0..<quals.count {
            let cand = quals[s...].joined(separator: "::")
            if classes[cand] != nil { return cand }
        }
        if let last = quals.last, let q = classBySimple[last] { return q }
        return nil
    }

    /// Owner for qualifiers naming no class of the file: the last one (`ns::Cache` → `Cache`).
    func guessedOwner(_ quals: [String]) -> String? {
        classOwner(quals) ?? quals.last(where: { !namespaces.contains($0) })
    }

    /// Top-level argument ranges of the group opened at `open`.
    func argRanges(_ open: Int) -> [Range<Int>] {
        let close = Int(match[open])
        guard close > open + 1 else { return [] }
        var out: [Range<Int>] = []
        var start = open + 1
        var k = open + 1
        while k < close {
            if isP(k, UInt8(ascii: ",")) { out.append(start..<k); start = k + 1 }
            else if isP(k, UInt8(ascii: "(")) || isP(k, UInt8(ascii: "[")) || isP(k, UInt8(ascii: "{")) {
                let e = Int(match[k]); if e > k && e < close { k = e }
            } else if isP(k, UInt8(ascii: "<")) && (isIdent(k - 1)), let e = templateArgsEnd(k, close) {
                k = e; continue
            }
            k += 1
        }
        if start < close { out.append(start..<close) }
        return out
    }

    /// What becomes of the value of the chain `c` (a call or a thread temporary).
    func resultUse(_ c: Chain, _ fn: FnCtx, stmtStart: Bool) -> ResultUse {
        let s = c.start
        let next = c.end
        if isP(s - 1, UInt8(ascii: "=")) && isP(next, UInt8(ascii: ";")) {
            let lhs = s - 2
            guard isIdent(lhs) else { return .escapes }
            let name = text(lhs)
            if (eq(lhs - 1, "->") && eq(lhs - 2, "this")) {
                if let o = fn.owner { return scoped(classes[o]?.fields[name]) ? .escapes : .stored(SymbolRef(owner: o, name: name)) }
                return .stored(SymbolRef(name: name))
            }
            if isP(lhs - 1, UInt8(ascii: ".")) || eq(lhs - 1, "->") { return .escapes }
            if fn.locals.contains(name) {
                return scoped(fn.localTypes[name]) ? .escapes : .bound([name])
            }
            if let o = fn.owner, let ty = classes[o]?.fields[name] {
                return scoped(ty) ? .escapes : .stored(SymbolRef(owner: o, name: name))
            }
            if let g = globals[name] { return scoped(g) ? .escapes : .stored(SymbolRef(name: name)) }
            if let o = fn.owner { return .stored(SymbolRef(owner: o, name: name)) }
            return .stored(SymbolRef(name: name))
        }
        if eq(s - 1, "return") || eq(s - 1, "co_return") { return .escapes }
        if isP(next, UInt8(ascii: ";")) && (stmtStart || (isP(s - 1, UInt8(ascii: ")")) && eq(s - 2, "void"))) { return .discarded }
        return .escapes
    }

    func scoped(_ type: String?) -> Bool {
        guard let t = type else { return false }
        return t.contains("scoped_connection") || t.contains("ScopedConnection") || t.contains("shared_connection_block")
            || t.contains("unique_ptr") || t.contains("Subscription") || t.contains("Scoped")
    }

    // MARK: Facts from a chain

    @discardableResult
    mutating func handleChain(_ i: Int, _ hi: Int, _ fn: inout FnCtx, stmtStart: Bool, inLoop: Bool,
                              body: inout BodyFact, seenCalls: inout Set<String>, onceUntil: inout Int) -> Int {
        let c = parseChain(i, hi)
        guard !c.names.isEmpty else { return c.end }
        let n = c.names.count
        let deferred = fn.role == .teardown && fn.name.contains("~")

        // Direct calls, for one-level resolution of spawned functions.
        if n == 1, let g = c.groups[0].first, isP(g, UInt8(ascii: "(")) {
            let nm = text(c.names[0])
            if seenCalls.insert(nm).inserted && body.calls.count < 64 { body.calls.append(nm) }
        } else if n == 2, eq(c.names[0], "this"), let g = c.groups[1].first, isP(g, UInt8(ascii: "(")) {
            let nm = text(c.names[1])
            if seenCalls.insert(nm).inserted && body.calls.count < 64 { body.calls.append(nm) }
        }

        // Threads: `std::thread(…)`, `std::jthread{…}`.
        if let k = (0..<n).first(where: { CppVocabulary.threadHeads.contains(text(c.names[$0])) && !c.groups[$0].isEmpty }),
           k == 0 || (c.seps[1...k].allSatisfy({ $0 == 3 }) && (eq(c.names[0], "std") || eq(c.names[0], "boost"))) {
            let open = c.groups[k][0]
            var handle: ResultUse
            if k + 1 < n && eq(c.names[k + 1], "detach") { handle = .discarded }
            else if k + 1 < n && eq(c.names[k + 1], "join") { handle = .escapes }
            else if k == n - 1 { handle = containerHandle(c, fn) ?? resultUse(c, fn, stmtStart: stmtStart) }
            else { handle = .escapes }
            let kind = "std::" + text(c.names[k])
            if match[open] > Int32(open + 1) { addSpawn(kind: kind, at: c.names[k], argsOpen: open, fn: fn, handle: handle) }
        }
        // A thread member started in a constructor's initialiser list: `worker_([this] { … })`.
        if n == 1, fn.role == .constructor, isP(c.start - 1, UInt8(ascii: ":")) || isP(c.start - 1, UInt8(ascii: ",")),
           let o = fn.owner, let ty = classes[o]?.fields[text(c.names[0])],
           CppVocabulary.threadHeads.contains(CppVocabulary.split(ty).head), let g = c.groups[0].first, match[g] > Int32(g + 1) {
            addSpawn(kind: "std::" + CppVocabulary.split(ty).head, at: c.names[0], argsOpen: g, fn: fn,
                     handle: .stored(SymbolRef(owner: o, name: text(c.names[0]))))
        }
        // `threads_.emplace_back(fn, …)` on a container of threads.
        if n >= 2, let g = c.groups[n - 1].first, isP(g, UInt8(ascii: "(")), eq(c.names[n - 1], "emplace_back") || eq(c.names[n - 1], "emplace") || eq(c.names[n - 1], "push_back"),
           let (sym, _) = resolve(c, n - 2, fn), let ty = declaredType(sym, fn), CppVocabulary.split(ty).args.first.map({ CppVocabulary.threadHeads.contains(lastComponent(CppVocabulary.split($0).qualified)) }) == true,
           let first = argRanges(g).first, !(first.count == 1 && isIdent(first.lowerBound) && fn.locals.contains(text(first.lowerBound))),
           !(eq(first.lowerBound, "std") && CppVocabulary.threadHeads.contains(text(first.lowerBound + 2))) && !CppVocabulary.threadHeads.contains(text(first.lowerBound)) {
            addSpawn(kind: "std::thread", at: c.names[n - 1], argsOpen: g, fn: fn, handle: .stored(sym))
        }

        // std::call_once(flag, lambda): the lambda runs once.
        if eq(c.names[n - 1], "call_once"), let g = c.groups[n - 1].first {
            onceUntil = max(onceUntil, Int(match[g]))
        }

        // Container operations through method calls.
        if n >= 2 {
            for k in 1..<n where c.seps[k] == 1 || c.seps[k] == 2 {
                guard let g = c.groups[k].first, isP(g, UInt8(ascii: "(")) else { continue }
                let method = text(c.names[k])
                guard CppVocabulary.containerMethods.contains(method) else { continue }
                let target = k - 1
                if let tg = c.groups[target].last {
                    if isP(tg, UInt8(ascii: "[")) && c.groups[target].count == 1 {
                        emitIndexSet(c, target, tg, fn)
                    }
                    continue
                }
                guard let (sym, res) = resolve(c, target, fn) else { continue }
                if isSequenceDecl(sym, res) == false && method == "set" && !isMapDecl(sym) { continue }
                let args = argRanges(g)
                let key = args.first.map { folded($0.lowerBound, $0.upperBound, limit: 80) }
                let value = args.count > 1 ? folded(args[1].lowerBound, args[1].upperBound, limit: 80) : nil
                facts.ops.append(ContainerOp(target: sym, resolution: res, op: OpName.call(method), keyText: key,
                                             keyType: args.first.flatMap { keyTypeOf($0, fn) }, valueText: value,
                                             at: ref(c.names[k]), function: fn.name, role: fn.role,
                                             via: viaName(c, target, fn), inLoop: curInEndlessLoop))
                if method == "swap", let a = args.first, a.count == 1, isIdent(a.lowerBound) {
                    var other = Chain(start: a.lowerBound, end: a.upperBound); other.names = [a.lowerBound]; other.seps = [0]; other.groups = [[]]
                    if let (s2, r2) = resolve(other, 0, fn) {
                        facts.ops.append(ContainerOp(target: s2, resolution: r2, op: OpName.call("swap"), at: ref(c.names[k]), function: fn.name, role: fn.role, inLoop: curInEndlessLoop))
                    }
                }
            }
        }
        // Free functions on whole containers: std::erase_if, std::swap, std::exchange.
        if c.seps.allSatisfy({ $0 == 0 || $0 == 3 }), let g = c.groups[n - 1].first, isP(g, UInt8(ascii: "(")) {
            let fname = text(c.names[n - 1])
            if fname == "erase_if" || fname == "swap" || fname == "exchange" || fname == "move" {
                let args = argRanges(g)
                let targets = fname == "swap" ? Array(args.prefix(2)) : Array(args.prefix(1))
                for a in targets {
                    var lo = a.lowerBound
                    if isP(lo, UInt8(ascii: "&")) { lo += 1 }
                    let sub = parseChain(lo, a.upperBound)
                    guard sub.end == a.upperBound, !sub.names.isEmpty, sub.groups.last?.isEmpty == true,
                          let (sym, res) = resolve(sub, sub.names.count - 1, fn) else { continue }
                    let op: String
                    switch fname {
                    case "erase_if": op = OpName.call("erase")
                    case "swap": op = OpName.call("swap")
                    case "exchange": op = OpName.assignFresh
                    default: op = OpName.escape
                    }
                    facts.ops.append(ContainerOp(target: sym, resolution: res, op: op, at: ref(c.names[n - 1]), function: fn.name, role: fn.role, inLoop: curInEndlessLoop))
                }
            }
        }
        // Subscript writes and assignments.
        let lastGroups = c.groups[n - 1]
        let after = c.end
        let assignOps: Set<String> = ["=", "+=", "-=", "*=", "/=", "|=", "&=", "^=", "%=", "<<=", ">>=", "++", "--"]
        let nextText = after < toks.count && toks[after].kind == .punct ? text(after) : ""
        if lastGroups.count == 1, isP(lastGroups[0], UInt8(ascii: "[")), assignOps.contains(nextText) || eq(c.start - 1, "++") || eq(c.start - 1, "--") {
            emitIndexSet(c, n - 1, lastGroups[0], fn)
        } else if lastGroups.isEmpty, nextText == "=" || nextText == "+=" {
            if let (sym, res) = resolve(c, n - 1, fn), !(n == 1 && eq(c.names[0], "this")) {
                let op: String
                if nextText == "+=" { op = OpName.plusAssign }
                else { op = isFresh(after + 1, hi) ? OpName.assignFresh : OpName.assignOther }
                if nextText == "+=" ? isTextish(sym, res) : isContainerish(sym, res) {
                    facts.ops.append(ContainerOp(target: sym, resolution: res, op: op, at: ref(c.names[n - 1]), function: fn.name,
                                                 role: fn.role, guardedByEmptyCheck: false, inLoop: curInEndlessLoop))
                }
            }
        }

        // Calls the analyses asked about.
        for k in 0..<n {
            guard let g = c.groups[k].first, isP(g, UInt8(ascii: "(")) else { continue }
            let method = text(c.names[k])
            guard interest.wants(method) || CppVocabulary.alwaysCalls.contains(method) else { continue }
            let calleeEnd = c.names[k] + 1
            let callee = folded(c.start, calleeEnd).replacingSpaces()
            var receiver: String? = nil
            var recvSym: SymbolRef? = nil
            if k > 0 {
                let recvEnd = c.groups[k - 1].last.map { Int(match[$0]) + 1 } ?? (c.names[k - 1] + 1)
                receiver = folded(c.start, recvEnd).replacingSpaces()
                if c.groups[k - 1].isEmpty, let (s, _) = resolve(c, k - 1, fn) { recvSym = s }
                if c.groups[k - 1].isEmpty && k == 1 && fn.locals.contains(text(c.names[0])) { recvSym = nil }
            }
            let args = argRanges(g).map { folded($0.lowerBound, $0.upperBound, limit: 80) }
            let isLast = k == n - 1 && c.groups[k].count == 1
            let result: ResultUse = isLast ? resultUse(c, fn, stmtStart: stmtStart) : .escapes
            facts.calls.append(CallFact(callee: callee, method: method, receiver: receiver, receiverSymbol: recvSym, args: args,
                                        argLabels: Array(repeating: nil, count: args.count), result: result,
                                        deferred: deferred, at: ref(c.names[k]), function: fn.name, role: fn.role, inLoop: inLoop))
        }
        return c.end
    }

    /// A thread temporary handed to `push_back` / `emplace_back` of a field: stored there.
    func containerHandle(_ c: Chain, _ fn: FnCtx) -> ResultUse? {
        guard isP(c.start - 1, UInt8(ascii: "(")), isP(c.end, UInt8(ascii: ")")) else { return nil }
        let m = c.start - 2
        guard isIdent(m), eq(m, "push_back") || eq(m, "emplace_back") || eq(m, "push") || eq(m, "emplace") || eq(m, "insert") else { return nil }
        guard isP(m - 1, UInt8(ascii: ".")) || eq(m - 1, "->") else { return nil }
        // Receiver: a single name or this->name.
        let r = m - 2
        guard isIdent(r) else { return .escapes }
        var sub = Chain(start: r, end: r + 1)
        if eq(r - 1, "->") && eq(r - 2, "this") {
            sub = Chain(start: r - 2, end: r + 1); sub.names = [r - 2, r]; sub.seps = [0, 2]; sub.groups = [[], []]
            if let (s, _) = resolve(sub, 1, fn) { return .stored(s) }
            return .escapes
        }
        sub.names = [r]; sub.seps = [0]; sub.groups = [[]]
        if let (s, _) = resolve(sub, 0, fn) { return .stored(s) }
        return .bound([text(r)])
    }

    func declaredType(_ sym: SymbolRef, _ fn: FnCtx) -> String? {
        if let o = sym.owner { return classes[o]?.fields[sym.name] }
        return globals[sym.name] ?? fn.localTypes[sym.name]
    }

    func isMapDecl(_ sym: SymbolRef) -> Bool {
        guard let t = declaredType(sym, FnCtx(name: "", owner: nil, role: .normal)) else { return true }
        return CppVocabulary.classify(resolveAlias(t))?.kind == .map
    }

    /// nil when the declaration is not in this file.
    func isSequenceDecl(_ sym: SymbolRef, _ res: TargetResolution) -> Bool? {
        guard let t = declaredType(sym, FnCtx(name: "", owner: nil, role: .normal)) else { return nil }
        return CppVocabulary.classify(resolveAlias(t))?.kind == .sequence
    }

    func isContainerish(_ sym: SymbolRef, _ res: TargetResolution) -> Bool {
        guard let t = declaredType(sym, FnCtx(name: "", owner: nil, role: .normal)) else { return true }
        return CppVocabulary.classify(resolveAlias(t)) != nil
    }

    func isTextish(_ sym: SymbolRef, _ res: TargetResolution) -> Bool {
        guard let t = declaredType(sym, FnCtx(name: "", owner: nil, role: .normal)) else { return true }
        guard let k = CppVocabulary.classify(resolveAlias(t))?.kind else { return false }
        return k == .text || k == .sequence
    }

    mutating func emitIndexSet(_ c: Chain, _ k: Int, _ bracket: Int, _ fn: FnCtx) {
        guard let (sym, res) = resolve(c, k, fn) else { return }
        // Writes through `v[i]` on a vector or array do not grow it.
        if let t = declaredType(sym, fn) {
            guard let kind = CppVocabulary.classify(resolveAlias(t))?.kind, kind == .map else { return }
        }
        let close = Int(match[bracket])
        let key = close > bracket + 1 ? folded(bracket + 1, close, limit: 80) : nil
        var value: String? = nil
        if c.end < toks.count && isP(c.end, UInt8(ascii: "=")) {
            let e = skipTo(c.end + 1, toks.count, UInt8(ascii: ";"))
            value = folded(c.end + 1, max(c.end + 1, e - 1), limit: 80)
        }
        let keyType = close > bracket + 1 ? keyTypeOf((bracket + 1)..<close, fn) : nil
        facts.ops.append(ContainerOp(target: sym, resolution: res, op: OpName.indexSet, keyText: key, keyType: keyType,
                                     valueText: value, at: ref(bracket), function: fn.name, role: fn.role,
                                     via: viaName(c, k, fn), inLoop: curInEndlessLoop))
    }

    /// The declared type of a key expression when it is a single parameter or local name.
    func keyTypeOf(_ r: Range<Int>, _ fn: FnCtx) -> String? {
        guard r.count == 1, isIdent(r.lowerBound) else { return nil }
        return fn.localTypes[text(r.lowerBound)]
    }

    /// `{}`, `T{}`, `T()`, `decltype(x){}`, `nullptr`: a fresh, empty value.
    func isFresh(_ k: Int, _ hi: Int) -> Bool {
        if isP(k, UInt8(ascii: "{")) { return Int(match[k]) == k + 1 || true }
        if eq(k, "nullptr") { return true }
        var j = k
        if eq(j, "decltype") && isP(j + 1, UInt8(ascii: "(")) { j = groupEnd(j + 1, hi) }
        else {
            while isIdent(j) || eq(j, "::") { j += 1 }
            if let e = templateArgsEnd(j, hi) { j = e }
        }
        guard j > k else { return false }
        // `T()` / `T{}` is a fresh value when T looks like a type: qualified, templated or capitalised
        // (`makeItems()` is a call whose result is unknown).
        let typeLike = eq(k, "decltype") || (j - k > 1) || (bytes[Int(toks[k].start)] >= UInt8(ascii: "A") && bytes[Int(toks[k].start)] <= UInt8(ascii: "Z"))
        if typeLike && (isP(j, UInt8(ascii: "{")) || isP(j, UInt8(ascii: "("))) && Int(match[j]) == j + 1 { return true }
        return false
    }

    // MARK: Spawns

    func spawnKind(_ typeText: String) -> String {
        let head = CppVocabulary.split(typeText).head
        return "std::" + head
    }

    mutating func addSpawn(kind: String, at: Int, argsOpen: Int, fn: FnCtx, handle: ResultUse) {
        let args = argRanges(argsOpen)
        var callee: SymbolRef? = nil
        var lambdaOpen: Int? = nil
        if let first = args.first {
            var k = first.lowerBound
            if isP(k, UInt8(ascii: "[")), let (open, _) = lambdaBody(k, first.upperBound + 1) {
                lambdaOpen = open
            } else {
                // `std::bind(&C::m, this)` → C::m
                if (eq(k, "std") && eq(k + 2, "bind")) || eq(k, "bind") {
                    let g = eq(k, "bind") ? k + 1 : k + 3
                    if isP(g, UInt8(ascii: "(")), let inner = argRanges(g).first { k = inner.lowerBound }
                }
                if isP(k, UInt8(ascii: "&")) { k += 1 }
                var parts: [String] = []
                var j = k
                while j < first.upperBound && (isIdent(j) || eq(j, "::")) { if isIdent(j) { parts.append(text(j)) }; j += 1 }
                if let name = parts.last {
                    var owner: String? = parts.count > 1 ? guessedOwner(Array(parts.dropLast())) : nil
                    if owner == nil, let o = fn.owner, classes[o]?.methods.contains(name) == true { owner = o }
                    callee = SymbolRef(owner: owner, name: name)
                }
            }
        }
        let argTexts = args.dropFirst().map { folded($0.lowerBound, $0.upperBound, limit: 80) }
        spawns.append(PendingSpawn(fact: SpawnFact(kind: kind, at: ref(at), function: fn.name, role: fn.role, callee: callee,
                                                   body: nil, handle: handle, args: argTexts, inLoop: curInLoop), lambdaOpen: lambdaOpen))
    }

    // MARK: Loops

    /// The loop starting at keyword `i`: its summary and the index just past it.
    func summarizeLoop(_ i: Int, _ hi: Int, depth: Int) -> (LoopFact, Int)? {
        var endless = false
        var bodyLo: Int
        var bodyHi: Int
        var signals: [String] = []
        if eq(i, "do") {
            bodyLo = i + 1
            bodyHi = statementEnd(i + 1, hi, depth: 0)
            var w = bodyHi
            if eq(w, "while") && isP(w + 1, UInt8(ascii: "(")) {
                let close = Int(match[w + 1])
                if close > w + 1 { endless = isTrueCondition(w + 2, close) ; if !endless { conditionSignals(w + 2, close, &signals) } }
                w = close > 0 ? close + 1 : w + 1
            }
            let fact = loopFact(i, endless: endless, bodyLo: bodyLo, bodyHi: bodyHi, signals: signals)
            return (fact, max(bodyHi, w))
        }
        guard isP(i + 1, UInt8(ascii: "(")) else { return nil }
        let close = Int(match[i + 1])
        guard close > i + 1 else { return nil }
        if eq(i, "while") {
            endless = isTrueCondition(i + 2, close)
            if !endless { conditionSignals(i + 2, close, &signals) }
        } else {
            // for (init; cond; step): endless when cond is empty.
            var semis: [Int] = []
            var k = i + 2
            while k < close {
                if isP(k, UInt8(ascii: ";")) { semis.append(k) }
                else if isP(k, UInt8(ascii: "(")) || isP(k, UInt8(ascii: "[")) || isP(k, UInt8(ascii: "{")) { let e = Int(match[k]); if e > k && e < close { k = e } }
                k += 1
            }
            if semis.count == 2 {
                endless = semis[1] == semis[0] + 1 || isTrueCondition(semis[0] + 1, semis[1])
                if !endless { conditionSignals(semis[0] + 1, semis[1], &signals) }
            }
        }
        bodyLo = close + 1
        bodyHi = statementEnd(close + 1, hi, depth: 0)
        return (loopFact(i, endless: endless, bodyLo: bodyLo, bodyHi: bodyHi, signals: signals), bodyHi)
    }

    func isTrueCondition(_ lo: Int, _ hi: Int) -> Bool {
        if hi - lo == 1 { return eq(lo, "true") || eq(lo, "1") || eq(lo, "TRUE") }
        if hi - lo == 2 && isP(lo, UInt8(ascii: "!")) { return eq(lo + 1, "false") || eq(lo + 1, "0") }
        return false
    }

    /// Index just past the statement starting at `k`.
    func statementEnd(_ k: Int, _ hi: Int, depth: Int) -> Int {
        guard k < hi else { return hi }
        if let m = stmtEndMemo.ends[k], m.hi == hi { return m.end }
        let e = statementEndUncached(k, hi, depth: depth)
        stmtEndMemo.ends[k] = (hi, e)
        return e
    }

    func statementEndUncached(_ k: Int, _ hi: Int, depth: Int) -> Int {
        if depth > 32 { return skipTo(k, hi, UInt8(ascii: ";")) }
        if isP(k, UInt8(ascii: "{")) { return groupEnd(k, hi) }
        if eq(k, "if") || eq(k, "while") || eq(k, "for") || eq(k, "switch") {
            var j = k + 1
            if eq(j, "constexpr") { j += 1 }
            guard isP(j, UInt8(ascii: "(")) else { return skipTo(k, hi, UInt8(ascii: ";")) }
            var e = statementEnd(groupEnd(j, hi), hi, depth: depth + 1)
            if eq(k, "if") && eq(e, "else") { e = statementEnd(e + 1, hi, depth: depth + 1) }
            return e
        }
        if eq(k, "do") {
            let e = statementEnd(k + 1, hi, depth: depth + 1)
            return skipTo(e, hi, UInt8(ascii: ";"))
        }
        if eq(k, "try") {
            var e = statementEnd(k + 1, hi, depth: depth + 1)
            while eq(e, "catch") {
                var j = e + 1
                if isP(j, UInt8(ascii: "(")) { j = groupEnd(j, hi) }
                e = statementEnd(j, hi, depth: depth + 1)
            }
            return e
        }
        return skipTo(k, hi, UInt8(ascii: ";"))
    }

    func loopFact(_ kw: Int, endless: Bool, bodyLo: Int, bodyHi: Int, signals initial: [String]) -> LoopFact {
        var exits = false
        var signals = initial
        var nested: [Int] = []   // ends of nested loops / switches (breaks inside them stay there)
        var lambdaEnd = -1
        var k = bodyLo
        func addSignal(_ s: String) { if !signals.contains(s) && signals.count < 16 { signals.append(s) } }
        while k < bodyHi {
            while let e = nested.last, k >= e { nested.removeLast() }
            let inLambda = k < lambdaEnd
            if isP(k, UInt8(ascii: "[")) && isLambdaIntroducer(k), let (_, close) = lambdaBody(k, bodyHi) {
                if close + 1 > lambdaEnd { lambdaEnd = close + 1 }
                k += 1
                continue
            }
            if isKw(k) {
                if !inLambda {
                    if eq(k, "return") || eq(k, "throw") || eq(k, "goto") || eq(k, "co_return") { exits = true }
                    if eq(k, "break") && nested.isEmpty { exits = true }
                    if eq(k, "while") || eq(k, "for") || eq(k, "do") || eq(k, "switch") {
                        if !(eq(k, "while") && isP(k - 1, UInt8(ascii: "}")) && isDoClose(k - 1)) {
                            var j = k + 1
                            if eq(k, "do") { nested.append(statementEnd(j, bodyHi, depth: 0)) }
                            else if isP(j, UInt8(ascii: "(")) {
                                j = groupEnd(j, bodyHi)
                                nested.append(statementEnd(j, bodyHi, depth: 0))
                            }
                        }
                    }
                }
                if (eq(k, "if") || eq(k, "while")) && isP(k + 1, UInt8(ascii: "(")) {
                    let close = Int(match[k + 1])
                    if close > k + 1 { var s: [String] = []; conditionSignals(k + 2, close, &s); for x in s { addSignal(x) } }
                }
                k += 1
                continue
            }
            if isIdent(k) {
                let name = text(k)
                if !inLambda && CppVocabulary.exitCalls.contains(name) && isP(k + 1, UInt8(ascii: "(")) && !isP(k - 1, UInt8(ascii: ".")) && !eq(k - 1, "->") {
                    exits = true
                }
                if name == "stop_requested" { addSignal("stop_requested()") }
                else if name == "stop_token" { addSignal("stop_token") }
                else if name == "threadShouldExit" || name == "isInterruptionRequested" || name == "shouldExit" { addSignal(name + "()") }
                else if (name == "wait" || name == "wait_for" || name == "wait_until") && isP(k + 1, UInt8(ascii: "(")) && (isP(k - 1, UInt8(ascii: ".")) || eq(k - 1, "->")) {
                    let n = argRanges(k + 1).count
                    if (name == "wait" && n >= 2) || (name != "wait" && n >= 3) { addSignal("cv-wait-predicate") }
                } else if name == "load" && isP(k + 1, UInt8(ascii: "(")) && (isP(k - 1, UInt8(ascii: ".")) || eq(k - 1, "->")) && isIdent(k - 2) {
                    addSignal(text(k - 2))
                }
            }
            k += 1
        }
        return LoopFact(at: ref(kw), endless: endless, exits: exits, signals: signals)
    }

    /// Plain names read in a condition (`!running_`, `this->stop`, `flag.load()`, `shouldStop()`).
    func conditionSignals(_ lo: Int, _ hi: Int, _ out: inout [String]) {
        var k = lo
        while k < hi && out.count < 16 {
            if isIdent(k) && !eq(k + 1, "::") && !(isP(k - 1, UInt8(ascii: ".")) || (eq(k - 1, "->") && !eq(k - 2, "this"))) {
                var s = text(k)
                if isP(k + 1, UInt8(ascii: "(")) && Int(match[k + 1]) == k + 2 { s += "()" }
                else if (isP(k + 1, UInt8(ascii: ".")) || eq(k + 1, "->")) && eq(k + 2, "load") { }
                else if isP(k + 1, UInt8(ascii: "(")) { k += 1; continue }
                if !out.contains(s) { out.append(s) }
            }
            k += 1
        }
    }
}
