import LeakLintCore

// MARK: - Structural pass
//
// A light structural pass over Go tokens: package-level declarations (grouped `var (…)`,
// `type … struct`, functions and methods with receivers) and, inside bodies, the statements the
// analyses need. Bodies are walked linearly with an explicit stack of frames, never by
// recursion, so 100k-deep nesting costs memory, not the call stack.

/// Go's composite/container shapes, from the type text.
enum GoShape {
    static func kind(ofType t: String) -> ContainerKind? {
        if t.hasPrefix("map[") { return .map }
        if t.hasPrefix("[]") { return .sequence }
        if t == "sync.Map" || t == "*sync.Map" { return .map }
        return nil
    }
}

final class GoParser {
    let buf: UnsafeBufferPointer<UInt8>
    /// Tokens and bracket matches live in buffers this parser owns (freed in `deinit`): the
    /// walkers index them millions of times, and a buffer read needs no reference counting.
    let toks: UnsafeBufferPointer<GoToken>
    let path: String
    let interest: CallInterest
    /// Per token: its bracket's partner, or -1 (see `GoLexed.match`).
    let match: UnsafeBufferPointer<Int32>
    var facts: FileFacts
    var packageName = ""

    /// Takes over `lexed`'s token and match buffers (freed in `deinit`).
    init(buf: UnsafeBufferPointer<UInt8>, lexed: GoLexed, path: String, scopeKey: String, interest: CallInterest) {
        self.buf = buf
        self.toks = UnsafeBufferPointer(lexed.tokens)
        self.path = path
        self.interest = interest
        var f = FileFacts(path: path, language: .go, scopeKey: scopeKey)
        f.problems = lexed.problems
        self.facts = f
        self.match = UnsafeBufferPointer(lexed.match)
        let n = max(1, lexed.tokens.count)
        self.tokId = UnsafeMutableBufferPointer<Int32>.allocate(capacity: n)
        self.tokId.initialize(repeating: -1)
        self.tokFlags = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: n)
        self.tokFlags.initialize(repeating: 0)
        // About one distinct spelling per six tokens in real code.
        self.idents = IdentTable(expected: n / 6)
        self.idInfo.reserveCapacity(n / 6)
    }

    deinit {
        toks.deallocate()
        match.deallocate()
        tokId.deallocate()
        tokFlags.deallocate()
    }

    // MARK: Interned identifiers
    //
    // Body walkers ask "is this name a local / an import / a call of interest / already called"
    // for most identifiers of a file. Each distinct spelling gets a small id once (a byte hash
    // into an open-addressed table), its String is made once, and those questions become array
    // reads: no String per token, no SipHash per lookup.

    /// Per token: its identifier's id, -1 until first asked.
    let tokId: UnsafeMutableBufferPointer<Int32>
    /// Per token: bit 0 = the `:` ending a `case`/`default` clause header.
    let tokFlags: UnsafeMutableBufferPointer<UInt8>
    /// The file's identifier spellings; `flags` bit 0: the call-interest answer is known,
    /// bit 1: wanted, bit 2: an import name.
    var idents = IdentTable()
    /// What the walkers know of one identifier spelling.
    struct IdInfo {
        /// The walker generation that last marked it a local / a direct call / a call from a literal.
        var local: UInt32 = 0
        var call: UInt32 = 0
        var literalCall: UInt32 = 0
        /// The walker generation in which it last became a local holding a value this function
        /// just made (`x := &T{…}`, `x = new(T)`); 0 after any other assignment.
        var fresh: UInt32 = 0
        /// The walker generation and innermost loop (`BodyWalker.innermostLoopKey`) of its last
        /// call listed in `BodyWalker.loopCalls`: a second call in the same loop adds nothing.
        var loopCallGen: UInt32 = 0
        var loopCallKey: Int = -1
    }
    /// id → walker stamps (grown with `idents`).
    var idInfo: [IdInfo] = []
    /// Bumped by every `BodyWalker`: stamps from earlier walkers no longer count.
    var walkerGeneration: UInt32 = 0
    /// Buffers a body walker hands back when done, for the next one (see `BodyWalker.init`).
    var spare = BodyWalker.Spare()

    /// The id of token `i`'s spelling (any token kind; used on identifiers).
    @inline(__always) func ident(_ i: Int) -> Int32 {
        let c = tokId[i]
        if c >= 0 { return c }
        let t = toks[i]
        let id = idents.intern(buf, Int(t.start), Int(t.end))
        if Int(id) == idInfo.count { idInfo.append(IdInfo()) }
        tokId[i] = id
        return id
    }

    /// The id of a spelling given as a String (parameter names, import names).
    func intern(_ s: String) -> Int32 {
        let id = idents.intern(s)
        if Int(id) == idInfo.count { idInfo.append(IdInfo()) }
        return id
    }

    /// The spelling of id `id`.
    @inline(__always) func name(_ id: Int32) -> String { idents.names[Int(id)] }

    /// Whether the rules want calls to this method name recorded (cached per id).
    @inline(__always) func wants(_ id: Int32) -> Bool {
        let f = idents.flags[Int(id)]
        if f & 1 != 0 { return f & 2 != 0 }
        let w = interest.wants(idents.names[Int(id)])
        idents.flags[Int(id)] = f | 1 | (w ? 2 : 0)
        return w
    }

    /// Whether the spelling is an import name of this file.
    @inline(__always) func isImport(_ id: Int32) -> Bool { idents.flags[Int(id)] & 4 != 0 }

    func markImport(_ name: String) {
        let id = Int(intern(name))
        idents.flags[id] |= 4
    }

    // MARK: Token helpers

    @inline(__always) func isP(_ i: Int, _ code: UInt32) -> Bool {
        i < toks.count && toks[i].kind == .punct && toks[i].code == code
    }
    @inline(__always) func isK(_ i: Int, _ kw: GoKeyword) -> Bool {
        i < toks.count && toks[i].kind == .keyword && toks[i].code == kw.rawValue
    }
    @inline(__always) func isIdent(_ i: Int) -> Bool { i < toks.count && toks[i].kind == .ident }
    @inline(__always) func isSemi(_ i: Int) -> Bool { i < toks.count && toks[i].kind == .semicolon }
    @inline(__always) func isOpen(_ i: Int) -> Bool {
        guard i < toks.count, toks[i].kind == .punct else { return false }
        let c = toks[i].code
        return c == 0x28 || c == 0x5B || c == 0x7B
    }
    @inline(__always) func isClose(_ i: Int) -> Bool {
        guard i < toks.count, toks[i].kind == .punct else { return false }
        let c = toks[i].code
        return c == 0x29 || c == 0x5D || c == 0x7D
    }
    /// The index after a bracketed group starting at `i`, or `i + 1`.
    @inline(__always) func skip(_ i: Int) -> Int {
        if isOpen(i) { let m = Int(match[i]); return m > i ? m + 1 : i + 1 }
        return i + 1
    }
    func text(_ i: Int) -> String {
        let t = toks[i]
        return String(decoding: UnsafeBufferPointer(rebasing: buf[Int(t.start)..<Int(t.end)]), as: UTF8.self)
    }
    /// Folded source text of tokens [a, b).
    func text(_ a: Int, _ b: Int, limit: Int = 240) -> String {
        guard a < b, a < toks.count else { return "" }
        // One token without whitespace inside (not a string literal): its bytes as they are.
        if b == a + 1, toks[a].kind != .string && toks[a].kind != .rawString && toks[a].kind != .rune,
           Int(toks[a].end - toks[a].start) <= limit {
            return text(a)
        }
        let s = Int(toks[a].start), e = Int(toks[min(b, toks.count) - 1].end)
        guard s < e else { return "" }
        return ByteText.folded(buf, s..<e, limit: limit)
    }
    @inline(__always) func identIs(_ i: Int, _ w: StaticString) -> Bool {
        guard isIdent(i) else { return false }
        let t = toks[i]
        let len = Int(t.end - t.start)
        guard len == w.utf8CodeUnitCount else { return false }
        let p = w.utf8Start
        for k in 0..<len where buf[Int(t.start) + k] != p[k] { return false }
        return true
    }
    func ref(_ a: Int, _ b: Int) -> SourceRef {
        let s = Int(toks[a].start)
        let e = Int(toks[max(a, min(b, toks.count) - 1)].end)
        return SourceRef(path: path, start: s, end: max(s, e))
    }
    func ref(_ i: Int) -> SourceRef { ref(i, i + 1) }

    // MARK: File level

    func run() -> FileFacts {
        var i = 0
        let n = toks.count
        // First pass: the package name and the imports (calls into other packages are not ours).
        collectHeader()
        while i < n {
            let t = toks[i]
            if t.kind == .eof { break }
            if t.kind == .keyword {
                switch GoKeyword(rawValue: t.code) {
                case .var: i = parseVarDecl(i + 1); continue
                case .type: i = parseTypeDecl(i + 1); continue
                case .func: i = parseFuncDecl(i); continue
                case .const:
                    collectConstNames(i + 1)
                    i = skipDecl(i + 1); continue
                case .import, .package:
                    i = skipDecl(i + 1); continue
                default: break
                }
            }
            i = skip(i)
        }
        collectSuppressions()
        return facts
    }

    func collectHeader() {
        var i = 0
        let n = toks.count
        while i < n {
            if isK(i, .package) && isIdent(i + 1) {
                packageName = text(i + 1); facts.unitName = packageName
                if facts.importAnchor == nil { facts.importAnchor = Int(toks[i + 1].end) }
            }
            if isK(i, .import) {
                if isP(i + 1, 0x28) {
                    let end = Int(match[i + 1])
                    var j = i + 2
                    while j < end {
                        j = parseImportSpec(j, end)
                    }
                    if end > i + 1 && end < toks.count { facts.importAnchor = Int(toks[end].end) }
                    i = end + 1
                    continue
                } else {
                    i = parseImportSpec(i + 1, n)
                    // Past the import path (the spec ends at its semicolon).
                    if i - 2 > 0 && i - 2 < toks.count { facts.importAnchor = Int(toks[i - 2].end) }
                    continue
                }
            }
            // Only top-level tokens matter here.
            i = isOpen(i) ? skip(i) : i + 1
        }
    }


    func parseImportSpec(_ start: Int, _ end: Int) -> Int {
        var j = start
        var alias: String? = nil
        if isIdent(j) || isP(j, 0x2E) || isP(j, 0x5F) { alias = text(j); j += 1 }
        if j < end, toks[j].kind == .string || toks[j].kind == .rawString {
            let s = Int(toks[j].start), e = Int(toks[j].end)
            let p: String
            if e - s >= 2 && buf[e - 1] == buf[s] && buf[e - 1] < 0x80 {
                // A closed literal: the bytes between its quotes.
                p = String(decoding: UnsafeBufferPointer(rebasing: buf[(s + 1)..<(e - 1)]), as: UTF8.self)
            } else {
                p = String(text(j).dropFirst().dropLast())
            }
            facts.imports.append(p)
            let name = alias ?? GoParser.defaultImportName(p)
            if name != "_" && name != "." { markImport(name) }
            j += 1
        }
        while j < end && !isSemi(j) { j += 1 }
        return j + 1
    }

    /// The package name an import path most likely declares: the last element, skipping a
    /// `/vN` major-version suffix, with a `go-` prefix or `-go` suffix dropped and anything up to
    /// a last `-` dropped (`golang-lru` → `lru`).
    static func defaultImportName(_ p: String) -> String {
        // The last path element, or the one before a `/vN` element.
        let u = Array(p.utf8)
        var end = u.count
        var start = end
        while start > 0 && u[start - 1] != 0x2F { start -= 1 }
        if start > 0 && end - start >= 2 && u[start] == 0x76 && u[(start + 1)..<end].allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
            end = start - 1
            start = end
            while start > 0 && u[start - 1] != 0x2F { start -= 1 }
        }
        // ASCII (every real import path): the same trimming on the bytes.
        if u[start..<end].allSatisfy({ $0 < 0x80 }) {
            func has(_ w: StaticString, at k: Int) -> Bool {
                let n = w.utf8CodeUnitCount
                guard k >= start, k + n <= end else { return false }
                for q in 0..<n where u[k + q] != w.utf8Start[q] { return false }
                return true
            }
            if has("go-", at: start) { start += 3 }
            if end - start >= 3 && has("-go", at: end - 3) { end -= 3 }
            if end - start >= 3 && has(".go", at: end - 3) { end -= 3 }
            if let dash = u[start..<end].lastIndex(of: 0x2D) { start = dash + 1 }
            return String(decoding: u[start..<end], as: UTF8.self)
        }
        var name = String(decoding: u[start..<end], as: UTF8.self)
        if name.hasPrefix("go-") { name = String(name.dropFirst(3)) }
        if name.hasSuffix("-go") { name = String(name.dropLast(3)) }
        if name.hasSuffix(".go") { name = String(name.dropLast(3)) }
        if let dash = name.lastIndex(of: "-") { name = String(name[name.index(after: dash)...]) }
        return name
    }

    /// Records the names a package-level `const` declaration declares (`const A = 1`,
    /// `const ( A T = iota; B; C, D = 1, 2 )`): keys spelled with them come from a fixed set.
    func collectConstNames(_ i: Int) {
        func specNames(_ start: Int, _ limit: Int) -> Int {
            var j = start
            while j < limit && isIdent(j) {
                facts.constants.append(text(j))
                if isP(j + 1, 0x2C) { j += 2 } else { j += 1; break }
            }
            while j < limit && !isSemi(j) && toks[j].kind != .eof { j = skip(j) }
            return j + 1
        }
        _ = forEachSpec(i, specNames)
    }

    /// A declaration's specs, grouped (`( a; b )`) or single: `spec(start, limit)` parses one
    /// and returns the index after it. Returns the index after the declaration.
    func forEachSpec(_ i: Int, _ spec: (Int, Int) -> Int) -> Int {
        guard isP(i, 0x28) else { return spec(i, toks.count) }
        let end = Int(match[i])
        var j = i + 1
        while j < end {
            if isSemi(j) { j += 1; continue }
            j = spec(j, end)
        }
        return end + 1
    }

    /// Skips a const/import/package declaration (grouped or not).
    func skipDecl(_ i: Int) -> Int {
        var j = i
        if isP(j, 0x28) { return skip(j) }
        while j < toks.count && !isSemi(j) && toks[j].kind != .eof { j = skip(j) }
        return j + 1
    }

    // MARK: var

    func parseVarDecl(_ i: Int) -> Int {
        forEachSpec(i) { parseVarSpec($0, $1, storage: .global, owner: nil) }
    }

    /// `a, b T = x, y` up to the next semicolon. Returns the index after the semicolon.
    func parseVarSpec(_ start: Int, _ limit: Int, storage: StorageClass, owner: String?) -> Int {
        var names: [Int] = []
        var j = start
        while j < limit && isIdent(j) {
            names.append(j)
            if isP(j + 1, 0x2C) { j += 2 } else { j += 1; break }
        }
        let typeStart = j
        while j < limit && !isSemi(j) && !isP(j, 0x3D) && toks[j].kind != .eof { j = skip(j) }
        let typeEnd = j
        var values: [(Int, Int)] = []
        if isP(j, 0x3D) {
            j += 1
            var vs = j
            while j < limit && !isSemi(j) && toks[j].kind != .eof {
                if isP(j, 0x2C) { values.append((vs, j)); vs = j + 1 }
                j = skip(j)
            }
            values.append((vs, j))
        }
        let typeText = text(typeStart, typeEnd)
        for (k, nameTok) in names.enumerated() {
            let name = text(nameTok)
            if name == "_" { continue }
            let value: (Int, Int)? = values.count == names.count ? values[k] : (values.count == 1 && names.count == 1 ? values[0] : nil)
            declareVar(nameTok: nameTok, name: name, typeRange: (typeStart, typeEnd), typeText: typeText, value: value)
        }
        // Walk initialiser expressions for func literals (package-level closures run later).
        for (a, b) in values { walkExpressionBodies(a, b, role: .initializer) }
        return j + 1
    }

    /// A package-level variable: a container, an instance of a local type, or an anonymous struct.
    func declareVar(nameTok: Int, name: String, typeRange: (Int, Int), typeText: String, value: (Int, Int)?) {
        let at = ref(nameTok)
        // Anonymous struct: its fields belong to a pseudo-type named after the variable.
        if isK(typeRange.0, .struct) && isP(typeRange.0 + 1, 0x7B) {
            let traits = parseStructFields(open: typeRange.0 + 1, owner: name)
            facts.types.append(TypeFact(name: name, kind: "anonymous-struct", at: at, traits: traits))
            facts.instances.append(InstanceFact(typeName: name, variable: name, at: at))
            return
        }
        var tText = typeText
        var valueText: String? = nil
        var fromConstants = false
        if let (a, b) = value {
            valueText = text(a, b, limit: 200)
            if tText.isEmpty { tText = inferredType(a, b) }
            fromConstants = isConstantLiteral(a, b)
        }
        if let kind = GoShape.kind(ofType: tText) {
            let (k, v) = keyValueTypes(tText)
            facts.containers.append(ContainerDecl(
                symbol: SymbolRef(owner: nil, name: name), storage: .global, kind: kind, typeText: tText,
                keyType: k, valueType: v, at: at, initializer: valueText, initFromConstants: fromConstants))
            return
        }
        if let tn = localTypeName(tText) {
            facts.instances.append(InstanceFact(typeName: tn, variable: name, at: at))
        }
    }

    /// A type name declared in this package, from a type or constructor text: `*Store`, `Store`,
    /// `&Store{…}`, `Store{…}`, `NewStore(…)`, `new(Store)`. Nil for anything else.
    func localTypeName(_ t: String) -> String? {
        t.utf8.allSatisfy({ $0 < 0x80 }) ? Self.localTypeNameASCII(t) : Self.localTypeNameCharacters(t)
    }

    /// `localTypeName` by Characters (Unicode letters and digits).
    static func localTypeNameCharacters(_ t: String) -> String? {
        var s = Substring(t)
        while s.first == "*" || s.first == "&" { s = s.dropFirst() }
        if s.hasPrefix("new(") {
            s = s.dropFirst(4)
            if let close = s.firstIndex(of: ")") { s = s[..<close] }
        }
        var name = ""
        for ch in s {
            if ch.isLetter || ch.isNumber || ch == "_" { name.append(ch) } else { break }
        }
        guard !name.isEmpty, let f = name.first, f.isLetter || f == "_" else { return nil }
        let rest = s.dropFirst(name.count)
        if rest.first == "." { return nil }  // pkg.Type: not ours
        if GoParser.builtinTypes.contains(name) { return nil }
        if rest.first == "(" {
            // Constructor call: NewStore(…) → Store
            if name.hasPrefix("New") && name.count > 3 { return String(name.dropFirst(3)) }
            if name.hasPrefix("new") && name.count > 3 { return String(name.dropFirst(3)) }
            return nil
        }
        return name
    }

    /// `localTypeName` of an ASCII text, on its bytes (the same steps: letters and digits are
    /// ASCII ones there).
    static func localTypeNameASCII(_ t: String) -> String? {
        let u = t.utf8
        var i = u.startIndex, end = u.endIndex
        @inline(__always) func at(_ k: String.Index) -> UInt8? { k < end ? u[k] : nil }
        while let c = at(i), c == 0x2A || c == 0x26 { i = u.index(after: i) }  // * &
        if u[i..<end].starts(with: "new(".utf8) {
            i = u.index(i, offsetBy: 4)
            if let close = u[i..<end].firstIndex(of: 0x29) { end = close }
        }
        let nameStart = i
        while let c = at(i), (c >= 0x61 && c <= 0x7A) || (c >= 0x41 && c <= 0x5A) || (c >= 0x30 && c <= 0x39) || c == 0x5F {
            i = u.index(after: i)
        }
        guard i > nameStart, let f = at(nameStart), !(f >= 0x30 && f <= 0x39) else { return nil }
        let name = String(Substring(u[nameStart..<i]))
        let next = at(i)
        if next == 0x2E { return nil }  // pkg.Type: not ours
        if GoParser.builtinTypes.contains(name) { return nil }
        if next == 0x28 {
            // Constructor call: NewStore(…) → Store
            if (name.hasPrefix("New") || name.hasPrefix("new")) && name.utf8.count > 3 { return String(name.dropFirst(3)) }
            return nil
        }
        return name
    }

    static let builtinTypes = WordSet([
        "bool", "string", "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32",
        "uint64", "uintptr", "byte", "rune", "float32", "float64", "complex64", "complex128", "error",
        "any", "map", "chan", "func", "struct", "interface", "make", "len", "cap", "append", "nil",
        "true", "false", "iota",
    ])

    /// The type an initialiser produces when it says so: `make(map[K]V)` → `map[K]V`,
    /// `map[K]V{…}` → `map[K]V`, `[]T{…}` → `[]T`, `&T{…}` → `&T{…}` (kept for instance detection).
    func inferredType(_ a: Int, _ b: Int) -> String {
        var i = a
        if identIs(i, "make") && isP(i + 1, 0x28) {
            let close = Int(match[i + 1])
            var j = i + 2
            while j < close && !isP(j, 0x2C) { j = skip(j) }
            return text(i + 2, j)
        }
        if isK(i, .map) || (isP(i, 0x5B) && isP(i + 1, 0x5D)) {
            var j = i
            while j < b && !isP(j, 0x7B) { j = skip(j) }
            return text(a, j)
        }
        if isP(i, 0x26) { i += 1 }
        return text(a, min(b, a + 12))
    }

    /// A literal whose entries are constants: no calls inside the braces (conversions aside).
    func isConstantLiteral(_ a: Int, _ b: Int) -> Bool {
        var j = a
        while j < b && !isP(j, 0x7B) { j = skip(j) }
        guard j < b else { return false }
        let close = Int(match[j])
        var k = j + 1
        while k < close {
            if isK(k, .func) { return false }
            if isP(k, 0x28) && isIdent(k - 1) {
                // A call: allow only conversions to builtin types.
                if !GoParser.builtinTypes.contains(text(k - 1)) { return false }
            }
            k += 1
        }
        return true
    }

    /// Key and value/element types of a map or slice type text.
    func keyValueTypes(_ t: String) -> (String?, String?) {
        if t.hasPrefix("[]") { return (nil, String(t.dropFirst(2))) }
        guard t.hasPrefix("map[") else { return (nil, nil) }
        var depth = 0
        var idx = t.index(t.startIndex, offsetBy: 3)
        let keyStart = t.index(after: idx)
        while idx < t.endIndex {
            let c = t[idx]
            if c == "[" { depth += 1 }
            if c == "]" { depth -= 1; if depth == 0 { break } }
            idx = t.index(after: idx)
        }
        guard idx < t.endIndex else { return (nil, nil) }
        let key = String(t[keyStart..<idx])
        let value = String(t[t.index(after: idx)...]).trimmingLeadingSpace()
        return (key, value)
    }

    // MARK: type

    func parseTypeDecl(_ i: Int) -> Int {
        forEachSpec(i, parseTypeSpec)
    }

    func parseTypeSpec(_ start: Int, _ limit: Int) -> Int {
        guard isIdent(start) else {
            var j = start
            while j < limit && !isSemi(j) && toks[j].kind != .eof { j = skip(j) }
            return j + 1
        }
        let name = text(start)
        var j = start + 1
        // Type parameters: `[T any]` (a `[` right after the name that is not an array type `[N]T`).
        if isP(j, 0x5B) && isIdent(j + 1) && !isP(j + 2, 0x5D) { j = skip(j) }
        if isP(j, 0x3D) { j += 1 }  // alias
        if isK(j, .struct) && isP(j + 1, 0x7B) {
            let traits = parseStructFields(open: j + 1, owner: name)
            facts.types.append(TypeFact(name: name, kind: "struct", at: ref(start), traits: traits))
            j = skip(j + 1)
        } else {
            let kindText = isK(j, .interface) ? "interface" : "named"
            var k = j
            while k < limit && !isSemi(k) && toks[k].kind != .eof { k = skip(k) }
            let under = text(j, k)
            var traits: [String] = []
            if let ck = GoShape.kind(ofType: under) { traits.append("container:\(ck.rawValue)") }
            facts.types.append(TypeFact(name: name, kind: kindText, at: ref(start), superTypes: under.isEmpty ? [] : [under], traits: traits))
            j = k
        }
        while j < limit && !isSemi(j) && toks[j].kind != .eof { j = skip(j) }
        return j + 1
    }

    /// Fields of `struct { … }` at `open`: containers become `ContainerDecl`s; returns traits.
    func parseStructFields(open: Int, owner: String) -> [String] {
        let close = Int(match[open])
        var traits: [String] = []
        var j = open + 1
        while j < close {
            if isSemi(j) { j += 1; continue }
            // Field line: names type [tag] ;  or embedded type.
            var names: [Int] = []
            var k = j
            while k < close && isIdent(k) {
                names.append(k)
                if isP(k + 1, 0x2C) { k += 2 } else { k += 1; break }
            }
            var e = k
            while e < close && !isSemi(e) { e = skip(e) }
            // Drop a trailing tag string.
            var typeEnd = e
            if typeEnd > k, toks[typeEnd - 1].kind == .string || toks[typeEnd - 1].kind == .rawString { typeEnd -= 1 }
            let typeText = text(k, typeEnd)
            if names.count == 1 && (typeText.isEmpty || typeText.hasPrefix(".")) {
                // Embedded field: `sync.Mutex`, `*Base`.
                let emb = text(j, typeEnd)
                if emb.hasSuffix("sync.Mutex") || emb.hasSuffix("sync.RWMutex") { traits.append("mutex-member") }
            } else if !names.isEmpty {
                if typeText == "sync.Mutex" || typeText == "sync.RWMutex" || typeText == "*sync.Mutex" || typeText == "*sync.RWMutex" {
                    traits.append("mutex-member")
                }
                if let kind = GoShape.kind(ofType: typeText) {
                    let (kt, vt) = keyValueTypes(typeText)
                    for nt in names {
                        let name = text(nt)
                        if name == "_" { continue }
                        facts.containers.append(ContainerDecl(
                            symbol: SymbolRef(owner: owner, name: name), storage: .instanceMember, kind: kind,
                            typeText: typeText, keyType: kt, valueType: vt, at: ref(nt)))
                    }
                } else if isK(k, .struct) && isP(k + 1, 0x7B) {
                    // Nested anonymous struct field: its fields are owned by `Owner.field`.
                    for nt in names {
                        let sub = "\(owner).\(text(nt))"
                        let subTraits = parseStructFields(open: k + 1, owner: sub)
                        facts.types.append(TypeFact(name: sub, kind: "anonymous-struct", at: ref(nt), traits: subTraits))
                    }
                } else if typeText.hasPrefix("chan ") || typeText.hasPrefix("chan") && typeText.count > 4 {
                    traits.append("chan-member")
                }
            }
            j = e + 1
        }
        return Array(Set(traits)).sorted()
    }

    // MARK: func

    func parseFuncDecl(_ i: Int) -> Int {
        var j = i + 1
        var recvName: String? = nil
        var recvType: String? = nil
        if isP(j, 0x28) {
            // Receiver: (s *Store) / (s Store[T]) / (*Store)
            let close = Int(match[j])
            var k = j + 1
            if isIdent(k) && (isIdent(k + 1) || isP(k + 1, 0x2A)) { recvName = text(k); k += 1 }
            while k < close && (isP(k, 0x2A) || isP(k, 0x28)) { k += 1 }
            if isIdent(k) { recvType = text(k) }
            j = close + 1
        }
        guard isIdent(j) else { return skip(j) }
        let nameTok = j
        let name = text(j)
        j += 1
        if isP(j, 0x5B) { j = skip(j) }  // type params
        guard isP(j, 0x28) else { return j }
        let paramsOpen = j
        var params: [Param] = []
        var localTypes = LocalTypes()
        parseParams(open: paramsOpen, into: &params, types: &localTypes)
        j = skip(paramsOpen)
        // Results: a group or a single type, up to the body.
        if isP(j, 0x28) {
            var rp: [Param] = []
            parseParams(open: j, into: &rp, types: &localTypes)
            params.append(contentsOf: rp.filter { !$0.name.isEmpty }.map { Param(name: $0.name, type: $0.type) })
            j = skip(j)
        }
        while j < toks.count && !isP(j, 0x7B) && !isSemi(j) && toks[j].kind != .eof { j = skip(j) }
        guard isP(j, 0x7B) else { return j + 1 }
        let bodyOpen = j
        let role: FunctionRole
        if recvType == nil && name == "init" { role = .initializer }
        else if recvType == nil && name == "main" && packageName == "main" { role = .main }
        else if name.hasPrefix("New") || (name.hasPrefix("new") && name.count > 3 && name.dropFirst(3).first?.isUppercase == true) { role = .constructor }
        else if GoParser.teardownNames.contains(name) { role = .teardown }
        else { role = .normal }
        if let rn = recvName, let rt = recvType { localTypes.set(rn, rt) }
        var walker = BodyWalker(parser: self, functionName: recvType.map { "\($0).\(name)" } ?? name,
                                owner: recvType, receiver: recvName, role: role, params: params, localTypes: localTypes)
        // The walker appends its ops, calls, spawns and hand-offs to `facts` itself.
        let body = walker.walk(open: bodyOpen)
        facts.functions.append(FunctionFact(name: name, owner: recvType, at: ref(nameTok), role: role, params: params, body: body))
        return skip(bodyOpen)
    }

    static let teardownNames = WordSet(["Close", "close", "Stop", "stop", "Shutdown", "shutdown", "Cleanup", "cleanup", "Reset", "reset", "Dispose", "dispose"])

    /// `(a, b int, c *T)` → params with types; names → local type names for resolution.
    func parseParams(open: Int, into params: inout [Param], types: inout LocalTypes) {
        let close = Int(match[open])
        var j = open + 1
        var pendingNames: [String] = []
        var segStart = j
        func flush(_ a: Int, _ b: Int) {
            // A segment is `name Type`, `name`, or `Type` (unnamed).
            guard a < b else { return }
            if isIdent(a) && b > a + 1 && !isP(a + 1, 0x2E) {
                let nm = text(a)
                let ty = text(a + 1, b)
                let simple = GoParser.simpleTypeName(ty)
                for p in pendingNames { params.append(Param(name: p, type: ty)); if let t = simple { types.set(p, t) } }
                pendingNames.removeAll()
                params.append(Param(name: nm, type: ty))
                if let t = simple { types.set(nm, t) }
            } else if isIdent(a) && b == a + 1 {
                pendingNames.append(text(a))
            } else {
                for p in pendingNames { params.append(Param(name: "", type: p)) }
                pendingNames.removeAll()
                params.append(Param(name: "", type: text(a, b)))
            }
        }
        while j < close {
            if isP(j, 0x2C) { flush(segStart, j); segStart = j + 1; j += 1; continue }
            j = skip(j)
        }
        flush(segStart, close)
        for p in pendingNames { params.append(Param(name: "", type: p)) }
    }

    /// `*Store` → Store, `Store[T]` → Store; `pkg:sync.Map` for package-qualified types; nil for
    /// builtin types. Read on the text's bytes in place (a String's UTF-8 view stepped byte by
    /// byte cost ~900 instructions a call, and parameters ask it for every type).
    static func simpleTypeName(_ t: String) -> String? {
        var text = t
        return text.withUTF8 { u -> String? in
            let n = u.count
            var i = 0
            while i < n && u[i] == UInt8(ascii: "*") { i += 1 }
            let nameStart = i
            // Letters, digits, '_' and any non-ASCII byte (Go identifiers may be Unicode letters).
            while i < n {
                let c = u[i]
                let isWord = (c >= 0x61 && c <= 0x7A) || (c >= 0x41 && c <= 0x5A) || (c >= 0x30 && c <= 0x39) || c == 0x5F || c >= 0x80
                guard isWord else { break }
                i += 1
            }
            guard i > nameStart else { return nil }
            if i < n && u[i] == UInt8(ascii: ".") {
                var j = i
                while j < n && u[j] != UInt8(ascii: "[") { j += 1 }
                return "pkg:" + String(decoding: UnsafeBufferPointer(rebasing: u[nameStart..<j]), as: UTF8.self)
            }
            guard !builtinTypes.mayContain(first: u[nameStart], count: i - nameStart)
                    || !builtinTypes.contains(String(decoding: UnsafeBufferPointer(rebasing: u[nameStart..<i]), as: UTF8.self))
            else { return nil }
            // The whole text is the name: no new String.
            if nameStart == 0 && i == n { return t }
            return String(decoding: UnsafeBufferPointer(rebasing: u[nameStart..<i]), as: UTF8.self)
        }
    }

    /// Function literals inside a package-level initialiser are walked like bodies.
    func walkExpressionBodies(_ a: Int, _ b: Int, role: FunctionRole) {
        var j = a
        while j < b {
            if isK(j, .func) && isP(j + 1, 0x28) {
                var k = skip(j + 1)
                while k < b && !isP(k, 0x7B) && !isSemi(k) && !isP(k, 0x2C) && !isClose(k) { k = skip(k) }
                if isP(k, 0x7B) {
                    var ps: [Param] = []
                    var lt = LocalTypes()
                    parseParams(open: j + 1, into: &ps, types: &lt)
                    var walker = BodyWalker(parser: self, functionName: "init", owner: nil, receiver: nil,
                                            role: .normal, params: ps, localTypes: lt)
                    _ = walker.walk(open: k)
                    j = skip(k)
                    continue
                }
            }
            j += 1
        }
    }

    // MARK: Suppressions

    func collectSuppressions() {
        // Comments are collected by the tokenizer; the front end passes them in `commentRanges`.
    }
}

extension String {
    func trimmingLeadingSpace() -> String {
        var s = Substring(self)
        while s.first == " " { s = s.dropFirst() }
        return String(s)
    }
}

/// Local names of a body and the types they hold (`Store`, or `pkg:<path>` for another
/// package's type), newest last so a redeclaration wins. A function has a handful: a list scanned
/// from the end costs less than hashing into a fresh dictionary per function; long bodies get an
/// index once the list grows.
struct LocalTypes: Sequence {
    private(set) var entries: [(name: String, type: String)] = []
    private var index: [String: Int] = [:]
    private static let indexFrom = 16

    init() {}

    mutating func set(_ name: String, _ type: String) {
        entries.append((name, type))
        if entries.count > Self.indexFrom {
            if index.isEmpty { for (k, e) in entries.enumerated() { index[e.name] = k } }
            else { index[name] = entries.count - 1 }
        }
    }

    subscript(name: String) -> String? {
        if entries.count > Self.indexFrom { return index[name].map { entries[$0].type } }
        var k = entries.count - 1
        while k >= 0 {
            if entries[k].name == name { return entries[k].type }
            k -= 1
        }
        return nil
    }

    func makeIterator() -> IndexingIterator<[(name: String, type: String)]> { entries.makeIterator() }
}
