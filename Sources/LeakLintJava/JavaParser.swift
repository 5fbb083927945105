import LeakLintCore

// MARK: - Structural pass
//
// A light structural pass over the token array: package, imports, type declarations (nested,
// local, anonymous, enums, records, interfaces), members, and the statements the rules need.
// Brackets are matched once up front with an explicit stack, so every skip is O(1). Nested
// *declarations* (class in method in class …) are handled by recursion that is cut off at a
// fixed depth (`maxDepth`), never in proportion to the input; nested blocks, loops and lambdas
// inside one body are walked linearly with an explicit region stack.

/// A field as the structural pass saw it.
struct JavaField {
    var name: String
    var isStatic: Bool
    var isVolatile: Bool
    /// Simple name of the declared type (`Map`), or of the initialiser's type for `var`.
    var typeBase: String
    var kind: ContainerKind?
    /// Simple name of the initialiser's `new X(…)` type, when there is one.
    var newType: String?
}

/// One class being parsed (also anonymous and local classes).
final class JavaClassCtx {
    let name: String
    let simple: String
    let parent: JavaClassCtx?
    let isInterface: Bool
    var fields: [String: JavaField] = [:]
    /// Thread spawns stored into fields, emitted when the field is started somewhere in the class.
    var threadFields: [String: SpawnFact] = [:]
    var startedFields: Set<String> = []
    /// An anonymous class handed to a call that runs it at once, in the caller's place
    /// (`AccessController.doPrivileged(new PrivilegedAction<>() { … })`): its `run` has the
    /// caller's role (run once in a static initialiser).
    var runsInline: FunctionRole? = nil
    /// Names of the methods declared in the class, in order.
    var methodNames: [String] = []
    /// The identifier ids of `methodNames` (searched instead of the Strings).
    var methodIds: [Int32] = []
    var isEnum = false
    var hasPublicConstructor = false
    /// Static fields initialised with `new Self(…)`: (field name, name token).
    var selfInstances: [(String, Int)] = []
    /// Instances the class makes of itself while it initialises, besides `selfInstances`: static
    /// fields holding an anonymous subclass (`static final Align LEFT = new Align("l") { … }`)
    /// and `new Self(…)` in a static block (`static { new Key("a"); }`): a typesafe enum's constants.
    var selfMadeAtInit = 0
    init(name: String, simple: String, parent: JavaClassCtx?, isInterface: Bool) {
        self.name = name; self.simple = simple; self.parent = parent; self.isInterface = isInterface
    }
}

/// The function whose body is being walked (lambdas share their enclosing function).
final class JavaFnCtx {
    let name: String
    let role: FunctionRole
    let cls: JavaClassCtx
    // The tables below keyed by `Int32` are keyed by the parser's identifier ids of the names.

    /// Local names → simple declared type name ("" when unknown).
    var locals: [Int32: String] = [:]
    /// Local names bound to `new X(…)` → X.
    var localNew: [Int32: String] = [:]
    /// Iterator locals → the container they iterate.
    var iteratorOf: [String: (SymbolRef, TargetResolution)] = [:]
    /// Thread spawns bound to locals, emitted when the local is started.
    var threadLocals: [String: SpawnFact] = [:]
    var startedLocals: Set<String> = []
    /// Name tokens of locals handed whole to a call, a constructor, a return or an assignment
    /// (their spellings are only needed when a call's result is bound to a local).
    var escapedToks: [Int] = []
    /// Index of the first CallFact recorded for this function.
    var callsStart = -1
    /// Pattern bindings → the tokens of the expression they alias
    /// (`if (this.executor instanceof ExecutorService es)`: `es` is `this.executor`).
    var aliases: [Int32: (Int, Int)] = [:]
    /// Locals holding a value read back from a ThreadLocal (`Object save = CURRENT.get();`) →
    /// the ThreadLocal's text: `CURRENT.set(save)` in a finally restores the thread's old value.
    var savedFrom: [Int32: String] = [:]
    /// Locals declared with an object this function makes (`T x = new T(…)`, outside start-up
    /// code), as (identifier id, T): see `recordLocalInstances`.
    var madeLocals: [(id: Int32, type: String)] = []
    /// Locals holding an object this function just made (`x = new T(…)`) → the end of the block
    /// of that assignment: growth through `x.list` there fills a new object, not a long-lived one.
    var freshUntil: [Int32: Int] = [:]
    init(name: String, role: FunctionRole, cls: JavaClassCtx) {
        self.name = name; self.role = role; self.cls = cls
    }
}

final class JavaParser {
    let buf: UnsafeBufferPointer<UInt8>
    /// The tokens, in the tokenizer's buffer that the parser takes over (deallocated with it):
    /// reads need no bounds check or array retain.
    let toks: UnsafeMutableBufferPointer<JavaToken>
    let count: Int
    /// Matching bracket index per token (-1 for non-brackets); openers never closed point at `count`.
    let match: UnsafeMutableBufferPointer<Int32>
    let path: String
    let interest: CallInterest
    var facts: FileFacts
    let eofTok: JavaToken

    static let maxDepth = 48
    var depth = 0
    var depthProblemReported = false
    var anonNames: [Int: String] = [:]
    var anonCounter: [String: Int] = [:]
    /// Tokens the body summaries may still scan (guards against quadratic nesting of spawns).
    var summaryBudget: Int
    /// Name tokens of `private` methods: their callers are all in the file.
    var privateMethods: Set<Int> = []
    var budgetProblemReported = false
    /// `new X(…).start()` / `x.start()` of non-Thread classes: resolved against the file's types at the end.
    var pendingTypeTraits: [(type: String, trait: String)] = []
    /// Parameter type text → simple type name, filled while parsing parameter lists.
    var paramBases: [String: String] = [:]

    // Identifier interning: each distinct spelling of the file gets a small id once, its String
    // is made once, and vocabulary questions ("a mutator? a call the rules want?") become bit
    // tests on a per-id word instead of String hashing per token.

    /// Per token: its identifier's id, -1 until first asked.
    let tokId: UnsafeMutableBufferPointer<Int32>
    /// The file's identifier spellings; `flags` holds cached answers about each (`VocabBits`,
    /// the interest answer, the `ever…` bits below).
    var idents = IdentTable()
    /// Per identifier id, two slots (a direct call, a call from a function literal): the
    /// `summaryGeneration` of the `summarize` that last listed the call (each lists a name once).
    var calledStamps: [UInt32] = []
    var summaryGeneration: UInt32 = 0

    /// `tokens` is owned by the parser from here on (from `JavaTokenizer.tokenizeOwned`).
    init(buf: UnsafeBufferPointer<UInt8>, tokens: UnsafeMutableBufferPointer<JavaToken>, path: String,
         interest: CallInterest, facts: FileFacts) {
        self.buf = buf
        self.toks = tokens
        self.count = tokens.count
        self.path = path
        self.interest = interest
        self.facts = facts
        self.match = UnsafeMutableBufferPointer<Int32>.allocate(capacity: max(tokens.count, 1))
        self.match.initialize(repeating: -1)
        self.tokId = UnsafeMutableBufferPointer<Int32>.allocate(capacity: max(tokens.count, 1))
        self.tokId.initialize(repeating: -1)
        self.eofTok = JavaToken(kind: .unknown, code: 0, start: UInt32(truncatingIfNeeded: buf.count),
                                end: UInt32(truncatingIfNeeded: buf.count))
        self.summaryBudget = tokens.count * 8 + 100_000
        // About one distinct spelling per six tokens in real code.
        self.idents = IdentTable(expected: tokens.count / 6)
    }

    deinit { match.deallocate(); tokId.deallocate(); toks.deallocate() }

    // MARK: - Identifier ids

    /// The id of the identifier token `i`'s spelling.
    @inline(__always) func ident(_ i: Int) -> Int32 {
        let c = tokId[i]
        if c >= 0 { return c }
        let t = toks[i]
        var id = idents.intern(buf, Int(t.start), Int(t.end))
        var k = Int(t.start)
        while k < Int(t.end) && buf[k] < 0x80 { k += 1 }
        if k < Int(t.end) { id = canonical(id) }   // non-ASCII: the canonical id
        tokId[i] = id
        return id
    }

    /// Non-ASCII spellings → the id of the first spelling met that is equal as a String. The
    /// tables keyed by id then treat names as the String-keyed tables always did: canonically
    /// equivalent spellings, and invalid bytes (repaired alike), are one name.
    var nonASCIIIds: [String: Int32] = [:]
    /// `IdentTable.flags` bit of ids with non-ASCII spellings: their vocabulary is asked with
    /// each token's own String, uncached, as before ids.
    static let nonASCII: UInt32 = 1 << 24

    /// The canonical id of the non-ASCII spelling `id`.
    func canonical(_ id: Int32) -> Int32 {
        let s = idents.names[Int(id)]
        if let c = nonASCIIIds[s] { return c }
        nonASCIIIds[s] = id
        idents.flags[Int(id)] |= Self.nonASCII
        return id
    }

    /// The spelling of the identifier token `i`, made once per distinct spelling (a non-ASCII
    /// one is made from the token itself: its id may stand for an equal but differently
    /// encoded spelling).
    @inline(__always) func name(_ i: Int) -> String {
        let id = Int(ident(i))   // interns first: `idents` may grow
        if idents.flags[id] & Self.nonASCII != 0 { return text(i) }
        return idents.names[id]
    }

    // `IdentTable.flags` per id: the low bits hold the `VocabBits` of the spelling, then:
    private static let vocabKnown: UInt32 = 1 << 16
    private static let wantKnown: UInt32 = 1 << 17
    private static let wanted: UInt32 = 1 << 18

    // Bits set the first time a spelling is bound in some table of the file (a local of some
    // function, a field of some class, …). A clear bit proves the spelling is in no such table,
    // so most lookups end with one array read instead of hashing a String.
    static let everLocal: UInt32 = 1 << 19
    static let everField: UInt32 = 1 << 20
    static let everAlias: UInt32 = 1 << 21
    static let everSaved: UInt32 = 1 << 22
    static let everFresh: UInt32 = 1 << 23

    /// Notes that the spelling of identifier token `i` was bound in the tables of `bit`.
    @inline(__always) func mark(_ i: Int, _ bit: UInt32) {
        let id = Int(ident(i))
        idents.flags[id] |= bit
    }

    /// `mark` for a spelling given as a String (parameter and record component names); returns its id.
    @discardableResult func mark(_ s: String, _ bit: UInt32) -> Int32 {
        var id = idents.intern(s)
        if s.utf8.contains(where: { $0 >= 0x80 }) { id = canonical(id) }
        idents.flags[Int(id)] |= bit
        return id
    }

    /// Whether the spelling of identifier token `i` was ever bound in the tables of `bit`.
    @inline(__always) func ever(_ i: Int, _ bit: UInt32) -> Bool {
        let id = Int(ident(i))
        return idents.flags[id] & bit != 0
    }

    /// The declared type of the local named by token `i` ("" when unknown), nil when it is no local.
    @inline(__always) func localType(_ i: Int, _ fn: JavaFnCtx) -> String? {
        ever(i, Self.everLocal) ? fn.locals[ident(i)] : nil
    }

    /// The field of `cls` itself named by token `i`.
    @inline(__always) func field(_ i: Int, of cls: JavaClassCtx) -> JavaField? {
        ever(i, Self.everField) ? cls.fields[name(i)] : nil
    }

    /// Whether the identifier token `i` is on a `VocabBits` word list (`bit`).
    @inline(__always) func isVocab(_ i: Int, _ bit: UInt32) -> Bool { vocabBits(i) & bit != 0 }

    /// The `VocabBits` of the identifier token `i` (looked up once per spelling).
    @inline(__always) func vocabBits(_ i: Int) -> UInt32 {
        let id = Int(ident(i))
        let f = idents.flags[id]
        if f & Self.vocabKnown != 0 { return f & VocabBits.mask }
        if f & Self.nonASCII != 0 { return JavaNames.vocabularyWords[text(i)] ?? 0 }
        let t = toks[i]
        let v = JavaNames.vocabularyBits(buf, Int(t.start), Int(t.end))
        idents.flags[id] = f | Self.vocabKnown | v
        return v
    }

    /// Whether a call of the method named by token `i` is recorded as a `CallFact`: the engine's
    /// interest set wants it, or the vocabulary always records it (cached per spelling).
    @inline(__always) func wantedCall(_ i: Int) -> Bool {
        let id = Int(ident(i))
        let f = idents.flags[id]
        if f & Self.wantKnown != 0 { return f & Self.wanted != 0 }
        if f & Self.nonASCII != 0 {
            let s = text(i)
            return JavaNames.alwaysRecorded(s) || interest.wants(s)
        }
        let t = toks[i]
        let w = isVocab(i, VocabBits.alwaysCall) || JavaNames.alwaysRecordedAffixes(buf, Int(t.start), Int(t.end))
            || interest.wants(idents.names[id])
        idents.flags[id] |= Self.wantKnown | (w ? Self.wanted : 0)
        return w
    }

    // MARK: - Token helpers

    @inline(__always) func tok(_ i: Int) -> JavaToken { (i >= 0 && i < count) ? toks[i] : eofTok }
    @inline(__always) func isP(_ i: Int, _ c: UInt8) -> Bool { tok(i).isPunct(c) }
    @inline(__always) func isK(_ i: Int, _ k: JavaKeyword) -> Bool { tok(i).isKeyword(k) }
    @inline(__always) func isIdent(_ i: Int) -> Bool { tok(i).kind == .identifier }

    /// The matching bracket of the bracket token at `i` (clamped to the token count).
    @inline(__always) func close(_ i: Int) -> Int {
        guard i >= 0 && i < count else { return count }
        let m = Int(match[i])
        return m < 0 ? min(i + 1, count) : m
    }

    func text(_ i: Int) -> String {
        let t = tok(i)
        return String(decoding: UnsafeBufferPointer(rebasing: buf[Int(t.start)..<Int(t.end)]), as: UTF8.self)
    }

    /// Folded source text of tokens `a..<b`.
    func text(_ a: Int, _ b: Int, limit: Int = 240) -> String {
        guard a < b, a < count else { return "" }
        let s = Int(tok(a).start), e = Int(tok(min(b, count) - 1).end)
        guard s < e else { return "" }
        return ByteText.folded(buf, s..<e, limit: limit)
    }

    /// `text(a, b).replacingSpaces()` (a package or import name, `java . util . Map` →
    /// `java.util.Map`) made straight from the source bytes when they are ASCII.
    func unspacedText(_ a: Int, _ b: Int) -> String {
        let limit = 240
        guard a < b, a < count else { return "" }
        let s = Int(tok(a).start), e = Int(tok(min(b, count) - 1).end)
        guard s < e else { return "" }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: min(e - s, limit)) { out -> String in
            // `folded` counts one space per whitespace run towards its limit; those spaces are dropped.
            var folded = 0, n = 0
            var pendingSpace = false
            var k = s
            while k < e && folded < limit {
                let c = buf[k]
                if c >= 0x80 { return text(a, b).replacingSpaces() }
                if c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D {
                    pendingSpace = folded > 0
                } else {
                    if pendingSpace { folded += 1; pendingSpace = false }
                    out[n] = c; n += 1; folded += 1
                }
                k += 1
            }
            return String(decoding: UnsafeBufferPointer(rebasing: out[0..<n]), as: UTF8.self)
        }
    }

    @inline(__always) func identIs(_ i: Int, _ s: StaticString) -> Bool {
        let t = tok(i)
        guard t.kind == .identifier, Int(t.end - t.start) == s.utf8CodeUnitCount else { return false }
        let p = s.utf8Start
        var k = 0
        let base = Int(t.start)
        while k < s.utf8CodeUnitCount { if buf[base + k] != p[k] { return false }; k += 1 }
        return true
    }

    func isUpperIdent(_ i: Int) -> Bool {
        let t = tok(i)
        guard t.kind == .identifier else { return false }
        let b = buf[Int(t.start)]
        return b >= 0x41 && b <= 0x5A
    }

    func ref(_ a: Int, _ b: Int) -> SourceRef {
        let s = Int(tok(a).start)
        let e = b > a ? Int(tok(b - 1).end) : Int(tok(a).end)
        return SourceRef(path: path, start: s, end: e)
    }

    func problem(_ s: String) {
        if facts.problems.count < 20 { facts.problems.append(s) }
    }

    // MARK: - Bracket matching

    func matchBrackets() {
        var stack: [Int32] = []
        var reported = false
        for i in 0..<count {
            let t = toks[i]
            guard t.kind == .punct else { continue }
            switch t.code {
            case 0x28, 0x5B, 0x7B: stack.append(Int32(i))
            case 0x29, 0x5D, 0x7D:
                let opener: UInt8 = t.code == 0x29 ? 0x28 : (t.code == 0x5D ? 0x5B : 0x7B)
                // Find the nearest matching opener a few levels down; openers skipped are unclosed.
                var k = stack.count - 1
                let floor = max(0, stack.count - 8)
                while k >= floor && toks[Int(stack[k])].code != opener { k -= 1 }
                if k >= floor && k >= 0 {
                    while stack.count - 1 > k {
                        let o = Int(stack.removeLast())
                        match[o] = Int32(i)
                    }
                    let o = Int(stack.removeLast())
                    match[o] = Int32(i); match[i] = Int32(o)
                    if stack.count < k && !reported { reported = true }
                } else if !reported {
                    reported = true
                    problem("unbalanced '\(Character(Unicode.Scalar(t.code)))' at byte \(t.start)")
                }
            default: break
            }
        }
        if !stack.isEmpty {
            problem("\(stack.count) unclosed bracket(s); the first at byte \(toks[Int(stack[0])].start)")
            for o in stack { match[Int(o)] = Int32(count) }
        }
    }

    // MARK: - Types, type arguments

    /// When `i` is `<`, the index after the matching `>` if the tokens form type arguments.
    func typeArgsEnd(_ i: Int) -> Int? {
        guard isP(i, 0x3C) else { return nil }
        var depth = 0
        var j = i
        let limit = min(count, i + 256)
        while j < limit {
            let t = toks[j]
            switch t.kind {
            case .identifier: break
            case .keyword:
                let c = t.code
                if c != JavaKeyword.extends.rawValue && c != JavaKeyword.super.rawValue
                    && !JavaNames.primitiveKeywords.contains(c) { return nil }
            case .punct:
                switch t.code {
                case 0x3C: depth += 1
                case 0x3E:
                    depth -= 1
                    if depth == 0 { return j + 1 }
                case 0x2E, 0x2C, 0x3F, 0x26, 0x5B, 0x5D, 0x40: break
                default: return nil
                }
            case .op:
                if t.code != JavaOp.ellipsis.rawValue { return nil }
            default: return nil
            }
            j += 1
        }
        return nil
    }

    /// Parses a type at `i`; returns the index after it and the simple base name, or nil.
    func skipType(_ i: Int) -> (end: Int, base: String)? {
        var j = i
        while isP(j, 0x40) && isIdent(j + 1) && !isK(j + 1, .interface) {
            j += 2
            while isP(j, 0x2E) && isIdent(j + 1) { j += 2 }
            if isP(j, 0x28) { j = close(j) + 1 }
        }
        let t = tok(j)
        var base = ""
        if t.kind == .keyword && JavaNames.primitiveKeywords.contains(t.code) {
            base = text(j); j += 1
        } else if t.kind == .identifier {
            base = text(j); j += 1
            if let e = typeArgsEnd(j) { j = e }
            while isP(j, 0x2E) && isIdent(j + 1) {
                base = text(j + 1); j += 2
                if let e = typeArgsEnd(j) { j = e }
            }
        } else {
            return nil
        }
        while isP(j, 0x5B) && isP(j + 1, 0x5D) { j += 2 }
        if tok(j).isOp(.ellipsis) { j += 1 }
        return (j, base)
    }

    /// Splits `a..<b` at top-level commas (generics-aware); returns the sub-ranges.
    func splitTopLevel(_ a: Int, _ b: Int) -> [Range<Int>] {
        var out: [Range<Int>] = []
        if a < b { out.reserveCapacity(4) }   // most argument and parameter lists: one allocation
        var s = a
        var j = a
        while j < b {
            let t = tok(j)
            if t.kind == .punct {
                if t.code == 0x28 || t.code == 0x5B || t.code == 0x7B { j = close(j) + 1; continue }
                if t.code == 0x3C, isIdent(j - 1), let e = typeArgsEnd(j), e <= b { j = e; continue }
                if t.code == 0x2C { out.append(s..<j); s = j + 1 }
            }
            j += 1
        }
        if s < b { out.append(s..<b) }
        return out
    }

    /// Type arguments of a type text's first `<…>` list, split at top level (`Map<String, List<X>>`).
    static func typeArguments(_ typeText: String) -> [String] {
        let u = Array(typeText.utf8)
        guard let lt = u.firstIndex(of: UInt8(ascii: "<")) else { return [] }
        var depth = 0
        var parts: [String] = []
        var cur: [UInt8] = []
        var i = lt
        while i < u.count {
            let c = u[i]
            if c == UInt8(ascii: "<") { depth += 1; if depth == 1 { i += 1; continue } }
            if c == UInt8(ascii: ">") {
                depth -= 1
                if depth == 0 { break }
            }
            if c == UInt8(ascii: ",") && depth == 1 {
                parts.append(String(decoding: cur, as: UTF8.self)[...].trimmingSpacesJ()); cur = []
            } else { cur.append(c) }
            i += 1
        }
        let last = String(decoding: cur, as: UTF8.self)[...].trimmingSpacesJ()
        if !last.isEmpty { parts.append(last) }
        return parts
    }

    // MARK: - Compilation unit

    func run() {
        matchBrackets()
        parseMembers(0, count, cls: nil)
        postProcess()
    }

    struct Modifiers {
        var isStatic = false, isFinal = false, isVolatile = false, isAbstract = false, isDefault = false, isPublic = false
        var isPrivate = false
        var annotations: [String] = []
    }

    /// Skips modifiers and annotations at `i`.
    func parseModifiers(_ i: inout Int, _ limit: Int) -> Modifiers {
        var m = Modifiers()
        var steps = 0
        while i < limit && steps < 64 {
            steps += 1
            let t = tok(i)
            if t.isPunct(0x40) && isIdent(i + 1) {
                var j = i + 1
                var name = text(j); j += 1
                while isP(j, 0x2E) && isIdent(j + 1) { name = text(j + 1); j += 2 }
                if isP(j, 0x28) { j = close(j) + 1 }
                m.annotations.append(name)
                i = j
            } else if t.kind == .keyword && JavaNames.modifierKeywords.contains(t.code) {
                if t.code == JavaKeyword.static.rawValue { m.isStatic = true }
                if t.code == JavaKeyword.public.rawValue { m.isPublic = true }
                if t.code == JavaKeyword.private.rawValue { m.isPrivate = true }
                if t.code == JavaKeyword.final.rawValue { m.isFinal = true }
                if t.code == JavaKeyword.volatile.rawValue { m.isVolatile = true }
                if t.code == JavaKeyword.abstract.rawValue { m.isAbstract = true }
                if t.code == JavaKeyword.default.rawValue {
                    // `default` in a switch is no modifier; in an interface it is.
                    if isP(i + 1, 0x3A) || tok(i + 1).isOp(.arrow) { return m }
                    m.isDefault = true
                }
                i += 1
            } else if identIs(i, "sealed") && (isIdent(i + 1) || tok(i + 1).kind == .keyword) {
                i += 1
            } else if identIs(i, "non") && isP(i + 1, 0x2D) && identIs(i + 2, "sealed") {
                i += 3
            } else { break }
        }
        return m
    }

    /// Whether a type declaration starts at `i` (after modifiers).
    func typeDeclKeyword(_ i: Int) -> String? {
        let t = tok(i)
        if t.kind == .keyword {
            if t.code == JavaKeyword.class.rawValue && isIdent(i + 1) { return "class" }
            if t.code == JavaKeyword.interface.rawValue && isIdent(i + 1) { return "interface" }
            if t.code == JavaKeyword.enum.rawValue && isIdent(i + 1) { return "enum" }
        } else if t.kind == .identifier {
            if identIs(i, "record") && isIdent(i + 1) && (isP(i + 2, 0x28) || isP(i + 2, 0x3C)) { return "record" }
        } else if t.isPunct(0x40) && isK(i + 1, .interface) && isIdent(i + 2) {
            return "annotation"
        }
        return nil
    }

    /// Members of a class body (or the top level when `cls` is nil), `a..<b`.
    func parseMembers(_ a: Int, _ b: Int, cls: JavaClassCtx?) {
        // Phase 1: headers. Fields are registered before any body is walked, so methods see
        // fields declared below them.
        enum Work {
            case typeDecl(Int, Modifiers)
            case fieldInit(JavaField, nameAt: Int, initRange: Range<Int>, Modifiers)
            case method(name: String, nameAt: Int, params: [Param], body: Range<Int>?, role: FunctionRole, isCtor: Bool)
            case initBlock(Range<Int>, isStatic: Bool, at: Int)
        }
        var work: [Work] = []
        var i = a
        while i < b {
            let start = i
            let t = tok(i)
            if t.isPunct(0x3B) { i += 1; continue }
            if t.isKeyword(.package) && cls == nil {
                var j = i + 1
                while j < b && !isP(j, 0x3B) && j - i < 256 { j += 1 }
                facts.unitName = unspacedText(i + 1, j)
                if isP(j, 0x3B) { facts.importAnchor = Int(tok(j).end) }
                i = j + 1; continue
            }
            if t.isKeyword(.import) && cls == nil {
                var j = i + 1
                if isK(j, .static) { j += 1 }
                let s = j
                while j < b && !isP(j, 0x3B) && j - i < 256 { j += 1 }
                facts.imports.append(unspacedText(s, j))
                if isP(j, 0x3B) { facts.importAnchor = Int(tok(j).end) }
                i = j + 1; continue
            }
            var mods = parseModifiers(&i, b)
            if i >= b { break }
            if typeDeclKeyword(i) != nil {
                let end = typeDeclEnd(i, b)
                work.append(.typeDecl(i, mods))
                i = max(end, i + 1)
                continue
            }
            guard let cls = cls else { i = max(i, start + 1); continue }
            if isP(i, 0x7B) {
                let c = close(i)
                work.append(.initBlock((i + 1)..<min(c, b), isStatic: mods.isStatic, at: i))
                // `static { new AVAKeyword("CN", …); … }`: the class makes its own constants.
                if mods.isStatic {
                    var k = i + 1
                    while k < min(c, b) {
                        if isK(k, .new) && isIdent(k + 1) && isP(k + 2, 0x28) && self.name(k + 1) == cls.simple { cls.selfMadeAtInit += 1; break }
                        k += 1
                    }
                }
                i = c + 1; continue
            }
            // Generic method type parameters.
            if isP(i, 0x3C), let e = typeArgsEnd(i) { i = e }
            // Constructor: Name ( … ) — also compact record constructors `Name {`.
            if isIdent(i) && isP(i + 1, 0x28) && text(i) == cls.simple {
                if mods.isPublic { cls.hasPublicConstructor = true }
                let (params, after) = parseParams(i + 1)
                var j = after
                j = skipThrows(j, b)
                if isP(j, 0x7B) {
                    let c = close(j)
                    work.append(.method(name: "<init>", nameAt: i, params: params, body: (j + 1)..<min(c, b), role: .constructor, isCtor: true))
                    i = c + 1
                } else { i = max(j + 1, start + 1) }
                continue
            }
            if isIdent(i) && isP(i + 1, 0x7B) && text(i) == cls.simple {
                let c = close(i + 1)
                work.append(.method(name: "<init>", nameAt: i, params: [], body: (i + 2)..<min(c, b), role: .constructor, isCtor: true))
                i = c + 1; continue
            }
            guard let ty = skipType(i), isIdent(ty.end) else {
                // Not a member we understand: skip to the next `;` or past the next block.
                i = skipUnknownMember(max(i, start), b)
                if i <= start { i = start + 1 }
                continue
            }
            let typeStart = i
            let nameAt = ty.end
            if isP(nameAt + 1, 0x28) {
                // Method.
                let name = text(nameAt)
                let (params, after) = parseParams(nameAt + 1)
                var j = after
                while isP(j, 0x5B) && isP(j + 1, 0x5D) { j += 2 }
                j = skipThrows(j, b)
                var role: FunctionRole = .normal
                if mods.isPrivate { privateMethods.insert(nameAt) }
                if mods.annotations.contains("PreDestroy") || isVocab(nameAt, VocabBits.teardown) { role = .teardown }
                // Called once, right after the constructor, by the container that made the object.
                else if mods.annotations.contains("PostConstruct") && params.isEmpty { role = .constructor }
                if name == "main" && mods.isStatic { role = .main }
                if let r = cls.runsInline, name == "run" && params.isEmpty { role = r }
                if mods.isStatic && params.isEmpty && ty.base == cls.simple {
                    let lower = name.lowercased()
                    // `newInstance()` / `createDefault()` / a body that returns `new T(…)` make a new
                    // object per call: factories, not accessors of one shared instance.
                    let factoryName = lower.hasPrefix("new") || lower.hasPrefix("create")
                    if Self.containsAny(lower, ["instance", "default", "singleton", "shared"])
                        && !factoryName && !(isP(j, 0x7B) && returnsNew(j + 1, close(j), simple: cls.simple)) {
                        addTrait(cls.name, "singleton-accessor")
                    }
                }
                if isP(j, 0x7B) {
                    let c = close(j)
                    work.append(.method(name: name, nameAt: nameAt, params: params, body: (j + 1)..<min(c, b), role: role, isCtor: false))
                    i = c + 1
                } else {
                    work.append(.method(name: name, nameAt: nameAt, params: params, body: nil, role: role, isCtor: false))
                    // `;` or `default value;`
                    var k = j
                    while k < b && !isP(k, 0x3B) && !isP(k, 0x7D) {
                        if isP(k, 0x28) || isP(k, 0x7B) || isP(k, 0x5B) { k = close(k) }
                        k += 1
                    }
                    i = max(k + 1, start + 1)
                }
                continue
            }
            // Field declarators: name [= init] (, name [= init])* ;
            if cls.isInterface { mods.isStatic = true }
            let declaredText = text(typeStart, ty.end)
            var j = nameAt
            while j < b && isIdent(j) {
                let name = text(j)
                let at = j
                j += 1
                while isP(j, 0x5B) && isP(j + 1, 0x5D) { j += 2 }
                var initRange: Range<Int> = j..<j
                if isP(j, 0x3D) {
                    let s = j + 1
                    let e = expressionEnd(s, b)
                    initRange = s..<e
                    j = e
                }
                let field = registerField(cls: cls, name: name, nameAt: at, mods: mods, typeBase: ty.base,
                                          declaredText: declaredText, initRange: initRange)
                work.append(.fieldInit(field, nameAt: at, initRange: initRange, mods))
                if isP(j, 0x2C) { j += 1; continue }
                break
            }
            if isP(j, 0x3B) { j += 1 }
            i = max(j, start + 1)
        }

        // Static self-instances: one, with no public constructor, is a singleton.
        var ctorRunsAtInit = false
        if let cls = cls {
            if cls.selfInstances.count == 1 && !cls.hasPublicConstructor {
                let (name, at) = cls.selfInstances[0]
                facts.instances.append(InstanceFact(typeName: cls.name, variable: name, at: ref(at, at + 1)))
                addTrait(cls.name, "static-instance")
            }
            // Enum constructors, and non-public constructors of classes that build their own
            // static instances (typesafe enums, singletons), run during class initialisation.
            ctorRunsAtInit = cls.isEnum
                || ((!cls.selfInstances.isEmpty || cls.selfMadeAtInit > 0) && !cls.hasPublicConstructor)
        }
        // Phase 2: bodies.
        for w in work {
            switch w {
            case .typeDecl(let at, let mods):
                parseTypeDecl(at, b, mods: mods, outer: cls)
            case .fieldInit(let f, _, let r, let mods):
                guard let cls = cls, !r.isEmpty else { continue }
                // Static initialisers run once; instance field initialisers run with every constructor.
                let fn = JavaFnCtx(name: Self.dotted(cls.name, mods.isStatic ? "<clinit>" : "<init>"),
                                   role: mods.isStatic ? .initializer : .constructor, cls: cls)
                scanCode(r.lowerBound, r.upperBound, fn: fn)
                finishFunction(fn)
                _ = f
            case .method(let name, let nameAt, let params, let body, var role, let isCtor):
                guard let cls = cls else { continue }
                if isCtor && ctorRunsAtInit { role = .initializer }
                if !name.hasPrefix("<") {
                    let id = ident(nameAt)
                    if !cls.methodIds.contains(id) { cls.methodIds.append(id); cls.methodNames.append(name) }
                }
                let summary = body.map { summarize($0.lowerBound, $0.upperBound, cls: cls) } ?? BodyFact()
                var fact = FunctionFact(name: name, owner: cls.name, at: ref(nameAt, nameAt + 1), role: role,
                                        params: params, body: summary)
                fact.privateToScope = privateMethods.contains(nameAt)
                facts.functions.append(fact)
                if let body = body {
                    let fn = JavaFnCtx(name: Self.dotted(cls.name, name), role: role, cls: cls)
                    for p in params {
                        fn.locals[mark(p.name, Self.everLocal)] = paramBases[p.type] ?? Self.baseName(p.type)
                    }
                    scanCode(body.lowerBound, body.upperBound, fn: fn)
                    finishFunction(fn)
                }
            case .initBlock(let r, let isStatic, let at):
                guard let cls = cls else { continue }
                let fname = isStatic ? "<clinit>" : "<init>"
                let role: FunctionRole = isStatic ? .initializer : .constructor
                facts.functions.append(FunctionFact(name: fname, owner: cls.name, at: ref(at, at + 1), role: role, params: [],
                                                    body: summarize(r.lowerBound, r.upperBound, cls: cls)))
                let fn = JavaFnCtx(name: Self.dotted(cls.name, fname), role: role, cls: cls)
                scanCode(r.lowerBound, r.upperBound, fn: fn)
                finishFunction(fn)
            }
        }
        if let cls = cls {
            for name in cls.threadFields.keys.sorted() where cls.startedFields.contains(name) {
                facts.spawns.append(cls.threadFields[name]!)
            }
        }
    }

    /// Skips a member the pass does not understand: to the next `;` at this level, or past a block.
    func skipUnknownMember(_ i: Int, _ b: Int) -> Int {
        var j = i
        while j < b {
            let t = tok(j)
            if t.isPunct(0x3B) { return j + 1 }
            if t.isPunct(0x7B) { return close(j) + 1 }
            if t.isPunct(0x28) || t.isPunct(0x5B) { j = close(j) + 1; continue }
            if t.isPunct(0x7D) { return j + 1 }
            j += 1
        }
        return b
    }

    func skipThrows(_ i: Int, _ b: Int) -> Int {
        var j = i
        if isK(j, .throws) {
            j += 1
            while j < b, let ty = skipType(j) {
                j = ty.end
                if isP(j, 0x2C) { j += 1 } else { break }
            }
        }
        return j
    }

    /// Parameters in the parenthesis at `open`; returns them and the index after `)`.
    func parseParams(_ open: Int) -> ([Param], Int) {
        let c = close(open)
        let ranges = splitTopLevel(open + 1, c)
        var params: [Param] = []
        params.reserveCapacity(ranges.count)
        for r in ranges {
            var j = r.lowerBound
            _ = parseModifiers(&j, r.upperBound)
            guard let ty = skipType(j), ty.end < r.upperBound else { continue }
            var nameAt = ty.end
            // Receiver parameter `Foo this`.
            if isK(nameAt, .this) { continue }
            while nameAt < r.upperBound && !isIdent(nameAt) { nameAt += 1 }
            guard nameAt < r.upperBound else { continue }
            let typeText = text(j, ty.end)
            paramBases[typeText] = ty.base
            params.append(Param(name: text(nameAt), type: typeText))
        }
        return (params, c + 1)
    }

    /// End of an expression at `s` (the `,` or `;` that ends it at this level, or `b`).
    func expressionEnd(_ s: Int, _ b: Int) -> Int {
        var j = s
        while j < b {
            let t = tok(j)
            if t.kind == .punct {
                switch t.code {
                case 0x28, 0x5B, 0x7B: j = close(j) + 1; continue
                case 0x3C:
                    if isIdent(j - 1), let e = typeArgsEnd(j), e <= b { j = e; continue }
                case 0x2C, 0x3B, 0x7D, 0x29, 0x5D: return j
                default: break
                }
            }
            j += 1
        }
        return b
    }

    /// The end of a type declaration at `i` (after its body).
    func typeDeclEnd(_ i: Int, _ b: Int) -> Int {
        var j = i
        while j < b && !isP(j, 0x7B) && !isP(j, 0x3B) {
            if isP(j, 0x28) { j = close(j) }
            j += 1
        }
        if isP(j, 0x7B) { return close(j) + 1 }
        return j + 1
    }

    // MARK: - Type declarations

    func parseTypeDecl(_ i: Int, _ b: Int, mods: Modifiers, outer: JavaClassCtx?) {
        guard let kind = typeDeclKeyword(i) else { return }
        let nameAt = kind == "annotation" ? i + 2 : i + 1
        let simple = text(nameAt)
        let qualified = outer.map { "\($0.name).\(simple)" } ?? simple
        var j = nameAt + 1
        if let e = typeArgsEnd(j) { j = e }
        var recordComponents: [Param] = []
        if kind == "record" && isP(j, 0x28) {
            let (ps, after) = parseParams(j)
            recordComponents = ps; j = after
        }
        var supers: [String] = []
        while j < b && !isP(j, 0x7B) && !isP(j, 0x3B) {
            if isK(j, .extends) || isK(j, .implements) || identIs(j, "permits") || isP(j, 0x2C) { j += 1; continue }
            if let ty = skipType(j) {
                if !(identIs(j - 1, "permits")) { supers.append(text(j, ty.end)) }
                j = ty.end
                continue
            }
            j += 1
        }
        var traits = mods.annotations.map { "annotation:\($0)" }
        let typeIndex = facts.types.count
        facts.types.append(TypeFact(name: qualified, kind: kind, at: ref(nameAt, nameAt + 1), superTypes: supers,
                                    methods: [], traits: []))
        guard isP(j, 0x7B) else { facts.types[typeIndex].traits = traits; return }
        let open = j, c = close(j)
        let cls = JavaClassCtx(name: qualified, simple: simple, parent: outer,
                               isInterface: kind == "interface" || kind == "annotation")
        cls.isEnum = kind == "enum"
        for p in recordComponents {
            mark(p.name, Self.everField)
            cls.fields[p.name] = JavaField(name: p.name, isStatic: false, isVolatile: false, typeBase: Self.baseName(p.type),
                                           kind: nil, newType: nil)
        }
        guard enter() else { facts.types[typeIndex].traits = traits; return }
        defer { depth -= 1 }
        var bodyStart = open + 1
        if kind == "enum" {
            let (after, constants) = parseEnumConstants(open + 1, c, cls: cls)
            if constants == 1 { traits.append("enum-singleton") }
            bodyStart = after
        }
        facts.types[typeIndex].traits = traits
        parseMembers(bodyStart, c, cls: cls)
        facts.types[typeIndex].methods = cls.methodNames
    }

    /// Enum constants `A, B(x), C { … };` → index after them, constant count.
    func parseEnumConstants(_ a: Int, _ b: Int, cls: JavaClassCtx) -> (Int, Int) {
        var j = a
        var n = 0
        while j < b {
            var k = j
            _ = parseModifiers(&k, b)
            guard isIdent(k) else { break }
            let next = tok(k + 1)
            guard next.isPunct(0x2C) || next.isPunct(0x3B) || next.isPunct(0x28) || next.isPunct(0x7B) || next.isPunct(0x7D) || k + 1 >= b else { break }
            n += 1
            j = k + 1
            if isP(j, 0x28) { j = close(j) + 1 }
            if isP(j, 0x7B) {
                let c = close(j)
                parseAnonymousBody(j, c, superName: cls.simple, outer: cls)
                j = c + 1
            }
            if isP(j, 0x2C) { j += 1; continue }
            break
        }
        if isP(j, 0x3B) { j += 1 }
        return (j, n)
    }

    func enter() -> Bool {
        if depth >= Self.maxDepth {
            if !depthProblemReported {
                depthProblemReported = true
                problem("declarations nested deeper than \(Self.maxDepth) levels were skipped")
            }
            return false
        }
        depth += 1
        return true
    }

    /// A stable name for the anonymous class whose body opens at `open`.
    func anonName(_ open: Int, enclosing: String) -> String {
        if let n = anonNames[open] { return n }
        let k = (anonCounter[enclosing] ?? 0) + 1
        anonCounter[enclosing] = k
        let n = "\(enclosing)$\(k)"
        anonNames[open] = n
        return n
    }

    func parseAnonymousBody(_ open: Int, _ c: Int, superName: String, outer: JavaClassCtx, runsInline: FunctionRole? = nil) {
        let name = anonName(open, enclosing: outer.name)
        let typeIndex = facts.types.count
        facts.types.append(TypeFact(name: name, kind: "anonymous", at: ref(open, open + 1), superTypes: [superName]))
        guard enter() else { return }
        defer { depth -= 1 }
        let cls = JavaClassCtx(name: name, simple: name, parent: outer, isInterface: false)
        cls.runsInline = runsInline
        parseMembers(open + 1, min(c, count), cls: cls)
        facts.types[typeIndex].methods = cls.methodNames
    }

    /// Whether the anonymous class body opening at `open` belongs to `new T(…) {` written as the
    /// argument of a call that runs it before returning: `AccessController.doPrivileged(…)`,
    /// `SwingUtilities.invokeAndWait(…)`.
    func handedToInlineRunner(_ open: Int) -> Bool {
        var k = open - 1
        var steps = 0
        while k > 0 && steps < 32 && !isK(k, .new) {
            if isP(k, 0x29) { k = max(0, Int(match[k])) }
            k -= 1
            steps += 1
        }
        guard isK(k, .new), isP(k - 1, 0x28), isIdent(k - 2) else { return false }
        return identIs(k - 2, "doPrivileged") || identIs(k - 2, "invokeAndWait")
    }

    func addTrait(_ type: String, _ trait: String) {
        if let k = facts.types.lastIndex(where: { $0.name == type }) {
            if !facts.types[k].traits.contains(trait) { facts.types[k].traits.append(trait) }
        } else {
            pendingTypeTraits.append((type, trait))
        }
    }

    /// Whether `s` contains one of the lowercase ASCII `words`. An ASCII `s` is searched byte by
    /// byte (the same answer as String's Character-based `contains`, at a fraction of its cost).
    static func containsAny(_ s: String, _ words: [String]) -> Bool {
        if s.utf8.contains(where: { $0 >= 0x80 }) { return words.contains { s.contains($0) } }
        return words.contains { ByteText.contains(s, $0) }
    }

    /// `"\(owner).\(member)"` made in one allocation from the two spellings' UTF-8.
    static func dotted(_ owner: String, _ member: String) -> String {
        var owner = owner, member = member
        let a = owner.utf8.count, b = member.utf8.count
        return String(unsafeUninitializedCapacity: a + 1 + b) { out in
            var k = 0
            owner.withUTF8 { for x in $0 { out[k] = x; k += 1 } }
            out[k] = UInt8(ascii: "."); k += 1
            member.withUTF8 { for x in $0 { out[k] = x; k += 1 } }
            return k
        }
    }

    static func baseName(_ typeText: String) -> String {
        var s = Substring(typeText)
        if let lt = s.firstIndex(of: "<") { s = s[..<lt] }
        if let sp = s.lastIndex(of: " ") { s = s[s.index(after: sp)...] }
        if let dot = s.lastIndex(of: ".") { s = s[s.index(after: dot)...] }
        while s.hasSuffix("[]") { s = s.dropLast(2) }
        if s.hasSuffix("...") { s = s.dropLast(3) }
        return String(s)
    }

    // MARK: - Fields

    func registerField(cls: JavaClassCtx, name: String, nameAt: Int, mods: Modifiers, typeBase: String,
                       declaredText: String, initRange: Range<Int>) -> JavaField {
        // Initialiser: `new X<…>(…)` type.
        var newType: String? = nil
        var newTypeText: String? = nil
        var anonOpen: Int? = nil
        if !initRange.isEmpty && isK(initRange.lowerBound, .new), let ty = skipType(initRange.lowerBound + 1) {
            newType = ty.base
            newTypeText = text(initRange.lowerBound + 1, ty.end)
            if isP(ty.end, 0x28) && isP(close(ty.end) + 1, 0x7B) { anonOpen = close(ty.end) + 1 }
        }
        var base = typeBase
        if base == "var", let nt = newType { base = nt }
        var kind = JavaNames.containerKind(base)
        if kind == nil, let nt = newType { kind = JavaNames.containerKind(nt) }
        var field = JavaField(name: name, isStatic: mods.isStatic, isVolatile: mods.isVolatile, typeBase: base,
                              kind: kind, newType: newType)
        // A ThreadLocal is a per-thread map entry: recorded with kind `unknown` so that rules can
        // pair `set` with `remove` on it like any other container.
        if base == "ThreadLocal" || base == "InheritableThreadLocal" || newType == "ThreadLocal"
            || newType == "InheritableThreadLocal" { field.kind = .unknown }
        mark(nameAt, Self.everField)
        cls.fields[name] = field
        if mods.isStatic, let nt = newType, anonOpen != nil, nt == cls.simple { cls.selfMadeAtInit += 1 }
        if mods.isStatic, let nt = newType, anonOpen == nil {
            if nt == cls.simple {
                cls.selfInstances.append((name, nameAt))
            } else {
                // Holder idiom: `static final Service INSTANCE = new Service()` in another class.
                let lower = name.lowercased()
                if Self.containsAny(lower, ["instance", "singleton", "default", "shared", "global"]) {
                    facts.instances.append(InstanceFact(typeName: nt, variable: name, at: ref(nameAt, nameAt + 1)))
                }
            }
        }
        guard let k = field.kind else { return field }
        // typeText: the concrete type when there is one, with a diamond filled from the declaration.
        var typeText = declaredText
        if let ntt = newTypeText {
            if ntt.hasSuffix("<>") {
                let args = Self.typeArguments(declaredText)
                typeText = args.isEmpty ? String(ntt.dropLast(2)) : "\(ntt.dropLast(2))<\(args.joined(separator: ", "))>"
            } else { typeText = ntt }
        }
        if typeText == "var" || typeText.isEmpty { typeText = newTypeText ?? typeBase }
        var args = Self.typeArguments(typeText)
        if args.isEmpty { args = Self.typeArguments(declaredText) }
        var keyType: String? = nil, valueType: String? = nil
        if k == .map {
            if args.count >= 2 { keyType = args[0]; valueType = args[1] } else if args.count == 1 { keyType = args[0] }
        } else if let f = args.first { valueType = f }
        var initText: String? = nil
        if !initRange.isEmpty {
            if let ao = anonOpen {
                let c = close(ao)
                initText = text(initRange.lowerBound, ao) + " { " + anonymousMemberNames(ao, c).joined(separator: " ") + " }"
            } else {
                initText = text(initRange.lowerBound, initRange.upperBound, limit: 400)
            }
        }
        var decl = ContainerDecl(
            symbol: SymbolRef(owner: cls.name, name: name),
            storage: mods.isStatic ? .staticMember : .instanceMember,
            kind: k, typeText: typeText, keyType: keyType, valueType: valueType,
            at: ref(nameAt, nameAt + 1), initializer: initText,
            initFromConstants: initRange.isEmpty ? false : isConstantInit(initRange))
        if !declaredText.isEmpty && declaredText != "var" { decl.declaredType = declaredText }
        if !initRange.isEmpty { decl.initializerAt = ref(initRange.lowerBound, initRange.upperBound) }
        facts.containers.append(decl)
        return field
    }

    /// Names of the methods declared directly in an anonymous body (`removeEldestEntry`).
    func anonymousMemberNames(_ open: Int, _ c: Int) -> [String] {
        var out: [String] = []
        var j = open + 1
        while j < c && j < count {
            let t = tok(j)
            if t.isPunct(0x7B) || t.isPunct(0x5B) { j = close(j) + 1; continue }
            if t.isPunct(0x28) {
                if isIdent(j - 1) && isP(close(j) + 1, 0x7B) || isK(close(j) + 1, .throws) { out.append(text(j - 1)) }
                j = close(j) + 1; continue
            }
            j += 1
        }
        return out
    }

    /// A collection initialiser made only of constants (`Map.of("a", 1)`, `List.of(A, B)`).
    func isConstantInit(_ r: Range<Int>) -> Bool {
        var j = r.lowerBound
        var sawFactory = false
        while j < r.upperBound {
            let t = tok(j)
            switch t.kind {
            case .number, .string, .char, .textBlock: break
            case .keyword:
                let c = t.code
                if c == JavaKeyword.null.rawValue || c == JavaKeyword.true.rawValue || c == JavaKeyword.false.rawValue
                    || c == JavaKeyword.class.rawValue { break }
                return false
            case .identifier:
                if isP(j + 1, 0x28) {
                    guard isVocab(j, VocabBits.constantFactory) else { return false }
                    sawFactory = true
                } else if !isUpperIdent(j) { return false }
            case .punct:
                switch t.code {
                case 0x28, 0x29, 0x2C, 0x2E, 0x2D: break
                default: return false
                }
            default: return false
            }
            j += 1
        }
        return sawFactory
    }

    // MARK: - Statements

    struct Region {
        var end: Int
        var kind: UInt8        // 1 loop, 2 finally, 3 try-resources, 4 empty-check guard, 5 for-each loop, 6 size cap,
                               // 7 once guard (static flag), 8 once-per-object guard (instance flag)
        /// A loop of either kind.
        var isLoop: Bool { kind == 1 || kind == 5 }
        var name: String = ""
    }

    /// The role of code at this point of `fn`: inside a once guard (see `onceGuard`), `once` for
    /// a static flag and `constructor` (once per object) for an instance flag.
    static func role(_ fn: JavaFnCtx, _ regions: [Region]) -> FunctionRole {
        if fn.role == .initializer || fn.role == .main || fn.role == .once { return fn.role }
        if regions.contains(where: { $0.kind == 7 }) { return .once }
        if fn.role == .normal && regions.contains(where: { $0.kind == 8 }) { return .constructor }
        return fn.role
    }

    /// Whether the condition `a..<c` (inside an `if`'s parentheses) lets its statement run once
    /// per flag — `flag.compareAndSet(false, true)`, `!flag.getAndSet(true)` on a plain name or
    /// field chain (`this.started`, `STARTED`): Java's `sync.Once` — and how often that is: 7 once
    /// per process (a static flag: a static field of the class, or an upper-case name it does not
    /// declare), 8 once per object (an instance field), 0 not a once guard.
    func onceGuard(_ a: Int, _ c: Int, cls: JavaClassCtx) -> UInt8 {
        var k = a
        let negated = isP(k, 0x21)
        if negated { k += 1 }
        guard k < c, isIdent(k) || isK(k, .this) else { return 0 }
        k += 1
        while k + 1 < c && isP(k, 0x2E) && isIdent(k + 1) {
            k += 2
            if isP(k, 0x28) { break }
        }
        // `k` is the `(` after the method name at `k - 1`; the flag is the name before it.
        guard k < c, isP(k, 0x28), close(k) == c - 1, k >= a + 3, isIdent(k - 3) else { return 0 }
        let method = k - 1
        let shape: Bool
        if !negated && identIs(method, "compareAndSet") {
            shape = k + 4 == c - 1 && isK(k + 1, .false) && isP(k + 2, 0x2C) && isK(k + 3, .true)
        } else if negated && identIs(method, "getAndSet") {
            shape = k + 2 == c - 1 && isK(k + 1, .true)
        } else {
            shape = false
        }
        guard shape else { return 0 }
        let flag = text(k - 3)
        var owner: JavaClassCtx? = cls
        while let o = owner {
            if let f = o.fields[flag] { return f.isStatic ? 7 : 8 }
            owner = o.parent
        }
        return flag.utf8.allSatisfy({ ($0 >= 65 && $0 <= 90) || $0 == 95 || ($0 >= 48 && $0 <= 57) }) ? 7 : 8
    }

    /// A lazy initialisation, `if (timer == null) { timer = new Timer(…); … }` (also
    /// `this.timer`, `null == timer`), on a field of the class that is not a container and that
    /// the file never sets back to `null`: the guarded statement runs once per process for a
    /// static field (7) and once per object for an instance field (8), like `onceGuard`; 0
    /// otherwise. `a..<c` is the condition, `end` the end of the guarded statement.
    func lazyInitGuard(_ a: Int, _ c: Int, _ end: Int, cls: JavaClassCtx) -> UInt8 {
        var k = a
        if isK(k, .this) && isP(k + 1, 0x2E) { k += 2 }
        let nameAt: Int
        if isIdent(k) && tok(k + 1).isOp(.eqEq) && isK(k + 2, .null) && k + 3 == c { nameAt = k }
        else if isK(a, .null) && tok(a + 1).isOp(.eqEq) && isIdent(a + 2) && a + 3 == c { nameAt = a + 2 }
        else { return 0 }
        let id = ident(nameAt)
        var field: JavaField? = nil
        var owner: JavaClassCtx? = cls
        while let o = owner, field == nil { field = o.fields[name(nameAt)]; owner = o.parent }
        // A container made lazily is left to the container rules, which read its assignment
        // as they always did; the guard is about what starts threads or registers hooks.
        guard let f = field, f.kind == nil else { return 0 }
        // The guarded statement assigns the field (`timer = …`, `this.timer = …`).
        var assigns = false
        var q = c + 1
        while q < end && !assigns {
            if isIdent(q) && ident(q) == id && isP(q + 1, 0x3D) && (!isP(q - 1, 0x2E) || isK(q - 2, .this)) { assigns = true }
            q += 1
        }
        guard assigns else { return 0 }
        // Set back to null anywhere in the file: the guard may run again.
        if nullAssigned == nil {
            var ids: Set<Int32> = []
            var k = 0
            while k + 2 < count {
                if isP(k + 1, 0x3D) && isK(k + 2, .null) && isIdent(k) { ids.insert(ident(k)) }
                k += 1
            }
            nullAssigned = ids
        }
        if nullAssigned!.contains(id) { return 0 }
        return f.isStatic ? 7 : 8
    }

    /// Identifiers the file assigns `null` (`x = null`), found on the first lazy guard's question.
    var nullAssigned: Set<Int32>? = nil

    /// End of the statement starting at `s` (exclusive), bounded to `limit` and to a fixed
    /// number of steps so that long chains of unbraced statements stay linear.
    func statementEnd(_ s: Int, _ limit: Int) -> Int {
        var i = s
        var pendingIf = 0, pendingDo = 0
        var steps = 0
        outer: while i < limit && steps < 256 {
            steps += 1
            let t = tok(i)
            if t.isPunct(0x7B) {
                i = close(i) + 1
            } else if t.kind == .keyword && (t.code == JavaKeyword.if.rawValue || t.code == JavaKeyword.while.rawValue
                        || t.code == JavaKeyword.for.rawValue || t.code == JavaKeyword.synchronized.rawValue
                        || t.code == JavaKeyword.switch.rawValue) && isP(i + 1, 0x28) {
                if t.code == JavaKeyword.if.rawValue { pendingIf += 1 }
                i = close(i + 1) + 1
                if t.code == JavaKeyword.switch.rawValue && isP(i, 0x7B) { i = close(i) + 1 } else { continue }
            } else if t.isKeyword(.do) {
                pendingDo += 1; i += 1; continue
            } else if t.isKeyword(.try) {
                i += 1
                if isP(i, 0x28) { i = close(i) + 1 }
                if isP(i, 0x7B) { i = close(i) + 1 }
                while isK(i, .catch) {
                    i += 1
                    if isP(i, 0x28) { i = close(i) + 1 }
                    if isP(i, 0x7B) { i = close(i) + 1 }
                }
                if isK(i, .finally) { i += 1; if isP(i, 0x7B) { i = close(i) + 1 } }
            } else if isIdent(i) && isP(i + 1, 0x3A) {
                i += 2; continue
            } else {
                var j = i
                while j < limit {
                    let u = tok(j)
                    if u.kind == .punct {
                        if u.code == 0x28 || u.code == 0x5B || u.code == 0x7B { j = close(j) + 1; continue }
                        if u.code == 0x3B { j += 1; break }
                        if u.code == 0x7D { break }
                    }
                    j += 1
                }
                i = j
            }
            // After a complete statement.
            while true {
                if pendingDo > 0 && isK(i, .while) {
                    pendingDo -= 1
                    i += 1
                    if isP(i, 0x28) { i = close(i) + 1 }
                    if isP(i, 0x3B) { i += 1 }
                    continue
                }
                if pendingIf > 0 && isK(i, .else) {
                    pendingIf -= 1; i += 1
                    continue outer
                }
                break
            }
            return min(i, limit)
        }
        return min(max(i, s + 1), limit)
    }

    /// The body range of the loop whose keyword is at `i`: (body start, loop end, condition range).
    func loopShape(_ i: Int, _ limit: Int) -> (bodyStart: Int, end: Int, cond: Range<Int>, endless: Bool) {
        let t = tok(i)
        if t.isKeyword(.do) {
            let bodyEnd = statementEnd(i + 1, limit)
            var end = bodyEnd
            var cond = bodyEnd..<bodyEnd
            if isK(end, .while) && isP(end + 1, 0x28) {
                let c = close(end + 1)
                cond = (end + 2)..<c
                end = c + 1
                if isP(end, 0x3B) { end += 1 }
            }
            let endless = cond.count == 1 && isK(cond.lowerBound, .true)
            return (i + 1, min(end, limit), cond, endless)
        }
        guard isP(i + 1, 0x28) else { return (i + 1, i + 1, i..<i, false) }
        let c = close(i + 1)
        let cond = (i + 2)..<c
        var endless = false
        if t.isKeyword(.while) {
            endless = cond.count == 1 && isK(cond.lowerBound, .true)
        } else {
            // for (;;) — also `for (init; ; step)`: no condition.
            let parts = splitSemicolons(cond)
            endless = parts.count == 3 && parts[1].isEmpty
        }
        let end = statementEnd(c + 1, limit)
        return (c + 1, end, cond, endless)
    }

    func splitSemicolons(_ r: Range<Int>) -> [Range<Int>] {
        var out: [Range<Int>] = []
        var s = r.lowerBound
        var j = r.lowerBound
        while j < r.upperBound {
            if isP(j, 0x28) || isP(j, 0x7B) || isP(j, 0x5B) { j = close(j) + 1; continue }
            if isP(j, 0x3B) { out.append(s..<j); s = j + 1 }
            j += 1
        }
        out.append(s..<r.upperBound)
        return out
    }

    /// Whether the `{` at `i` opens an anonymous class body (`new X(…) {`); returns the super name.
    func anonymousSuper(_ i: Int) -> String? {
        guard isP(i, 0x7B), isP(i - 1, 0x29) else { return nil }
        let o = Int(match[i - 1])
        guard o >= 0 else { return nil }
        var p = o - 1
        if isP(p, 0x3E) {
            var d = 0, k = p
            while k >= 0 && p - k < 64 {
                if isP(k, 0x3E) { d += 1 } else if isP(k, 0x3C) { d -= 1; if d == 0 { break } }
                k -= 1
            }
            guard d == 0 else { return nil }
            p = k - 1
        }
        guard isIdent(p) else { return nil }
        let name = text(p)
        var q = p
        while isP(q - 1, 0x2E) && isIdent(q - 2) { q -= 2 }
        return isK(q - 1, .new) ? name : nil
    }

    /// Whether the `{` at `i` is a lambda body (`-> {`).
    @inline(__always) func isLambdaBody(_ i: Int) -> Bool { tok(i - 1).isOp(.arrow) }

    /// Loops and direct calls of a body, `a..<b`. Anonymous-class bodies inside are skipped (their
    /// methods are functions of their own). Calls inside lambdas, and method references
    /// (`this::refresh`), run later, maybe many times: they are listed as `lit:<name>`, so no
    /// call-graph propagation takes the callee for code that only this body runs.
    func summarize(_ a: Int, _ b: Int, cls: JavaClassCtx) -> BodyFact {
        var body = BodyFact()
        guard summaryBudget > 0 else {
            if !budgetProblemReported { budgetProblemReported = true; problem("body summaries cut off (budget)") }
            return body
        }
        summaryBudget -= (b - a)
        summaryGeneration += 1   // at most one per token: never wraps
        let generation = summaryGeneration
        /// Lists the call of the identifier at `k` once (`lit:` prefixed when `literal`).
        func add(_ k: Int, literal: Bool) {
            guard body.calls.count < 64 else { return }
            let slot = 2 * Int(ident(k)) + (literal ? 1 : 0)
            if slot >= calledStamps.count {
                calledStamps.append(contentsOf: repeatElement(0, count: max(slot + 1 - calledStamps.count, 2 * idents.count)))
            }
            guard calledStamps[slot] != generation else { return }
            calledStamps[slot] = generation
            body.calls.append(literal ? "lit:" + name(k) : name(k))
        }
        /// The direct calls of `lo..<hi` (a lambda's body), as function-literal calls.
        func addLiteralCalls(_ lo: Int, _ hi: Int) {
            for k in lo..<max(lo, hi) where isDirectCall(k) { add(k, literal: true) }
        }
        var i = a
        while i < b {
            let t = tok(i)
            if t.isPunct(0x7B) && isLambdaBody(i) {
                let end = close(i)
                if isSwitchRuleArrow(i - 1) {
                    i += 1   // `case X -> { … }`: the block runs now.
                } else {
                    addLiteralCalls(i + 1, min(end, b))
                    i = end + 1
                }
                continue
            }
            if t.isPunct(0x7B) && anonymousSuper(i) != nil { i = close(i) + 1; continue }
            if t.isOp(.arrow) && !isP(i + 1, 0x7B) && !isSwitchRuleArrow(i) {
                // An expression lambda: its body ends at the `,`, `)`, `;` or `}` that closes it.
                let end = expressionEnd(i + 1, b)
                addLiteralCalls(i + 1, end)
                i = end
                continue
            }
            if t.isOp(.colonColon) && i + 1 < b && tok(i + 1).kind == .identifier {
                add(i + 1, literal: true)
                i += 2
                continue
            }
            if t.kind == .keyword && (t.code == JavaKeyword.while.rawValue || t.code == JavaKeyword.for.rawValue
                                       || t.code == JavaKeyword.do.rawValue) {
                let (loop, end) = loopFact(i, b, cls: cls)
                body.loops.append(loop)
                i = max(end, i + 1)
                continue
            }
            // `if (started.compareAndSet(false, true)) { start(); }`: what the guard calls runs once
            // (`once:`, a static flag) or once per object (`init:`, an instance flag).
            if t.kind == .keyword && t.code == JavaKeyword.if.rawValue && isP(i + 1, 0x28) {
                let c = close(i + 1)
                let once = onceGuard(i + 2, c, cls: cls)
                if once != 0 {
                    let end = statementEnd(c + 1, b)
                    for k in (c + 1)..<max(c + 1, end) where isDirectCall(k) && body.calls.count < 64 {
                        body.calls.append((once == 7 ? "once:" : "init:") + name(k))
                    }
                }
            }
            if isDirectCall(i) { add(i, literal: false) }
            i += 1
        }
        return body
    }

    /// Whether the identifier at `i` calls a method of the class itself: `f(…)` or `this.f(…)`
    /// (not `new T(…)`, not `x.f(…)`).
    @inline(__always) func isDirectCall(_ i: Int) -> Bool {
        tok(i).kind == .identifier && isP(i + 1, 0x28) && !isK(i - 1, .new) && (!isP(i - 1, 0x2E) || isK(i - 2, .this))
    }

    /// Whether the `->` at `i` ends a switch rule's labels (`case A, B ->`, `default ->`) rather
    /// than a lambda's parameters: back to the statement's start, a `case` or `default` comes first.
    func isSwitchRuleArrow(_ i: Int) -> Bool {
        var k = i - 1
        var depth = 0
        var steps = 0
        while k >= 0 && steps < 64 {
            let t = tok(k)
            if t.isPunct(0x29) || t.isPunct(0x5D) { depth += 1 }
            else if t.isPunct(0x28) || t.isPunct(0x5B) {
                if depth == 0 { return false }   // `f(x -> …)`: an argument
                depth -= 1
            } else if depth == 0 {
                if t.kind == .keyword && (t.code == JavaKeyword.case.rawValue || t.code == JavaKeyword.default.rawValue) { return true }
                if t.isPunct(0x3B) || t.isPunct(0x7B) || t.isPunct(0x7D) || t.isOp(.arrow) { return false }
                if t.kind == .keyword && t.code == JavaKeyword.return.rawValue { return false }
            }
            k -= 1
            steps += 1
        }
        return false
    }

    /// The LoopFact of the loop at `i`, and the index after the loop.
    func loopFact(_ i: Int, _ limit: Int, cls: JavaClassCtx) -> (LoopFact, Int) {
        let shape = loopShape(i, limit)
        var label: String? = nil
        if isP(i - 1, 0x3A) && isIdent(i - 2) { label = text(i - 2) }
        var signals: [String] = []
        func addSignal(_ s: String) { if !signals.contains(s) && signals.count < 8 { signals.append(s) } }
        func flagName(_ j: Int) -> String? {
            guard isIdent(j) else { return nil }
            if isP(j - 1, 0x2E) { guard isK(j - 2, .this) else { return nil } }
            guard ever(j, Self.everField) else { return nil }
            let name = self.name(j)
            var c: JavaClassCtx? = cls
            while let cc = c {
                if let f = cc.fields[name] {
                    if f.isVolatile || JavaNames.flagTypes.contains(f.typeBase) { return name }
                    return nil
                }
                c = cc.parent
            }
            return nil
        }
        // Condition.
        var j = shape.cond.lowerBound
        while j < shape.cond.upperBound {
            if isIdent(j) {
                if isP(j + 1, 0x28) && isVocab(j, VocabBits.interruptCheck) { addSignal(signalText(j)) }
                else if let f = flagName(j) { addSignal(f) }
            }
            j += 1
        }
        // Body: exits and signals.
        var exits = false
        var blockingCall = false, catchesInterrupt = false
        var streamRead = false, catchesIO = false
        var breakables: [Int] = []   // ends of nested loops / switches
        var ifConds: [Int] = []      // ends of `if (…)` conditions being read
        j = shape.bodyStart
        let bodyEnd = shape.end
        while j < bodyEnd {
            while let last = breakables.last, last <= j { breakables.removeLast() }
            while let last = ifConds.last, last <= j { ifConds.removeLast() }
            let t = tok(j)
            if t.isPunct(0x7B) && (isLambdaBody(j) || anonymousSuper(j) != nil) { j = close(j) + 1; continue }
            if t.kind == .keyword {
                switch t.code {
                case JavaKeyword.return.rawValue, JavaKeyword.throw.rawValue:
                    exits = true
                case JavaKeyword.break.rawValue:
                    if isIdent(j + 1) { if let l = label, text(j + 1) == l { exits = true } else if label == nil { /* outer label */ exits = true } }
                    else if breakables.isEmpty { exits = true }
                case JavaKeyword.while.rawValue, JavaKeyword.for.rawValue, JavaKeyword.do.rawValue:
                    let s = loopShape(j, bodyEnd)
                    if !(t.code == JavaKeyword.while.rawValue && isP(j - 1, 0x7D) && false) { breakables.append(s.end) }
                case JavaKeyword.switch.rawValue:
                    if isP(j + 1, 0x28) {
                        let c = close(j + 1)
                        if isP(c + 1, 0x7B) { breakables.append(close(c + 1) + 1) }
                    }
                case JavaKeyword.if.rawValue:
                    if isP(j + 1, 0x28) { ifConds.append(close(j + 1)) }
                case JavaKeyword.catch.rawValue:
                    if isP(j + 1, 0x28) {
                        var k = j + 2
                        let c = close(j + 1)
                        while k < c {
                            if identIs(k, "InterruptedException") || identIs(k, "Exception") || identIs(k, "Throwable") { catchesInterrupt = true }
                            if isIOExceptionName(k) { catchesIO = true }
                            k += 1
                        }
                    }
                default: break
                }
            } else if t.kind == .identifier {
                // Only calls can block or check the interrupt flag: no String for other names.
                var checked = false
                if isP(j + 1, 0x28) {
                    let v = vocabBits(j)
                    if v & VocabBits.interruptible != 0 { blockingCall = true }
                    if v & VocabBits.streamRead != 0 && isP(j - 1, 0x2E) { streamRead = true }
                    if v & VocabBits.interruptCheck != 0 { addSignal(signalText(j)); checked = true }
                }
                if checked { j += 1; continue }
                if identIs(j, "exit") || identIs(j, "halt"), isP(j - 1, 0x2E), identIs(j - 2, "System") || isP(j - 2, 0x29) { exits = true }
                else if !ifConds.isEmpty, let f = flagName(j) { addSignal(f) }
            }
            j += 1
        }
        // A blocking call whose InterruptedException is not caught inside the loop ends the loop
        // when the thread is interrupted.
        if blockingCall && !catchesInterrupt { addSignal("InterruptedException") }
        // A blocking read whose IOException is not caught inside the loop but around it ends the
        // loop when the stream or socket is closed (`sock.close()` stops a reader thread).
        if streamRead && !catchesIO && ioCaughtAround(shape.end, limit) { addSignal("IOException") }
        let loop = LoopFact(at: ref(i, i + 1), endless: shape.endless, exits: exits, signals: signals)
        return (loop, shape.end)
    }

    /// `IOException` and the exceptions a closed stream, socket or channel throws, or a catch-all.
    func isIOExceptionName(_ k: Int) -> Bool {
        identIs(k, "IOException") || identIs(k, "EOFException") || identIs(k, "SocketException")
            || identIs(k, "ClosedChannelException") || identIs(k, "AsynchronousCloseException")
            || identIs(k, "Exception") || identIs(k, "Throwable")
    }

    /// Whether a `try` around the code ending at `from` (up to `limit`) catches `IOException`
    /// or one of its kin: a `}` that closes a block around `from` and is followed by a `catch`
    /// naming one of them (each enclosing block is checked, innermost first).
    func ioCaughtAround(_ from: Int, _ limit: Int) -> Bool {
        var depth = 0
        var k = from
        let end = min(limit, count)
        while k < end {
            let t = tok(k)
            if t.isPunct(0x7B) { depth += 1 }
            else if t.isPunct(0x7D) {
                if depth > 0 { depth -= 1 }
                else if isK(k + 1, .catch) && isP(k + 2, 0x28) {
                    let c = close(k + 2)
                    var q = k + 3
                    while q < c { if isIOExceptionName(q) { return true }; q += 1 }
                    // Another catch clause of the same try may follow its block.
                }
            }
            k += 1
        }
        return false
    }

    /// `Thread.currentThread().isInterrupted()` as spelled around the identifier at `j`.
    func signalText(_ j: Int) -> String {
        var s = j
        var steps = 0
        while isP(s - 1, 0x2E) && steps < 8 {
            steps += 1
            if isIdent(s - 2) || isK(s - 2, .this) { s -= 2 }
            else if isP(s - 2, 0x29) {
                let o = Int(match[s - 2])
                guard o > 0, isIdent(o - 1) else { break }
                s = o - 1
            } else { break }
        }
        let e = isP(j + 1, 0x28) ? close(j + 1) + 1 : j + 1
        return text(s, e, limit: 120)
    }

    // MARK: - Code walk

    /// Walks the statements of a body (`a..<b`) and records ops, calls, spawns.
    func scanCode(_ a: Int, _ b: Int, fn: JavaFnCtx) {
        if fn.callsStart < 0 { fn.callsStart = facts.calls.count }
        var regions: [Region] = []
        /// Closing braces of the blocks open at `i` (innermost last): where a local's value ends.
        var blockEnds: [Int] = []
        var i = a
        let b = min(b, count)
        while i < b {
            while !regions.isEmpty && regions[regions.count - 1].end <= i { regions.removeLast() }
            while let e = blockEnds.last, e <= i { blockEnds.removeLast() }
            let t = tok(i)
            if t.isPunct(0x7B) { blockEnds.append(close(i)) }
            switch t.kind {
            case .keyword:
                switch t.code {
                case JavaKeyword.while.rawValue, JavaKeyword.for.rawValue, JavaKeyword.do.rawValue:
                    let s = loopShape(i, b)
                    // A for-each runs once per element of a collection that exists (kind 5); any
                    // other loop may run on (kind 1).
                    let forEach = t.code == JavaKeyword.for.rawValue && splitSemicolons(s.cond).count == 1
                    regions.append(Region(end: s.end, kind: forEach ? 5 : 1))
                case JavaKeyword.finally.rawValue:
                    if isP(i + 1, 0x7B) { regions.append(Region(end: close(i + 1) + 1, kind: 2)) }
                case JavaKeyword.try.rawValue:
                    if isP(i + 1, 0x28) { regions.append(Region(end: close(i + 1), kind: 3)) }
                case JavaKeyword.if.rawValue:
                    if isP(i + 1, 0x28) {
                        let c = close(i + 1)
                        if let g = emptyCheckName(i + 2, c) {
                            let end = statementEnd(c + 1, b)
                            regions.append(Region(end: end, kind: 4, name: g))
                        }
                        if let g = sizeCapName(i + 2, c) {
                            regions.append(Region(end: statementEnd(c + 1, b), kind: 6, name: g))
                        }
                        var once = onceGuard(i + 2, c, cls: fn.cls)
                        if once == 0 { once = lazyInitGuard(i + 2, c, statementEnd(c + 1, b), cls: fn.cls) }
                        if once != 0 {
                            regions.append(Region(end: statementEnd(c + 1, b), kind: once))
                        }
                        // `if (list.size() >= MAX) return;` caps what follows in its block.
                        if let g = sizeCapName(i + 2, c, atCap: true), exitsAtOnce(c + 1) {
                            regions.append(Region(end: blockEnds.last ?? b, kind: 6, name: g))
                        }
                    }
                case JavaKeyword.class.rawValue, JavaKeyword.interface.rawValue, JavaKeyword.enum.rawValue:
                    if typeDeclKeyword(i) != nil && !isP(i - 1, 0x2E) {
                        let end = typeDeclEnd(i, b)
                        parseTypeDecl(i, b, mods: Modifiers(), outer: fn.cls)
                        i = max(end, i + 1); continue
                    }
                case JavaKeyword.new.rawValue:
                    handleNew(i, b, fn: fn, regions: regions)
                case JavaKeyword.return.rawValue:
                    if isIdent(i + 1) && isP(i + 2, 0x3B) { fn.escapedToks.append(i + 1) }
                case JavaKeyword.instanceof.rawValue:
                    // `x.f instanceof T name`: calls on `name` are calls on `x.f`.
                    if isIdent(i - 1), let ty = skipType(i + 1), isIdent(ty.end) {
                        let start = isP(i - 2, 0x2E) ? chainStart(dot: i - 2) : i - 1
                        mark(ty.end, Self.everAlias)
                        fn.aliases[ident(ty.end)] = (start, i)
                    }
                default: break
                }
            case .identifier:
                let next = tok(i + 1)
                if next.isPunct(0x28) {
                    if !isK(i - 1, .new) { handleCall(i, b, fn: fn, regions: regions) }
                } else if identIs(i, "record") && typeDeclKeyword(i) != nil && !isP(i - 1, 0x2E) {
                    let end = typeDeclEnd(i, b)
                    parseTypeDecl(i, b, mods: Modifiers(), outer: fn.cls)
                    i = max(end, i + 1); continue
                } else if next.kind == .punct && (next.code == 0x3D || next.code == 0x3B || next.code == 0x2C
                                                  || next.code == 0x3A || next.code == 0x29) {
                    if let ty = declaredTypeBefore(i) {
                        let name = self.name(i), id = ident(i)
                        mark(i, Self.everLocal)
                        fn.locals[id] = ty
                        if next.code == 0x3D && isK(i + 2, .new), let nt = skipType(i + 3) {
                            fn.localNew[id] = nt.base
                            let role = Self.role(fn, regions)
                            if role == .normal || role == .teardown { fn.madeLocals.append((id, nt.base)) }
                            mark(i, Self.everFresh)
                            fn.freshUntil[id] = blockEnds.last ?? b
                        }
                        if next.code == 0x3D, let g = getCallEnd(i + 2), isP(g, 0x3B) {
                            mark(i, Self.everSaved)
                            fn.savedFrom[id] = text(i + 2, g - 4)
                        }
                        if let r = regions.last(where: { $0.kind == 3 }), r.end > i, next.code == 0x3D {
                            // try-with-resources: close() runs on the way out.
                            facts.calls.append(CallFact(callee: "\(name).close", method: "close", receiver: name,
                                                        result: .discarded, deferred: true, at: ref(i, i + 1),
                                                        function: fn.name, role: Self.role(fn, regions), inLoop: regions.contains { $0.isLoop }))
                        }
                    } else if next.code == 0x3D {
                        if !isP(i - 1, 0x2E) {
                            if ever(i, Self.everSaved) { fn.savedFrom[ident(i)] = nil }  // no longer the saved value
                            if isK(i + 2, .new) {
                                mark(i, Self.everFresh)
                                fn.freshUntil[ident(i)] = blockEnds.last ?? b
                            } else if ever(i, Self.everFresh) {
                                fn.freshUntil[ident(i)] = nil
                            }
                        }
                        handleAssign(i, b, fn: fn, regions: regions)
                    }
                } else if next.isOp(.arrow) {
                    mark(i, Self.everLocal)
                    fn.locals[ident(i)] = ""
                }
            case .punct:
                if t.code == 0x7B, let sup = anonymousSuper(i) {
                    let c = close(i)
                    // Run at once by the call it is handed to, in start-up code: run once.
                    var inline: FunctionRole? = nil
                    let role = Self.role(fn, regions)
                    if role == .initializer || role == .main || role == .once, handedToInlineRunner(i) { inline = role }
                    parseAnonymousBody(i, c, superName: sup, outer: fn.cls, runsInline: inline)
                    i = c + 1; continue
                }
                if t.code == 0x28 && tok(close(i) + 1).isOp(.arrow) {
                    // Lambda parameters shadow fields.
                    var j = i + 1
                    let c = close(i)
                    while j < c {
                        if isIdent(j) && (isP(j + 1, 0x2C) || j + 1 == c) { mark(j, Self.everLocal); fn.locals[ident(j)] = "" }
                        j += 1
                    }
                }
            default: break
            }
            i += 1
        }
        if !fn.madeLocals.isEmpty { recordLocalInstances(a, b, fn: fn) }
    }

    /// The objects of `fn.madeLocals` that stay with the call, as `FileFacts.localInstances`: a
    /// local returned (a factory) or stored into a field or static (`INSTANCE = imm`, a lazily
    /// made singleton) may outlive it, and is left out. Handing the local to a call is not
    /// counted: nearly every object is passed somewhere.
    func recordLocalInstances(_ a: Int, _ b: Int, fn: JavaFnCtx) {
        let made = fn.madeLocals
        fn.madeLocals.removeAll()
        var escaped: Set<Int32> = []
        var k = a
        while k < b {
            defer { k += 1 }
            guard isIdent(k), isK(k - 1, .return) || isP(k - 1, 0x3D) else { continue }
            let id = ident(k)
            guard made.contains(where: { $0.id == id }), isP(k + 1, 0x3B) || isP(k + 1, 0x29) else { continue }
            if isK(k - 1, .return) { escaped.insert(id); continue }
            // `target = local;`: a field, a static, an array slot; another local does not count.
            let target = k - 2
            if !isIdent(target) || isP(target - 1, 0x2E) || fn.locals[ident(target)] == nil { escaped.insert(id) }
        }
        for m in made where !escaped.contains(m.id) {
            facts.localInstances.append(LocalInstance(typeName: m.type, function: fn.name))
        }
    }

    func finishFunction(_ fn: JavaFnCtx) {
        // A handle bound to a local that is then handed on (an argument, a return, a field) escapes.
        if fn.callsStart >= 0 && !fn.escapedToks.isEmpty {
            var escaped: Set<String>? = nil
            for k in fn.callsStart..<facts.calls.count where facts.calls[k].function == fn.name {
                guard case .bound(let names) = facts.calls[k].result else { continue }
                if escaped == nil { escaped = Set(fn.escapedToks.map { text($0) }) }
                if let e = escaped, names.contains(where: e.contains) { facts.calls[k].result = .escapes }
            }
        }
        for name in fn.threadLocals.keys.sorted() where fn.startedLocals.contains(name) {
            facts.spawns.append(fn.threadLocals[name]!)
        }
    }

    /// `x == null`, `null == x`, `x.isEmpty()` in an `if` condition → the field name.
    /// When tokens from `a` are `chain.get()`, the index after the `)`.
    func getCallEnd(_ a: Int) -> Int? {
        var j = a
        guard isIdent(j) || isK(j, .this) else { return nil }
        while isP(j + 1, 0x2E) && isIdent(j + 2) { j += 2 }
        guard j > a, identIs(j, "get"), isP(j + 1, 0x28), isP(j + 2, 0x29) else { return nil }
        return j + 3
    }

    /// Whether a method body `a..<b` returns a fresh `new Simple(…)` (a factory).
    func returnsNew(_ a: Int, _ b: Int, simple: String) -> Bool {
        var j = a
        while j < b {
            if isK(j, .return) && isK(j + 1, .new), let ty = skipType(j + 2), ty.base == simple { return true }
            j += 1
        }
        return false
    }

    func emptyCheckName(_ a: Int, _ c: Int) -> String? {
        var j = a
        if isK(j, .this) && isP(j + 1, 0x2E) { j += 2 }
        if isIdent(j) && tok(j + 1).isOp(.eqEq) && isK(j + 2, .null) && j + 3 == c { return text(j) }
        if isIdent(j) && isP(j + 1, 0x2E) && identIs(j + 2, "isEmpty") && j + 5 == c { return text(j) }
        if isK(a, .null) && tok(a + 1).isOp(.eqEq) {
            var k = a + 2
            if isK(k, .this) && isP(k + 1, 0x2E) { k += 2 }
            if isIdent(k) && k + 1 == c { return text(k) }
        }
        return nil
    }

    /// The container whose size the condition `a..<c` caps: `list.size() < max`,
    /// `this.list.size() <= n`, `idx >= pool.size()`, `max > list.size()` (the size on the small
    /// side of the comparison). Nil when there is none, or when an `||` lets the branch run
    /// without the cap.
    ///
    /// `atCap`: the mirror, a condition that holds once the container is full
    /// (`list.size() >= MAX`, `MAX <= list.size()`), for an `if` that then leaves; an `&&` there
    /// lets the code past it run at the cap.
    func sizeCapName(_ a: Int, _ c: Int, atCap: Bool = false) -> String? {
        var found: String? = nil
        var j = a
        while j < c {
            if tok(j).isOp(atCap ? .andAnd : .orOr) { return nil }
            if isIdent(j) && isP(j + 1, 0x2E) && identIs(j + 2, "size") && isP(j + 3, 0x28) && isP(j + 4, 0x29) {
                var before = j - 1
                if isP(before, 0x2E) && isK(before - 1, .this) { before -= 2 }
                let after = j + 5
                let small = (after < c && (isP(after, 0x3C) || tok(after).isOp(.lessEq)))
                    || (before >= a && (isP(before, 0x3E) || tok(before).isOp(.greaterEq)))
                let big = (after < c && (isP(after, 0x3E) || tok(after).isOp(.greaterEq)))
                    || (before >= a && (isP(before, 0x3C) || tok(before).isOp(.lessEq)))
                if atCap ? big : small { found = text(j) }
            }
            j += 1
        }
        return found
    }

    /// Whether the statement at `s` leaves at once: `return …;`, `throw …;`, `break;`,
    /// `continue;`, alone or as the only statement of a block.
    func exitsAtOnce(_ s: Int) -> Bool {
        var k = s
        if isP(k, 0x7B) { k += 1 }
        guard isK(k, .return) || isK(k, .throw) || isK(k, .break) || isK(k, .continue) else { return false }
        guard isP(s, 0x7B) else { return true }
        var j = k
        while j < count && !isP(j, 0x3B) { j = isP(j, 0x7B) || isP(j, 0x28) || isP(j, 0x5B) ? close(j) + 1 : j + 1 }
        return isP(j + 1, 0x7D) && close(s) == j + 1
    }

    /// When the identifier at `i` is the name in a declaration (`Map<K, V> name`), the simple type name.
    func declaredTypeBefore(_ i: Int) -> String? {
        let p = tok(i - 1)
        switch p.kind {
        case .identifier:
            if isP(i - 2, 0x2E) {
                // Qualified type `java.util.Map name` vs field access `a.b = …`: a type needs a
                // further type-ending or statement start before the chain.
                var q = i - 1
                while isP(q - 1, 0x2E) && isIdent(q - 2) { q -= 2 }
                let before = tok(q - 1)
                guard before.isPunct(0x3B) || before.isPunct(0x7B) || before.isPunct(0x7D) || before.isPunct(0x28)
                      || (before.kind == .keyword && before.code == JavaKeyword.final.rawValue) else { return nil }
                return text(i - 1)
            }
            let pp = tok(i - 2)
            // `a b` where a is preceded by an operator cannot be a declaration (`x = y z` is invalid anyway).
            if pp.kind == .identifier || pp.kind == .number || pp.kind == .string { return nil }
            if pp.isPunct(0x3D) || pp.isPunct(0x2E) { return nil }
            if identIs(i - 1, "yield") { return nil }
            return text(i - 1)
        case .keyword:
            if JavaNames.primitiveKeywords.contains(p.code) { return text(i - 1) }
            return nil
        case .punct:
            if p.code == 0x3E {
                // Closing a type-argument list?
                var d = 0, k = i - 1
                while k >= 0 && (i - 1) - k < 64 {
                    let u = tok(k)
                    if u.isPunct(0x3E) { d += 1 }
                    else if u.isPunct(0x3C) { d -= 1; if d == 0 { break } }
                    else if !(u.kind == .identifier || u.isPunct(0x2C) || u.isPunct(0x2E) || u.isPunct(0x3F)
                              || u.isPunct(0x5B) || u.isPunct(0x5D) || u.isPunct(0x26)
                              || (u.kind == .keyword && (u.code == JavaKeyword.extends.rawValue || u.code == JavaKeyword.super.rawValue))) {
                        return nil
                    }
                    k -= 1
                }
                guard d == 0, isIdent(k - 1) else { return nil }
                return text(k - 1)
            }
            if p.code == 0x5D && isP(i - 2, 0x5B) {
                var k = i - 1
                while isP(k, 0x5D) && isP(k - 1, 0x5B) { k -= 2 }
                if isIdent(k) || (tok(k).kind == .keyword && JavaNames.primitiveKeywords.contains(tok(k).code)) { return text(k) }
            }
            return nil
        default:
            return nil
        }
    }

    // MARK: - Targets

    typealias Target = (symbol: SymbolRef, resolution: TargetResolution, field: JavaField?)

    /// The field named by the identifier token `i` as seen from `fn` (nil when a local shadows it).
    func resolveName(_ i: Int, fn: JavaFnCtx) -> Target? {
        guard ever(i, Self.everField), localType(i, fn) == nil else { return nil }
        let name = self.name(i)
        var c: JavaClassCtx? = fn.cls
        while let cc = c {
            if let f = cc.fields[name] { return (SymbolRef(owner: cc.name, name: name), f.isStatic ? .staticMember : .field, f) }
            c = cc.parent
        }
        return nil
    }

    func classInChain(_ simple: String, fn: JavaFnCtx) -> JavaClassCtx? {
        var c: JavaClassCtx? = fn.cls
        while let cc = c { if cc.simple == simple { return cc }; c = cc.parent }
        return nil
    }

    /// Resolves a receiver / assignment target spelled by tokens `a..<b`.
    func resolveTarget(_ a: Int, _ b: Int, fn: JavaFnCtx) -> Target? {
        let n = b - a
        if n == 1 && isIdent(a) { return resolveName(a, fn: fn) }
        if n == 3 && isP(a + 1, 0x2E) && isIdent(a + 2) {
            let name = self.name(a + 2)
            if isK(a, .this) {
                if let f = field(a + 2, of: fn.cls) { return (SymbolRef(owner: fn.cls.name, name: name), f.isStatic ? .staticMember : .field, f) }
                return nil
            }
            guard isIdent(a) else { return nil }
            if isUpperIdent(a) {
                let owner = self.name(a)
                if let cc = classInChain(owner, fn: fn) {
                    if let f = field(a + 2, of: cc) { return (SymbolRef(owner: cc.name, name: name), .staticMember, f) }
                    return nil
                }
                if localType(a, fn) != nil { return (SymbolRef(owner: nil, name: name), .fieldOfUnknownOwner, nil) }
                return (SymbolRef(owner: owner, name: name), .staticMember, nil)
            }
            return (SymbolRef(owner: nil, name: name), .fieldOfUnknownOwner, nil)
        }
        return nil
    }

    /// The start of the receiver chain that ends just before the `.` at `dot`.
    func chainStart(dot: Int) -> Int {
        var start = dot + 1
        var j = dot
        var steps = 0
        while isP(j, 0x2E) && steps < 64 {
            steps += 1
            let p = j - 1
            let t = tok(p)
            if t.kind == .identifier || t.isKeyword(.this) || t.isKeyword(.super) {
                start = p
            } else if t.isPunct(0x29) || t.isPunct(0x5D) {
                let o = Int(match[p])
                guard o >= 0 && o < p else { break }
                if t.isPunct(0x29) && isIdent(o - 1) { start = o - 1 } else if t.isPunct(0x5D) && isIdent(o - 1) { start = o - 1 } else { start = o; break }
            } else { break }
            j = start - 1
        }
        // `new X(…).m()` / `new a.b.X(…).m()`
        var q = start
        while isP(q - 1, 0x2E) && isIdent(q - 2) { q -= 2 }
        if isK(q - 1, .new) { return q - 1 }
        return start
    }

    /// The end (exclusive) of the postfix chain continuing after index `e` (`…).a().b`).
    func chainEnd(_ e: Int) -> Int {
        var j = e
        var steps = 0
        while isP(j, 0x2E) && isIdent(j + 1) && steps < 64 {
            steps += 1
            j += 2
            if isP(j, 0x28) { j = close(j) + 1 }
        }
        return j
    }

    /// What becomes of the value of the expression `s..<e` (s includes a leading `new`).
    func resultUse(_ s0: Int, _ e: Int, fn: JavaFnCtx) -> ResultUse {
        if isP(e, 0x2E) { return .discarded }
        // Skip casts: `(ScheduledThreadPoolExecutor) Executors.newScheduledThreadPool(1)`.
        var s = s0
        var steps = 0
        while isP(s - 1, 0x29) && steps < 4 {
            let o = Int(match[s - 1])
            guard o >= 0 && o < s - 1, let ty = skipType(o + 1), ty.end == s - 1 else { break }
            let before = tok(o - 1)
            if before.kind == .identifier || before.isPunct(0x29) || before.isPunct(0x5D)
                || (before.kind == .keyword && !before.isKeyword(.return)) { break }
            s = o; steps += 1
        }
        let p = tok(s - 1)
        if p.isPunct(0x3D) {
            let l = s - 2
            guard isIdent(l) else { return .escapes }
            let name = self.name(l)
            if isP(l - 1, 0x2E) {
                if isK(l - 2, .this) {
                    return .stored(SymbolRef(owner: fn.cls.name, name: name))
                }
                if isUpperIdent(l - 2) && !isP(l - 3, 0x2E) {
                    let owner = text(l - 2)
                    return .stored(SymbolRef(owner: classInChain(owner, fn: fn)?.name ?? owner, name: name))
                }
                return .escapes
            }
            let isLocal = localType(l, fn) != nil
            if declaredTypeBefore(l) != nil || isLocal {
                // A field initialiser `Type name = …` is seen from inside the initialiser.
                if fn.name.hasSuffix("<clinit>") || fn.name.hasSuffix("<init>"), !isLocal, field(l, of: fn.cls) != nil {
                    return .stored(SymbolRef(owner: fn.cls.name, name: name))
                }
                return .bound([name])
            }
            if let target = resolveName(l, fn: fn) { return .stored(target.symbol) }
            return .bound([name])
        }
        if p.isKeyword(.return) { return .escapes }
        if p.isPunct(0x3B) || p.isPunct(0x7B) || p.isPunct(0x7D) || p.isKeyword(.else) || p.isPunct(0x29) || p.isPunct(0x3A) {
            if isP(e, 0x3B) {
                // `(…) -> call();` inside an argument list is a lambda, caught below; a plain statement is discarded.
                return .discarded
            }
            return .escapes
        }
        return .escapes
    }

    // MARK: - Calls

    func handleCall(_ m: Int, _ b: Int, fn: JavaFnCtx, regions: [Region]) {
        let method = name(m)
        let methodVocab = vocabBits(m)
        let open = m + 1
        let argsClose = close(open)
        var recvStart = m
        var recvEnd = m
        if isP(m - 1, 0x2E) {
            recvStart = chainStart(dot: m - 1)
            recvEnd = m - 1
        }
        let hasReceiver = recvStart < recvEnd
        // The expression a pattern binding stands for, for resolving the receiver.
        var aliasStart = recvStart, aliasEnd = recvEnd
        if recvEnd - recvStart == 1 && isIdent(recvStart) && ever(recvStart, Self.everAlias),
           let a = fn.aliases[ident(recvStart)] { (aliasStart, aliasEnd) = a }
        let argRanges = splitTopLevel(open + 1, argsClose)
        for r in argRanges where r.count == 1 && isIdent(r.lowerBound) { fn.escapedToks.append(r.lowerBound) }
        // A field handed whole to a method: one of the type's own (`shutdownPool(pool, …)`,
        // `this.stop(t)`) or a utility elsewhere (`ThreadUtils.shutdownThreadPool(pool, log)`).
        for (k, r) in argRanges.enumerated() where r.count == 1 && isIdent(r.lowerBound) {
            if let tg = resolveName(r.lowerBound, fn: fn), tg.symbol.owner == fn.cls.name {
                facts.fieldArguments.append(FieldArgument(field: tg.symbol, callee: method, index: k))
            }
        }
        let inLoop = regions.contains { $0.isLoop }
        // Container ops: a for-each over a collection fills a table once per element, so
        // run-once code looping over one fills it once (see `ContainerOp.inLoop`).
        let inOpenLoop = regions.contains { $0.kind == 1 }

        // Container op on a field (directly, through a view, or through an iterator local).
        var target: Target? = nil
        var viaView = false
        // `x.items.add(…)` right after `x = new T(…)`: filling the new object.
        let fillsNewObject = hasReceiver && recvEnd - recvStart >= 3 && isIdent(recvStart) && isP(recvStart + 1, 0x2E)
            && ever(recvStart, Self.everFresh) && (fn.freshUntil[ident(recvStart)].map { m < $0 } ?? false)
        if hasReceiver && !fillsNewObject {
            target = resolveTarget(aliasStart, aliasEnd, fn: fn)
            if target == nil && isP(recvEnd - 1, 0x29) {
                // `f.entrySet().removeIf(…)`: a view of a field.
                let o = Int(match[recvEnd - 1])
                if o > 0 && o + 1 == recvEnd - 1 && isIdent(o - 1) && isP(o - 2, 0x2E)
                    && isVocab(o - 1, VocabBits.view) && o - 2 > recvStart {
                    target = resolveTarget(recvStart, o - 2, fn: fn)
                    viaView = target != nil
                }
            }
            if target == nil && recvEnd - recvStart == 1 && isIdent(recvStart), let it = fn.iteratorOf[text(recvStart)] {
                target = (it.0, it.1, nil)
                viaView = true
            }
        }
        if let tg = target {
            let known = tg.field?.kind != nil
            let unknownField = tg.field == nil
            if (known || (unknownField && methodVocab & VocabBits.mutator != 0)) && methodVocab & VocabBits.view == 0 {
                do {
                    var keyType: String? = nil
                    var keyText: String? = nil
                    var valueText: String? = nil
                    if let k0 = argRanges.first {
                        keyText = text(k0.lowerBound, k0.upperBound, limit: 120)
                        if k0.count == 1 && isIdent(k0.lowerBound), let ty = localType(k0.lowerBound, fn), !ty.isEmpty { keyType = ty }
                    }
                    if argRanges.count > 1 { valueText = text(argRanges[1].lowerBound, argRanges[1].upperBound, limit: 120) }
                    let guarded = regions.contains { $0.kind == 4 && $0.name == tg.symbol.name }
                    // `threadLocal.set(null)` empties the thread's slot, like `d[k] = nil`.
                    var opName = OpName.call(method)
                    if tg.field?.kind == .unknown && identIs(m, "set") && argRanges.count == 1 && argRanges[0].count == 1 {
                        let a = argRanges[0].lowerBound
                        if isK(a, .null) { opName = OpName.indexSetNil }
                        // `finally { tl.set(save); }` with `save = tl.get()` read before and never
                        // reassigned: the thread's old value comes back (none at the outermost
                        // level) on every path, like a removal.
                        if isIdent(a), regions.contains(where: { $0.kind == 2 }), ever(a, Self.everSaved),
                           let from = fn.savedFrom[ident(a)],
                           from == text(recvStart, recvEnd) { opName = OpName.indexSetNil }
                    }
                    var op = ContainerOp(target: tg.symbol, resolution: tg.resolution, op: opName,
                                         keyText: keyText, keyType: keyType, valueText: valueText,
                                         at: ref(recvStart, argsClose + 1), function: fn.name, role: Self.role(fn, regions),
                                         guardedByEmptyCheck: guarded, inLoop: inOpenLoop)
                    op.deferred = regions.contains { $0.kind == 2 }
                    op.sizeCapped = regions.contains { $0.kind == 6 && $0.name == tg.symbol.name }
                    facts.ops.append(op)
                }
            }
            // Iterator bound to a local: `Iterator<…> it = f.entrySet().iterator();`
            if methodVocab & VocabBits.iterator != 0 {
                if case .bound(let names) = resultUse(recvStart, argsClose + 1, fn: fn), let n = names.first {
                    fn.iteratorOf[n] = (tg.symbol, tg.resolution)
                }
            }
        }

        // Thread / subclass start through a local or field.
        if methodVocab & VocabBits.start != 0 && argRanges.isEmpty && hasReceiver {
            if recvEnd - recvStart == 1 && isIdent(recvStart) {
                let n = name(recvStart)
                if localType(recvStart, fn) != nil {
                    fn.startedLocals.insert(n)
                    if fn.threadLocals[n] == nil, let nt = fn.localNew[ident(recvStart)], nt != "Thread" {
                        facts.spawns.append(SpawnFact(kind: "Thread", at: ref(recvStart, argsClose + 1), function: fn.name,
                                                      role: Self.role(fn, regions), callee: SymbolRef(owner: nt, name: "run"),
                                                      handle: .bound([n])))
                    }
                } else if let tg = resolveName(recvStart, fn: fn) {
                    markFieldStarted(tg, fn: fn, at: recvStart, end: argsClose + 1)
                }
            } else if let tg = resolveTarget(recvStart, recvEnd, fn: fn), tg.resolution != .fieldOfUnknownOwner {
                markFieldStarted(tg, fn: fn, at: recvStart, end: argsClose + 1)
            }
        }

        // Executor spawns.
        if hasReceiver && methodVocab & VocabBits.spawnCall != 0, let first = argRanges.first {
            var argIdx = first
            if (method == "runAsync" || method == "supplyAsync") == false || true { argIdx = first }
            if let tgt = spawnTarget(argIdx.lowerBound, argIdx.upperBound, fn: fn) {
                let e = chainEnd(argsClose + 1)
                let handle = resultUse(recvStart, e == argsClose + 1 ? e : e, fn: fn)
                facts.spawns.append(SpawnFact(kind: method, at: ref(m, argsClose + 1), function: fn.name, role: Self.role(fn, regions),
                                              callee: tgt.callee, body: tgt.body, handle: handle,
                                              args: argRanges.map { text($0.lowerBound, $0.upperBound, limit: 120) },
                                              inLoop: inLoop))
            }
        }

        // CallFact.
        var receiverSymbol: SymbolRef? = nil
        var wanted = wantedCall(m)
        // Only a ThreadLocal's set/get/remove or an `Executors.new…` call can still become wanted.
        let threadLocalMethod = methodVocab & VocabBits.threadLocalMethod != 0
        let newPrefix = idents.flags[Int(ident(m))] & Self.nonASCII != 0 ? method.hasPrefix("new")
            : tok(m).end - tok(m).start >= 3 && buf[Int(tok(m).start)] == UInt8(ascii: "n")
                && buf[Int(tok(m).start) + 1] == UInt8(ascii: "e") && buf[Int(tok(m).start) + 2] == UInt8(ascii: "w")
        if !wanted && !threadLocalMethod && !newPrefix { return }
        if hasReceiver, let tg = resolveTarget(aliasStart, aliasEnd, fn: fn) {
            if tg.resolution != .fieldOfUnknownOwner { receiverSymbol = tg.symbol }
            if let f = tg.field, f.typeBase == "ThreadLocal" || f.typeBase == "InheritableThreadLocal" {
                if threadLocalMethod { wanted = true }
            }
        }
        if !wanted && newPrefix && recvEnd - recvStart == 1 && identIs(recvStart, "Executors") { wanted = true }
        guard wanted else { return }
        let recvText: String? = hasReceiver ? text(aliasStart, aliasEnd, limit: 160) : nil
        let callee = recvText.map { "\($0).\(method)" } ?? method
        let result = resultUse(recvStart, argsClose + 1, fn: fn)
        let deferred = regions.contains { $0.kind == 2 || $0.kind == 3 }
        var call = CallFact(callee: callee, method: method, receiver: recvText, receiverSymbol: receiverSymbol,
                            args: argRanges.map { text($0.lowerBound, $0.upperBound, limit: 120) },
                            argLabels: argRanges.map { _ in nil }, result: result, deferred: deferred,
                            at: ref(hasReceiver ? recvStart : m, argsClose + 1), function: fn.name,
                            role: Self.role(fn, regions), inLoop: inLoop)
        if hasReceiver && recvEnd - recvStart == 1 && isIdent(recvStart), let ty = localType(recvStart, fn), !ty.isEmpty {
            call.receiverType = ty
        }
        // `x = new T(…); … x.addListener(…)` in the same block: registered on the new object.
        if hasReceiver && recvEnd - recvStart == 1 && isIdent(recvStart) && ever(recvStart, Self.everFresh),
           let until = fn.freshUntil[ident(recvStart)], m < until {
            call.receiverFresh = true
        }
        facts.calls.append(call)
    }

    func markFieldStarted(_ tg: Target, fn: JavaFnCtx, at: Int, end: Int) {
        var c: JavaClassCtx? = fn.cls
        while let cc = c {
            if cc.name == tg.symbol.owner {
                cc.startedFields.insert(tg.symbol.name)
                if cc.threadFields[tg.symbol.name] == nil, let f = tg.field, let nt = f.newType, nt != "Thread" {
                    facts.spawns.append(SpawnFact(kind: "Thread", at: ref(at, end), function: fn.name, role: fn.role,
                                                  callee: SymbolRef(owner: nt, name: "run"), handle: .stored(tg.symbol)))
                }
                return
            }
            c = cc.parent
        }
    }

    /// The task of a spawn argument `a..<b`: a lambda body, a method reference, `new X()`, `this`, a variable.
    func spawnTarget(_ a: Int, _ b: Int, fn: JavaFnCtx) -> (body: BodyFact?, callee: SymbolRef?)? {
        guard a < b else { return nil }
        var lambdaAt: Int? = nil
        if isIdent(a) && tok(a + 1).isOp(.arrow) { lambdaAt = a + 2 }
        else if isP(a, 0x28) && tok(close(a) + 1).isOp(.arrow) { lambdaAt = close(a) + 2 }
        if let k = lambdaAt {
            if isP(k, 0x7B) { return (summarize(k + 1, close(k), cls: fn.cls), nil) }
            return (summarize(k, b, cls: fn.cls), nil)
        }
        if tok(a + 1).isOp(.colonColon) && isIdent(a + 2) {
            let m = text(a + 2)
            if isK(a, .this) { return (nil, SymbolRef(owner: fn.cls.name, name: m)) }
            if isUpperIdent(a) { return (nil, SymbolRef(owner: classInChain(text(a), fn: fn)?.name ?? text(a), name: m)) }
            if isIdent(a) {
                let ty = fn.localNew[ident(a)] ?? fn.locals[ident(a)] ?? resolveName(a, fn: fn)?.field.map { $0.newType ?? $0.typeBase }
                if let ty = ty, !ty.isEmpty { return (nil, SymbolRef(owner: ty, name: m)) }
            }
            return nil
        }
        if isK(a, .new), let ty = skipType(a + 1), isP(ty.end, 0x28) {
            let after = close(ty.end) + 1
            if isP(after, 0x7B) { return (nil, SymbolRef(owner: anonName(after, enclosing: fn.cls.name), name: "run")) }
            if ty.base == "Thread" || ty.base == "Runnable" { return nil }
            return (nil, SymbolRef(owner: ty.base, name: "run"))
        }
        if isK(a, .this) && a + 1 == b { return (nil, SymbolRef(owner: fn.cls.name, name: "run")) }
        if isIdent(a) && a + 1 == b {
            var ty: String? = fn.localNew[ident(a)] ?? fn.locals[ident(a)]
            if ty == nil, let f = resolveName(a, fn: fn)?.field { ty = f.newType ?? f.typeBase }
            if let ty = ty, !ty.isEmpty, !["Runnable", "Callable", "Thread", "Object", "var", "TimerTask"].contains(ty) {
                return (nil, SymbolRef(owner: ty, name: "run"))
            }
        }
        return nil
    }

    // MARK: - new

    func handleNew(_ i: Int, _ b: Int, fn: JavaFnCtx, regions: [Region]) {
        guard let ty = skipType(i + 1), isP(ty.end, 0x28) else { return }
        let open = ty.end
        let c = close(open)
        for r in splitTopLevel(open + 1, c) where r.count == 1 && isIdent(r.lowerBound) { fn.escapedToks.append(r.lowerBound) }
        if ty.base != "Thread" && (ty.base.hasSuffix("Executor") || ty.base.hasSuffix("ExecutorService") || ty.base == "Timer") {
            // A constructor that starts threads: recorded as a call `new ThreadPoolExecutor(…)`.
            var exprEnd = c + 1
            if isP(c + 1, 0x7B) { exprEnd = close(c + 1) + 1 }
            let args = splitTopLevel(open + 1, c).map { text($0.lowerBound, $0.upperBound, limit: 120) }
            facts.calls.append(CallFact(callee: "new \(ty.base)", method: "new \(ty.base)", receiver: nil, args: args,
                                        argLabels: args.map { _ in nil }, result: resultUse(i, exprEnd, fn: fn),
                                        deferred: false, at: ref(i, c + 1), function: fn.name, role: Self.role(fn, regions),
                                        inLoop: regions.contains { $0.isLoop }))
        }
        guard ty.base == "Thread" else {
            // `new Worker(…).start()` for a Thread subclass.
            if isP(c + 1, 0x2E) && identIs(c + 2, "start") && isP(c + 3, 0x28) && isP(c + 4, 0x29) {
                var callee = SymbolRef(owner: ty.base, name: "run")
                if isP(c + 1, 0x7B) { callee = SymbolRef(owner: anonName(c + 1, enclosing: fn.cls.name), name: "run") }
                facts.spawns.append(SpawnFact(kind: "Thread", at: ref(i, c + 1), function: fn.name, role: Self.role(fn, regions),
                                              callee: callee, handle: .discarded))
            } else if isP(c + 1, 0x7B) && ty.base != "Runnable" {
                // An anonymous Thread subclass started directly: `new Thread() { run() {…} }.start()`.
                let bc = close(c + 1)
                if isP(bc + 1, 0x2E) && identIs(bc + 2, "start") {
                    _ = bc
                }
            }
            return
        }
        // new Thread(…) [ { anonymous subclass } ]
        var body: BodyFact? = nil
        var callee: SymbolRef? = nil
        var exprEnd = c + 1
        if isP(c + 1, 0x7B) {
            callee = SymbolRef(owner: anonName(c + 1, enclosing: fn.cls.name), name: "run")
            exprEnd = close(c + 1) + 1
        } else {
            for r in splitTopLevel(open + 1, c) {
                if let tg = spawnTarget(r.lowerBound, r.upperBound, fn: fn) { body = tg.body; callee = tg.callee; break }
            }
        }
        let startedDirectly = isP(exprEnd, 0x2E) && identIs(exprEnd + 1, "start") && isP(exprEnd + 2, 0x28)
        let handle = startedDirectly ? ResultUse.discarded : resultUse(i, exprEnd, fn: fn)
        let spawn = SpawnFact(kind: "Thread", at: ref(i, c + 1), function: fn.name, role: Self.role(fn, regions), callee: callee,
                              body: body, handle: handle,
                              args: splitTopLevel(open + 1, c).map { text($0.lowerBound, $0.upperBound, limit: 120) },
                              inLoop: regions.contains { $0.isLoop })
        if startedDirectly {
            facts.spawns.append(spawn)
            return
        }
        switch handle {
        case .bound(let names):
            if let n = names.first { fn.threadLocals[n] = spawn }
        case .stored(let sym):
            var cc: JavaClassCtx? = fn.cls
            while let k = cc { if k.name == sym.owner { k.threadFields[sym.name] = spawn; break }; cc = k.parent }
        default:
            break
        }
    }

    // MARK: - Assignments

    func handleAssign(_ i: Int, _ b: Int, fn: JavaFnCtx, regions: [Region]) {
        if isIdent(i + 2) && (isP(i + 3, 0x3B) || isP(i + 3, 0x2C) || isP(i + 3, 0x29)) { fn.escapedToks.append(i + 2) }
        // LHS: `f`, `this.f`, `X.f` ending at i.
        var s = i
        if isP(i - 1, 0x2E) {
            guard isIdent(i - 2) || isK(i - 2, .this), !isP(i - 3, 0x2E) else { return }
            s = i - 2
        }
        guard let tg = resolveTarget(s, i + 1, fn: fn) else { return }
        let rhs = i + 2
        let e = expressionEnd(rhs, b)
        var fresh = false
        if isK(rhs, .new) || isK(rhs, .null) { fresh = true }
        else if isIdent(rhs) && isP(rhs + 1, 0x2E) && isIdent(rhs + 2) && isP(rhs + 3, 0x28)
                    && isVocab(rhs + 2, VocabBits.freshFactory) && isUpperIdent(rhs) { fresh = true }
        let known = tg.field?.kind != nil
        if let f = tg.field, !known {
            // Thread / runnable fields: remember `this.worker = new Worker()`.
            if isK(rhs, .new), let nt = skipType(rhs + 1) {
                var c: JavaClassCtx? = fn.cls
                while let cc = c {
                    if cc.name == tg.symbol.owner { cc.fields[f.name]?.newType = nt.base; break }
                    c = cc.parent
                }
            }
            return
        }
        if !known && !(fresh && tg.field == nil) { return }
        let guarded = regions.contains { $0.kind == 4 && $0.name == tg.symbol.name }
        facts.ops.append(ContainerOp(target: tg.symbol, resolution: tg.resolution,
                                     op: fresh ? OpName.assignFresh : OpName.assignOther,
                                     valueText: text(rhs, e, limit: 120), at: ref(s, e), function: fn.name,
                                     role: Self.role(fn, regions), guardedByEmptyCheck: guarded, inLoop: regions.contains { $0.kind == 1 }))
    }

    // MARK: - Post-processing

    /// `name.split(separator: ".").last ?? name` (`Outer.Inner` → `Inner`), on the bytes when
    /// the name is ASCII and does not end with a dot (the usual case: type names are joined
    /// identifiers).
    static func lastComponent(_ name: String) -> String {
        let u = name.utf8
        if let last = u.last, last != UInt8(ascii: "."), !u.contains(where: { $0 >= 0x80 }) {
            guard let dot = u.lastIndex(of: UInt8(ascii: ".")) else { return name }
            return String(name[u.index(after: dot)...])
        }
        return name.split(separator: ".").last.map(String.init) ?? name
    }

    func postProcess() {
        var simpleToQualified: [String: String] = [:]
        var ambiguous: Set<String> = []
        for t in facts.types where t.kind != "anonymous" {
            let simple = Self.lastComponent(t.name)
            if simpleToQualified[simple] != nil && simpleToQualified[simple] != t.name { ambiguous.insert(simple) }
            simpleToQualified[simple] = t.name
        }
        func qualify(_ s: String) -> String {
            if ambiguous.contains(s) { return s }
            return simpleToQualified[s] ?? s
        }
        var typeIndex: [String: Int] = [:]
        for (k, t) in facts.types.enumerated() { typeIndex[t.name] = k }
        if !facts.localInstances.isEmpty {
            var seen: Set<LocalInstance> = []
            facts.localInstances = facts.localInstances.compactMap { li in
                let q = LocalInstance(typeName: qualify(li.typeName), function: li.function)
                return seen.insert(q).inserted ? q : nil
            }
        }
        for k in facts.instances.indices {
            let q = qualify(facts.instances[k].typeName)
            facts.instances[k].typeName = q
            if let ti = typeIndex[q], !facts.types[ti].traits.contains("static-instance") {
                facts.types[ti].traits.append("static-instance")
            }
        }
        for (type, trait) in pendingTypeTraits {
            if let ti = typeIndex[qualify(type)], !facts.types[ti].traits.contains(trait) { facts.types[ti].traits.append(trait) }
        }
        for k in facts.spawns.indices {
            guard var c = facts.spawns[k].callee, let owner = c.owner else { continue }
            c.owner = qualify(owner)
            if c.name == "run", let ti = typeIndex[c.owner!] {
                let methods = facts.types[ti].methods
                if !methods.contains("run") && methods.contains("call") { c.name = "call" }
            }
            facts.spawns[k].callee = c
        }
        for k in facts.ops.indices where facts.ops[k].resolution == .staticMember {
            if let o = facts.ops[k].target.owner { facts.ops[k].target.owner = qualify(o) }
        }
        for k in facts.calls.indices {
            if let o = facts.calls[k].receiverSymbol?.owner { facts.calls[k].receiverSymbol?.owner = qualify(o) }
            if case .stored(var s) = facts.calls[k].result, let o = s.owner { s.owner = qualify(o); facts.calls[k].result = .stored(s) }
        }
    }
}

extension Substring {
    func trimmingSpacesJ() -> String {
        var s = self[...]
        while let f = s.first, f == " " || f == "\t" || f == "\r" || f == "\n" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" || l == "\r" || l == "\n" { s = s.dropLast() }
        return String(s)
    }
}

extension String {
    /// `java . util . Map` → `java.util.Map` (each byte taken as a Latin-1 scalar, as it always was).
    func replacingSpaces() -> String { String(self.utf8.filter { $0 != 0x20 }.map { Character(Unicode.Scalar($0)) }) }
}
