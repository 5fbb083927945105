import LeakLintCore

// MARK: - Structural pass over libclang's tokens
//
// Without headers clang drops every declaration and statement that names an undeclared type
// (most of them, in a file parsed alone), so facts come from a structural pass over the
// tokens clang's lexer produced: declarations (namespaces, classes, fields, functions,
// out-of-line `T::method` definitions), then function bodies (member chains, loops, lambdas,
// threads). Recursion is bounded; unmatched brackets extend to the end of their region.

/// Per-class knowledge gathered in the declaration pass.
struct ClassInfo {
    var qualified: String
    var simple: String
    var typeIndex: Int
    /// Field name → type text.
    var fields: [String: String] = [:]
    var methods: Set<String> = []
}

/// The function a body belongs to.
struct FnCtx {
    var name: String
    var owner: String?
    var role: FunctionRole
    var locals: Set<String> = []
    /// Local name → declared type text (for scoped-connection handles and thread containers).
    var localTypes: [String: String] = [:]
    /// Function-local `static`s: they live for the process.
    var staticLocals: Set<String> = []
}

struct PendingBody {
    var open: Int
    var close: Int
    var ctx: FnCtx
    /// Index into `facts.functions` to fill with the body summary, or -1.
    var functionIndex: Int
}

struct PendingSpawn {
    var fact: SpawnFact
    var lambdaOpen: Int?
}

/// Memo of statement ends (a reference so non-mutating helpers can fill it).
final class StatementEndMemo {
    var ends: [Int: (hi: Int, end: Int)] = [:]
}

struct CppExtractor {
    let file: SourceFile
    let bytes: [UInt8]
    let path: String
    let interest: CallInterest
    var toks: [CppToken] = []
    var match: [Int32] = []
    var facts: FileFacts
    var aliases: [String: String]
    var classes: [String: ClassInfo] = [:]
    var classBySimple: [String: String] = [:]
    var globals: [String: String] = [:]
    var namespaces: Set<String> = ["std"]
    var pending: [PendingBody] = []
    var lambdaBodies: [Int: BodyFact] = [:]
    var spawns: [PendingSpawn] = []
    var cutOff = false
    let stmtEndMemo = StatementEndMemo()
    /// Whether the token being scanned sits in a loop of its function.
    var curInLoop = false
    /// Inside a loop that cannot end (`for (;;)`, `while (true)` with no way out): what container
    /// ops record as `inLoop`, since run-once code that loops over a table fills it once.
    var curInEndlessLoop = false

    static let maxDepth = 64

    init(file: SourceFile, lexed: LexedFile, interest: CallInterest, scopeKey: String, unitName: String?) {
        self.file = file
        self.bytes = file.bytes
        self.path = file.path
        self.interest = interest
        self.facts = FileFacts(path: file.path, language: .cpp, scopeKey: scopeKey, unitName: unitName)
        self.aliases = lexed.aliases
        self.facts.problems = lexed.problems
        self.stripDirectives(lexed.tokens)
        self.buildMatches()
        self.suppressions(lexed.comments)
    }

    // MARK: - Token helpers

    @inline(__always) func len(_ i: Int) -> Int { Int(toks[i].end - toks[i].start) }

    /// Whether token `i` spells `s` exactly.
    func eq(_ i: Int, _ s: StaticString) -> Bool {
        guard i >= 0 && i < toks.count else { return false }
        let t = toks[i]
        let n = Int(t.end - t.start)
        guard n == s.utf8CodeUnitCount else { return false }
        let p = s.utf8Start
        var k = 0
        let base = Int(t.start)
        while k < n {
            if bytes[base + k] != p[k] { return false }
            k += 1
        }
        return true
    }

    /// Single-byte punctuation check.
    @inline(__always) func isP(_ i: Int, _ c: UInt8) -> Bool {
        guard i >= 0 && i < toks.count else { return false }
        let t = toks[i]
        return t.kind == .punct && t.end - t.start == 1 && bytes[Int(t.start)] == c
    }

    func isIdent(_ i: Int) -> Bool { i >= 0 && i < toks.count && toks[i].kind == .ident }
    func isKw(_ i: Int) -> Bool { i >= 0 && i < toks.count && toks[i].kind == .keyword }

    func text(_ i: Int) -> String {
        guard i >= 0 && i < toks.count else { return "" }
        return String(decoding: bytes[Int(toks[i].start)..<Int(toks[i].end)], as: UTF8.self)
    }

    /// Folded source text of tokens `lo..<hi`.
    func folded(_ lo: Int, _ hi: Int, limit: Int = 200) -> String {
        guard lo < hi, lo >= 0, hi <= toks.count else { return "" }
        return bytes.withUnsafeBufferPointer { buf in
            ByteText.folded(buf, Int(toks[lo].start)..<Int(toks[hi - 1].end), limit: limit)
        }
    }

    func ref(_ i: Int) -> SourceRef {
        guard i >= 0 && i < toks.count else { return SourceRef(path: path, start: 0, end: 0) }
        return SourceRef(path: path, start: Int(toks[i].start), end: Int(toks[i].end))
    }

    /// Index just past the group opened at `i`, or `hi` when it is unmatched.
    func groupEnd(_ i: Int, _ hi: Int) -> Int {
        let m = Int(match[i])
        return m >= 0 && m < hi ? m + 1 : hi
    }

    // MARK: - Preparation

    /// Drops preprocessor directive lines (keeping `#include` targets as imports).
    mutating func stripDirectives(_ all: [CppToken]) {
        toks.reserveCapacity(all.count)
        var i = 0
        let n = all.count
        var lastEnd = 0
        while i < n {
            let t = all[i]
            let s = Int(t.start)
            if t.kind == .punct && t.end - t.start == 1 && bytes[s] == UInt8(ascii: "#") && startsLine(s, after: lastEnd, first: i == 0) {
                // Directive: up to an unescaped line end.
                var e = s
                while e < bytes.count {
                    let c = bytes[e]
                    if c == 0x0A || c == 0x0D {
                        var k = e - 1
                        while k > s && (bytes[k] == 0x20 || bytes[k] == 0x09) { k -= 1 }
                        if bytes[k] == UInt8(ascii: "\\") {
                            if c == 0x0D && e + 1 < bytes.count && bytes[e + 1] == 0x0A { e += 1 }
                            e += 1
                            continue
                        }
                        break
                    }
                    e += 1
                }
                var j = i + 1
                if j < n && all[j].start < e {
                    let w = String(decoding: bytes[Int(all[j].start)..<Int(all[j].end)], as: UTF8.self)
                    if w == "include" || w == "import" || w == "include_next" {
                        let lo = Int(all[j].end)
                        if lo < e { facts.imports.append(includeTarget(lo, e)) }
                    }
                }
                while j < n && Int(all[j].start) < e { j += 1 }
                lastEnd = e
                i = j
                continue
            }
            toks.append(t)
            lastEnd = Int(t.end)
            i += 1
        }
    }

    func startsLine(_ s: Int, after lastEnd: Int, first: Bool) -> Bool {
        var k = s - 1
        while k >= 0 {
            let c = bytes[k]
            if c == 0x0A || c == 0x0D { return true }
            if c != 0x20 && c != 0x09 { return k < lastEnd ? false : false }
            k -= 1
        }
        return true
    }

    func includeTarget(_ lo: Int, _ hi: Int) -> String {
        var out: [UInt8] = []
        var k = lo
        var inside = false
        while k < hi {
            let c = bytes[k]
            if c == UInt8(ascii: "<") || c == UInt8(ascii: "\"") {
                if inside { break }
                inside = true
            } else if c == UInt8(ascii: ">") || (c == UInt8(ascii: "\"") && inside) {
                break
            } else if inside {
                out.append(c)
            }
            k += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Pairs `()`, `[]`, `{}`; a closer that does not fit closes the nearest fitting opener.
    mutating func buildMatches() {
        match = [Int32](repeating: -1, count: toks.count)
        var stack: [Int] = []
        for i in 0..<toks.count where toks[i].kind == .punct && toks[i].end - toks[i].start == 1 {
            let c = bytes[Int(toks[i].start)]
            switch c {
            case UInt8(ascii: "("), UInt8(ascii: "["), UInt8(ascii: "{"):
                stack.append(i)
            case UInt8(ascii: ")"), UInt8(ascii: "]"), UInt8(ascii: "}"):
                let want: UInt8 = c == UInt8(ascii: ")") ? UInt8(ascii: "(") : c == UInt8(ascii: "]") ? UInt8(ascii: "[") : UInt8(ascii: "{")
                var k = stack.count - 1
                var limit = 8
                while k >= 0 && limit > 0 {
                    if bytes[Int(toks[stack[k]].start)] == want { break }
                    k -= 1; limit -= 1
                }
                if k >= 0 && limit > 0 && bytes[Int(toks[stack[k]].start)] == want {
                    let o = stack[k]
                    match[o] = Int32(i); match[i] = Int32(o)
                    stack.removeSubrange(k...)
                }
            default: break
            }
        }
    }

    mutating func suppressions(_ comments: [CppToken]) {
        guard !comments.isEmpty else { return }
        var ti = 0
        for c in comments {
            let lo = Int(c.start), hi = Int(c.end)
            let mentions = bytes.withUnsafeBufferPointer { SuppressionDirective.mentions($0, lo..<hi) }
            guard mentions, let parsed = SuppressionDirective.parse(file.text(lo..<hi)) else { continue }
            let line = file.lineIndex(of: lo)
            // Code before the comment on its line: it applies to that line; else to the next code line.
            while ti < toks.count && Int(toks[ti].end) <= lo { ti += 1 }
            var target = line + 1
            if ti > 0 && file.lineIndex(of: Int(toks[ti - 1].start)) == line {
                target = line
            } else {
                var k = ti
                while k < toks.count && Int(toks[k].start) < hi { k += 1 }
                if k < toks.count { target = max(line + 1, file.lineIndex(of: Int(toks[k].start))) }
            }
            facts.suppressions.append(SuppressionFact(rules: parsed.rules, reason: parsed.reason,
                                                      at: SourceRef(path: path, start: lo, end: hi),
                                                      targetLine: target))
        }
    }

    // MARK: - Run

    mutating func run() -> FileFacts {
        parseDecls(0, toks.count, cls: nil, depth: 0)
        // Bodies after every declaration is known (inline methods see fields declared below).
        var k = 0
        while k < pending.count {
            var p = pending[k]
            let body = scanBody(p.open + 1, p.close, &p.ctx, depth: 0)
            if p.functionIndex >= 0 { facts.functions[p.functionIndex].body = body }
            k += 1
        }
        for s in spawns {
            var f = s.fact
            if let o = s.lambdaOpen, let b = lambdaBodies[o] { f.body = b }
            facts.spawns.append(f)
        }
        if cutOff { facts.problems.append("nesting too deep: part of the file was skipped") }
        return facts
    }

    // MARK: - Declarations

    mutating func parseDecls(_ lo: Int, _ hi: Int, cls: String?, depth: Int) {
        if depth > Self.maxDepth { cutOff = true; return }
        var i = lo
        while i < hi {
            let t = toks[i]
            if t.kind == .punct {
                if isP(i, UInt8(ascii: "[")) && isP(i + 1, UInt8(ascii: "[")) { i = groupEnd(i, hi); continue }
                if isP(i, UInt8(ascii: "{")) { i = groupEnd(i, hi); continue }
                i += 1
                continue
            }
            if t.kind == .keyword {
                if eq(i, "namespace") {
                    var j = i + 1
                    var name = ""
                    while j < hi && (isIdent(j) || eq(j, "::") || eq(j, "inline")) {
                        if isIdent(j) { name = text(j); namespaces.insert(name) }
                        j += 1
                    }
                    if isP(j, UInt8(ascii: "{")) {
                        let end = groupEnd(j, hi)
                        parseDecls(j + 1, max(j + 1, end - 1), cls: cls, depth: depth + 1)
                        i = end
                    } else {
                        i = skipTo(j, hi, UInt8(ascii: ";"))
                    }
                    _ = name
                    continue
                }
                if eq(i, "extern") && i + 2 < hi && toks[i + 1].kind == .literal && isP(i + 2, UInt8(ascii: "{")) {
                    let end = groupEnd(i + 2, hi)
                    parseDecls(i + 3, max(i + 3, end - 1), cls: cls, depth: depth + 1)
                    i = end
                    continue
                }
                if eq(i, "template") {
                    i = skipAngles(i + 1, hi)
                    continue
                }
                if eq(i, "class") || eq(i, "struct") || eq(i, "union") {
                    if let next = parseClass(i, hi, outer: cls, depth: depth) { i = next; continue }
                }
                if eq(i, "enum") {
                    var j = i + 1
                    // `enum [class|struct] [[attrs]] Name [: underlying] {`: a type whose values are
                    // a fixed set (a bounded key domain); recorded only when it has a body.
                    var nameIdx = -1
                    var k = j
                    if eq(k, "class") || eq(k, "struct") { k += 1 }
                    while isP(k, UInt8(ascii: "[")) && isP(k + 1, UInt8(ascii: "[")) { k = groupEnd(k, hi) }
                    if isIdent(k) { nameIdx = k }
                    while j < hi && !isP(j, UInt8(ascii: "{")) && !isP(j, UInt8(ascii: ";")) { j += 1 }
                    if nameIdx >= 0 && isP(j, UInt8(ascii: "{")) {
                        let simple = text(nameIdx)
                        facts.types.append(TypeFact(name: cls.map { $0 + "::" + simple } ?? simple, kind: "enum", at: ref(nameIdx)))
                    }
                    if isP(j, UInt8(ascii: "{")) { j = groupEnd(j, hi) }
                    i = skipTo(j, hi, UInt8(ascii: ";"))
                    continue
                }
                if eq(i, "using") {
                    if isIdent(i + 1) && isP(i + 2, UInt8(ascii: "=")) {
                        let end = skipTo(i + 3, hi, UInt8(ascii: ";"))
                        let last = end > i + 3 && isP(end - 1, UInt8(ascii: ";")) ? end - 1 : end
                        let name = text(i + 1)
                        if aliases[name] == nil { aliases[name] = folded(i + 3, last).replacingSpaces() }
                        i = end
                    } else {
                        i = skipTo(i + 1, hi, UInt8(ascii: ";"))
                    }
                    continue
                }
                if eq(i, "typedef") {
                    let end = skipTo(i + 1, hi, UInt8(ascii: ";"))
                    let last = end > i + 1 && isP(end - 1, UInt8(ascii: ";")) ? end - 1 : end
                    if last - 1 > i + 1 && isIdent(last - 1) {
                        let name = text(last - 1)
                        if aliases[name] == nil { aliases[name] = folded(i + 1, last - 1).replacingSpaces() }
                    }
                    i = end
                    continue
                }
                if eq(i, "public") || eq(i, "private") || eq(i, "protected") {
                    i += 1
                    if isIdent(i) && (eq(i, "slots") || eq(i, "Q_SLOTS")) { i += 1 }
                    if isP(i, UInt8(ascii: ":")) { i += 1 }
                    continue
                }
                if eq(i, "static_assert") || eq(i, "friend") {
                    i = skipDecl(i + 1, hi)
                    continue
                }
            }
            if t.kind == .ident && cls != nil && (eq(i, "signals") || eq(i, "Q_SIGNALS") || eq(i, "slots")) && isP(i + 1, UInt8(ascii: ":")) {
                i += 2
                continue
            }
            // A macro invocation standing alone (`JUCE_DECLARE_NON_COPYABLE (Foo)`, `Q_OBJECT`).
            if t.kind == .ident && isMacroName(i) {
                var j = i + 1
                if isP(j, UInt8(ascii: "(")) { j = groupEnd(j, hi) }
                if j >= hi || isP(j, UInt8(ascii: ";")) || isP(j, UInt8(ascii: "}")) || onLaterLine(j, than: j - 1) {
                    i = isP(j, UInt8(ascii: ";")) ? j + 1 : j
                    continue
                }
            }
            i = parseDeclaration(i, hi, cls: cls, depth: depth)
        }
    }

    /// ALL_CAPS identifiers (with at least one underscore or 3+ letters) are taken for macros.
    func isMacroName(_ i: Int) -> Bool {
        let t = toks[i]
        let n = Int(t.end - t.start)
        guard n >= 3 else { return false }
        for k in Int(t.start)..<Int(t.end) {
            let c = bytes[k]
            let ok = (c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z")) || (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9")) || c == UInt8(ascii: "_")
            if !ok { return false }
        }
        return true
    }

    func onLaterLine(_ j: Int, than k: Int) -> Bool {
        guard j < toks.count, k >= 0 else { return false }
        var p = Int(toks[k].end)
        let e = Int(toks[j].start)
        while p < e {
            if bytes[p] == 0x0A || bytes[p] == 0x0D { return true }
            p += 1
        }
        return false
    }

    /// Index just past the next top-level `c` (or `hi`).
    func skipTo(_ from: Int, _ hi: Int, _ c: UInt8) -> Int {
        var j = from
        while j < hi {
            if isP(j, c) { return j + 1 }
            if isP(j, UInt8(ascii: "(")) || isP(j, UInt8(ascii: "[")) || isP(j, UInt8(ascii: "{")) { j = groupEnd(j, hi); continue }
            if isP(j, UInt8(ascii: "}")) { return j }
            j += 1
        }
        return hi
    }

    /// Skips a declaration ending in `;` or a `{…}` body.
    func skipDecl(_ from: Int, _ hi: Int) -> Int {
        var j = from
        while j < hi {
            if isP(j, UInt8(ascii: ";")) { return j + 1 }
            if isP(j, UInt8(ascii: "{")) {
                let e = groupEnd(j, hi)
                return isP(e, UInt8(ascii: ";")) ? e + 1 : e
            }
            if isP(j, UInt8(ascii: "(")) || isP(j, UInt8(ascii: "[")) { j = groupEnd(j, hi); continue }
            if isP(j, UInt8(ascii: "}")) { return j }
            j += 1
        }
        return hi
    }

    /// After `template`: skips `<…>` (nested angles, groups skipped whole).
    func skipAngles(_ from: Int, _ hi: Int) -> Int {
        guard isP(from, UInt8(ascii: "<")) else { return from }
        var depth = 0
        var j = from
        while j < hi {
            if isP(j, UInt8(ascii: "<")) { depth += 1 }
            else if isP(j, UInt8(ascii: ">")) { depth -= 1; if depth == 0 { return j + 1 } }
            else if eq(j, ">>") { depth -= 2; if depth <= 0 { return j + 1 } }
            else if isP(j, UInt8(ascii: "(")) || isP(j, UInt8(ascii: "[")) { j = groupEnd(j, hi); continue }
            else if isP(j, UInt8(ascii: "{")) || isP(j, UInt8(ascii: ";")) { return j }
            j += 1
        }
        return hi
    }

    /// Template arguments after a name: returns the index past `>` when `<…>` is followed by
    /// something a type or call continues with, else nil.
    func templateArgsEnd(_ from: Int, _ hi: Int) -> Int? {
        guard isP(from, UInt8(ascii: "<")) else { return nil }
        var depth = 0
        var j = from
        var steps = 0
        while j < hi && steps < 96 {
            steps += 1
            if isP(j, UInt8(ascii: "<")) { depth += 1 }
            else if isP(j, UInt8(ascii: ">")) { depth -= 1; if depth == 0 { return j + 1 } }
            else if eq(j, ">>") { depth -= 2; if depth <= 0 { return j + 1 } }
            else if isP(j, UInt8(ascii: "(")) || isP(j, UInt8(ascii: "[")) { j = groupEnd(j, hi); continue }
            else if isP(j, UInt8(ascii: "{")) || isP(j, UInt8(ascii: ";")) || isP(j, UInt8(ascii: "}")) || eq(j, "&&") || eq(j, "||") { return nil }
            j += 1
        }
        return nil
    }

    // MARK: - Classes

    mutating func parseClass(_ i: Int, _ hi: Int, outer: String?, depth: Int) -> Int? {
        let kind = text(i)
        var j = i + 1
        var nameIdx = -1
        var qualParts: [String] = []
        while j < hi {
            if isP(j, UInt8(ascii: "[")) && isP(j + 1, UInt8(ascii: "[")) { j = groupEnd(j, hi); continue }
            if eq(j, "alignas") || eq(j, "__declspec") || eq(j, "__attribute__") {
                j += 1
                if isP(j, UInt8(ascii: "(")) { j = groupEnd(j, hi) }
                continue
            }
            if isIdent(j) {
                if nameIdx >= 0 && !eq(j - 1, "::") { qualParts = [] }  // `class JUCE_API Foo`
                qualParts.append(text(j)); nameIdx = j; j += 1
                if eq(j, "::") { j += 1 }
                continue
            }
            break
        }
        if let e = templateArgsEnd(j, hi) { j = e }
        if isIdent(j) && (eq(j, "final") || eq(j, "sealed")) { j += 1 }
        var bases: [String] = []
        if isP(j, UInt8(ascii: ":")) {
            var k = j + 1
            var partStart = k
            var angle = 0
            while k < hi && !isP(k, UInt8(ascii: "{")) && !isP(k, UInt8(ascii: ";")) {
                if isP(k, UInt8(ascii: "<")) { angle += 1 }
                else if isP(k, UInt8(ascii: ">")) { angle -= 1 }
                else if eq(k, ">>") { angle -= 2 }
                else if isP(k, UInt8(ascii: "(")) { k = groupEnd(k, hi); continue }
                else if isP(k, UInt8(ascii: ",")) && angle <= 0 {
                    bases.append(baseName(partStart, k)); partStart = k + 1
                }
                k += 1
            }
            if k > partStart { bases.append(baseName(partStart, k)) }
            j = k
        }
        guard isP(j, UInt8(ascii: "{")), nameIdx >= 0 || true else { return nil }
        let close = groupEnd(j, hi)
        let simple = nameIdx >= 0 ? text(nameIdx) : ""
        var qualified = qualParts.joined(separator: "::")
        if let o = outer, !qualified.isEmpty { qualified = o + "::" + qualified }
        if !qualified.isEmpty {
            let idx = facts.types.count
            facts.types.append(TypeFact(name: qualified, kind: kind, at: ref(nameIdx), superTypes: bases.filter { !$0.isEmpty }))
            if classes[qualified] == nil {
                classes[qualified] = ClassInfo(qualified: qualified, simple: simple, typeIndex: idx)
            }
            if classBySimple[simple] == nil { classBySimple[simple] = qualified }
            parseDecls(j + 1, max(j + 1, close - 1), cls: qualified, depth: depth + 1)
        } else {
            parseDecls(j + 1, max(j + 1, close - 1), cls: outer, depth: depth + 1)
        }
        // `} instance;` declarators.
        var k = close
        while k < hi && !isP(k, UInt8(ascii: ";")) && !isP(k, UInt8(ascii: "}")) && !isP(k, UInt8(ascii: "{")) {
            if isIdent(k) && (isP(k + 1, UInt8(ascii: ";")) || isP(k + 1, UInt8(ascii: ",")) || isP(k + 1, UInt8(ascii: "="))) && !qualified.isEmpty {
                if outer == nil {
                    facts.instances.append(InstanceFact(typeName: qualified, variable: text(k), at: ref(k)))
                    globals[text(k)] = qualified
                }
            }
            k += 1
        }
        return isP(k, UInt8(ascii: ";")) ? k + 1 : k
    }

    func baseName(_ lo: Int, _ hi: Int) -> String {
        var k = lo
        while k < hi && (eq(k, "public") || eq(k, "private") || eq(k, "protected") || eq(k, "virtual")) { k += 1 }
        return folded(k, hi).replacingSpaces()
    }

    // MARK: - Declarations (variables, fields, functions)

    mutating func parseDeclaration(_ i: Int, _ hi: Int, cls: String?, depth: Int) -> Int {
        var j = i
        var firstParen = -1
        var eqIdx = -1
        var braceInit = -1
        var stop = -1          // first top-level `=`, `{`, `[`, `(`, `;`, `:` or `,` after the type
        var angle = 0
        var bodyOpen = -1
        var end = hi
        var isStatic = false
        while j < hi {
            if isKw(j) && eq(j, "static") { isStatic = true }
            if isP(j, UInt8(ascii: ";")) { if stop < 0 { stop = j }; end = j + 1; break }
            if isP(j, UInt8(ascii: "}")) { if stop < 0 { stop = j }; end = j; break }
            if isP(j, UInt8(ascii: "<")) && stop < 0 { angle += 1 }
            if isP(j, UInt8(ascii: ">")) && stop < 0 { angle = max(0, angle - 1) }
            if eq(j, ">>") && stop < 0 { angle = max(0, angle - 2) }
            if isP(j, UInt8(ascii: "(")) {
                if firstParen < 0 && eqIdx < 0 && braceInit < 0 && angle == 0 { firstParen = j; if stop < 0 { stop = j } }
                j = groupEnd(j, hi)
                continue
            }
            if isP(j, UInt8(ascii: "[")) {
                if stop < 0 && angle == 0 && !isP(j + 1, UInt8(ascii: "[")) { stop = j }
                j = groupEnd(j, hi)
                continue
            }
            if isP(j, UInt8(ascii: "{")) {
                if eqIdx >= 0 || braceInit >= 0 { j = groupEnd(j, hi); continue }
                if firstParen >= 0 && !looksLikeDirectInit(firstParen, i, hi) {
                    bodyOpen = j
                    end = groupEnd(j, hi)
                    break
                }
                braceInit = j
                if stop < 0 { stop = j }
                j = groupEnd(j, hi)
                continue
            }
            if isP(j, UInt8(ascii: "=")) && firstParen < 0 && eqIdx < 0 && angle == 0 {
                eqIdx = j
                if stop < 0 { stop = j }
            }
            if isP(j, UInt8(ascii: ":")) && firstParen >= 0 && eqIdx < 0 && isP(j - 1, UInt8(ascii: ")")) || (isP(j, UInt8(ascii: ":")) && firstParen >= 0 && eqIdx < 0 && (eq(j - 1, "noexcept") || eq(j - 1, "override"))) {
                // Constructor initialiser list: names with `(…)`/`{…}` up to the body.
                var k = j + 1
                while k < hi {
                    if isP(k, UInt8(ascii: "(")) || isP(k, UInt8(ascii: "[")) { k = groupEnd(k, hi); continue }
                    if isP(k, UInt8(ascii: "{")) {
                        if isIdent(k - 1) || isP(k - 1, UInt8(ascii: ">")) { k = groupEnd(k, hi); continue }
                        break
                    }
                    if isP(k, UInt8(ascii: ";")) || isP(k, UInt8(ascii: "}")) { break }
                    k += 1
                }
                if isP(k, UInt8(ascii: "{")) {
                    bodyOpen = k
                    end = groupEnd(k, hi)
                    // Member initialisers may start threads: scan them as constructor code.
                    j = k
                    break
                }
                j = k
                continue
            }
            if (isP(j, UInt8(ascii: ":")) || isP(j, UInt8(ascii: ","))) && stop < 0 && angle == 0 && firstParen < 0 { stop = j }
            j += 1
        }
        if j >= hi && end == hi && stop < 0 { stop = hi }
        if firstParen >= 0 && !looksLikeDirectInit(firstParen, i, hi) && (eqIdx < 0 || eqIdx > firstParen) {
            handleFunction(i, firstParen, bodyOpen: bodyOpen, end: end, cls: cls, isStatic: isStatic)
            return max(end, i + 1)
        }
        handleVariable(i, stop: stop < 0 ? min(end, hi) : stop, eqIdx: eqIdx, braceInit: braceInit,
                       directInit: firstParen, end: end, cls: cls, isStatic: isStatic)
        return max(end, i + 1)
    }

    /// `std::vector<int> v(10);` rather than a function declaration.
    func looksLikeDirectInit(_ paren: Int, _ declStart: Int, _ hi: Int) -> Bool {
        guard paren > declStart, isIdent(paren - 1) else { return false }
        let typeText = folded(declStart, paren - 1).replacingSpaces()
        let (head, _, _) = CppVocabulary.split(stripSpecifiers(typeText))
        let containerish = CppVocabulary.classify(stripSpecifiers(typeText)) != nil || CppVocabulary.threadHeads.contains(head)
        let close = Int(match[paren])
        if close < 0 { return false }
        if close == paren + 1 { return false }
        let first = paren + 1
        if toks[first].kind == .literal { return true }
        if containerish {
            // A parameter list has a type then a name; arguments rarely do.
            if isP(first, UInt8(ascii: "[")) || isP(first, UInt8(ascii: "&")) { return true }
            if close == first + 1 { return true }
        }
        return false
    }

    /// The leading storage keywords of a declaration a replacement must keep (`static`,
    /// `thread_local`, `inline`), in written order; nil when there are none.
    func keptSpecifiers(_ s: String) -> String? {
        var kept: [String] = []
        for w in s.split(separator: " ", omittingEmptySubsequences: true) {
            guard CppVocabulary.specifiers.contains(String(w)) || w.hasPrefix("[[") else { break }
            if w == "static" || w == "thread_local" || w == "inline" { kept.append(String(w)) }
        }
        return kept.isEmpty ? nil : kept.joined(separator: " ")
    }

    func stripSpecifiers(_ s: String) -> String {
        var words = s.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        while let f = words.first, CppVocabulary.specifiers.contains(f) || f.hasPrefix("[[") { words.removeFirst() }
        return words.joined(separator: " ").replacingSpaces()
    }

    mutating func handleFunction(_ i: Int, _ paren: Int, bodyOpen: Int, end: Int, cls: String?, isStatic: Bool) {
        // Name: the token before `(`, possibly `operator…`, `~Name`, with `A::B::` qualifiers.
        var nameStart = paren - 1
        var name = text(paren - 1)
        var k = paren - 1
        var op = -1
        var scan = paren - 1
        while scan >= i && scan >= paren - 4 {
            if eq(scan, "operator") { op = scan; break }
            scan -= 1
        }
        if op >= 0 {
            name = "operator" + (op + 1 < paren ? folded(op + 1, paren).replacingSpaces() : "")
            k = op
            nameStart = op
        } else if !isIdent(k) {
            return
        } else if isP(k - 1, UInt8(ascii: "~")) {
            name = "~" + name
            k -= 1
            nameStart = k
        }
        var quals: [String] = []
        while eq(k - 1, "::") {
            var q = k - 2
            if isP(q, UInt8(ascii: ">")) {
                // `Foo<T>::bar`: walk back over the template arguments.
                var d = 0
                while q >= i {
                    if isP(q, UInt8(ascii: ">")) { d += 1 } else if isP(q, UInt8(ascii: "<")) { d -= 1; if d == 0 { break } }
                    q -= 1
                }
                q -= 1
            }
            guard q >= i, isIdent(q) else { break }
            quals.insert(text(q), at: 0)
            k = q
            nameStart = q
        }
        let returnType = stripSpecifiers(folded(i, max(i, nameStart)).replacingSpaces())
        var owner = cls
        if !quals.isEmpty { owner = resolveOwner(quals, inside: cls) }
        let simpleOwner = owner.map(lastComponent)
        var role: FunctionRole = .normal
        if name.hasPrefix("~") { role = .teardown }
        else if let so = simpleOwner, name == so { role = .constructor }
        else if CppVocabulary.teardownNames.contains(name) { role = .teardown }
        else if owner == nil && name == "main" { role = .main }

        // Record the method on its type.
        if let o = owner, var info = classes[o] {
            info.methods.insert(name)
            if !facts.types[info.typeIndex].methods.contains(name) { facts.types[info.typeIndex].methods.append(name) }
            if CppVocabulary.singletonAccessors.contains(name) && (isStatic || !quals.isEmpty) {
                let rt = returnType
                if rt.contains(info.simple) && (rt.contains("&") || rt.contains("*")) {
                    addTrait(o, "singleton-accessor")
                } else if isStatic && (rt.contains("&") || rt.contains("*")) && (rt.hasPrefix("auto") || rt.contains(info.simple)) {
                    addTrait(o, "singleton-accessor")
                }
            }
            classes[o] = info
        }
        guard bodyOpen >= 0 else { return }
        let params = parseParams(paren)
        let fnName = owner.map { "\($0).\(name)" } ?? name
        var ctx = FnCtx(name: fnName, owner: owner, role: role)
        for p in params { ctx.locals.insert(p.name); ctx.localTypes[p.name] = p.type }
        facts.functions.append(FunctionFact(name: name, owner: owner, at: ref(paren - 1), role: role, params: params, body: BodyFact()))
        // Constructor initialiser lists are scanned with the body (threads started there).
        let close = Int(match[bodyOpen])
        let initStart = initListStart(paren, bodyOpen)
        if initStart >= 0 {
            pending.append(PendingBody(open: initStart - 1, close: bodyOpen, ctx: ctx, functionIndex: -1))
        }
        pending.append(PendingBody(open: bodyOpen, close: close >= 0 ? close : toks.count, ctx: ctx,
                                   functionIndex: facts.functions.count - 1))
    }

    /// First token of a constructor initialiser list between the parameter list and the body.
    func initListStart(_ paren: Int, _ bodyOpen: Int) -> Int {
        let close = Int(match[paren])
        guard close > 0 else { return -1 }
        var k = close + 1
        while k < bodyOpen {
            if isP(k, UInt8(ascii: ":")) { return k + 1 }
            k += 1
        }
        return -1
    }

    func resolveOwner(_ quals: [String], inside cls: String?) -> String? {
        // Longest suffix naming a class of the file, else the qualifiers minus known namespaces.
        for s in 0..<quals.count {
            let cand = quals[s...].joined(separator: "::")
            if classes[cand] != nil { return cand }
            if let c = cls, classes[c + "::" + cand] != nil { return c + "::" + cand }
        }
        if let last = quals.last, let q = classBySimple[last] { return q }
        // Not declared here (fast mode: its header is not read): the last qualifier that is
        // not a namespace of this file (`ns::Cache::put` → `Cache`).
        if let last = quals.last(where: { !namespaces.contains($0) }) { return last }
        return cls
    }

    func parseParams(_ paren: Int) -> [Param] {
        let close = Int(match[paren])
        guard close > paren + 1 else { return [] }
        var out: [Param] = []
        var start = paren + 1
        var k = paren + 1
        var angle = 0
        while k <= close {
            if k == close || (isP(k, UInt8(ascii: ",")) && angle == 0) {
                if let p = param(start, k) { out.append(p) }
                start = k + 1
            } else if isP(k, UInt8(ascii: "<")) { angle += 1 }
            else if isP(k, UInt8(ascii: ">")) { angle = max(0, angle - 1) }
            else if eq(k, ">>") { angle = max(0, angle - 2) }
            else if isP(k, UInt8(ascii: "(")) || isP(k, UInt8(ascii: "[")) || isP(k, UInt8(ascii: "{")) {
                let e = Int(match[k]); if e > k && e < close { k = e }
            }
            k += 1
        }
        return out
    }

    func param(_ lo: Int, _ hi: Int) -> Param? {
        guard lo < hi else { return nil }
        var end = hi
        var k = lo
        while k < hi { if isP(k, UInt8(ascii: "=")) { end = k; break }; k += 1 }
        guard end - 1 >= lo else { return nil }
        if isIdent(end - 1) && end - 1 > lo {
            return Param(name: text(end - 1), type: folded(lo, end - 1).replacingSpaces())
        }
        return Param(name: "", type: folded(lo, end).replacingSpaces())
    }

    mutating func addTrait(_ cls: String, _ trait: String) {
        guard let info = classes[cls] else { return }
        if !facts.types[info.typeIndex].traits.contains(trait) { facts.types[info.typeIndex].traits.append(trait) }
    }

    mutating func handleVariable(_ i: Int, stop: Int, eqIdx: Int, braceInit: Int, directInit: Int, end: Int,
                                 cls: String?, isStatic: Bool) {
        guard stop > i, stop <= toks.count, isIdent(stop - 1) else { return }
        let nameIdx = stop - 1
        let name = text(nameIdx)
        guard nameIdx > i else { return }
        // `std::map<K, V> Registry::cache_;`: the definition of a static member declared in its class.
        if eq(nameIdx - 1, "::") {
            let initLo = eqIdx >= 0 ? eqIdx + 1 : (braceInit >= 0 ? braceInit : -1)
            let initHi = isP(end - 1, UInt8(ascii: ";")) ? end - 1 : end
            if initLo >= 0 && initLo < initHi {
                var quals: [String] = []
                var q = nameIdx - 2
                while q >= i && isIdent(q) { quals.insert(text(q), at: 0); if eq(q - 1, "::") { q -= 2 } else { break } }
                let owner = quals.isEmpty ? nil : resolveOwner(quals, inside: cls)
                pending.append(PendingBody(open: initLo - 1, close: initHi,
                                           ctx: FnCtx(name: owner.map { "\($0).\(name)" } ?? name, owner: owner, role: .initializer),
                                           functionIndex: -1))
            }
            return
        }
        let written = folded(i, nameIdx).replacingSpaces()
        var typeText = stripSpecifiers(written)
        if typeText.isEmpty || typeText == "return" { return }
        let storage: StorageClass = cls == nil ? .global : (isStatic ? .staticMember : .instanceMember)
        if let c = cls { classes[c]?.fields[name] = typeText } else { globals[name] = typeText }
        let resolved = resolveAlias(typeText)
        if resolved != typeText { typeText = resolved }
        let isPointerOrRef = typeText.hasSuffix("*") || typeText.hasSuffix("&")
        let (head, qualified, args) = CppVocabulary.split(typeText)
        let initLo = eqIdx >= 0 ? eqIdx + 1 : (braceInit >= 0 ? braceInit : (directInit >= 0 ? directInit : -1))
        let initHi = isP(end - 1, UInt8(ascii: ";")) ? end - 1 : end
        var initText: String? = nil
        var constInit = false
        if initLo >= 0 && initLo < initHi {
            initText = folded(initLo, initHi, limit: 80)
            constInit = allConstants(initLo, initHi)
        }
        if !isPointerOrRef, let c = CppVocabulary.classify(typeText) {
            var decl = ContainerDecl(symbol: SymbolRef(owner: cls, name: name), storage: storage, kind: c.kind,
                                     typeText: typeText, keyType: c.key, valueType: c.value, at: ref(nameIdx),
                                     initializer: initText, initFromConstants: constInit)
            decl.specifiers = keptSpecifiers(written)
            facts.containers.append(decl)
        }
        if let c = cls, CppVocabulary.mutexHeads.contains(head) { addTrait(c, "mutex-member") }
        // Instances of the file's types held for the process.
        if cls == nil || isStatic {
            var inner = head
            if CppVocabulary.wrapperHeads.contains(head), let a = args.first { inner = lastComponent(CppVocabulary.split(a).qualified) }
            let typeName = classBySimple[inner] ?? classes[qualified].map { $0.qualified } ?? inner
            if CppVocabulary.classify(typeText) == nil && !CppVocabulary.threadHeads.contains(head) && !inner.isEmpty
                && (inner.first.map { $0.isLetter || $0 == "_" } ?? false) && !CppVocabulary.builtinTypeKeywords.contains(inner) {
                facts.instances.append(InstanceFact(typeName: typeName, variable: name, at: ref(nameIdx)))
                if let c = cls, isStatic, let info = classes[c], info.simple == inner || info.qualified == typeName {
                    addTrait(c, "static-instance")
                }
            }
        }
        // Initialisers run at start-up (namespace scope) or in every constructor (members).
        if initLo >= 0 && initLo < initHi {
            let role: FunctionRole = cls == nil || isStatic ? .initializer : .constructor
            let ctx = FnCtx(name: cls.map { "\($0).\(name)" } ?? name, owner: cls, role: role)
            pending.append(PendingBody(open: initLo - 1, close: initHi, ctx: ctx, functionIndex: -1))
        }
    }

    func resolveAlias(_ typeText: String) -> String {
        var t = typeText
        var hops = 0
        while hops < 4 {
            let (_, qualified, args) = CppVocabulary.split(t)
            guard args.isEmpty else { return t }
            let key = aliases[qualified] != nil ? qualified : lastComponent(qualified)
            guard let a = aliases[key], a != t else { return t }
            t = a
            hops += 1
        }
        return t
    }

    func allConstants(_ lo: Int, _ hi: Int) -> Bool {
        var k = lo
        var sawLiteral = false
        while k < hi {
            let t = toks[k]
            if t.kind == .literal { sawLiteral = true }
            else if t.kind == .punct { if !(isP(k, UInt8(ascii: "{")) || isP(k, UInt8(ascii: "}")) || isP(k, UInt8(ascii: ",")) || isP(k, UInt8(ascii: "-"))) { return false } }
            else if t.kind == .keyword { if !(eq(k, "true") || eq(k, "false") || eq(k, "nullptr")) { return false } }
            else { return false }
            k += 1
        }
        return sawLiteral
    }
}
