#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import LeakLintCore

/// A byte-level pre-pass that finds the function bodies of a Swift file that cannot hold a fact,
/// so the parser never sees their contents (each is cut down to one space; `FactVisitor` maps the
/// tree's offsets back to the file's).
///
/// Parsing is most of a scan's time and most function bodies hold nothing the analyses read:
/// no loop that may be endless, no spawn, no call the rules or the visitor record, no container
/// method but on a name, no static storage, no assignment to a name that could be a container.
/// Only bodies of `func` / `init` / `deinit` declarations whose enclosing braces are all type
/// bodies (or the file) are candidates, so their facts are the body's own: the declaration's
/// signature, its `FunctionFact` (name, owner, role, parameters) and its type's method list come
/// from the text outside the braces and stay as they are. What a skipped body loses:
/// - `BodyFact.calls` (the direct calls a body makes), which the Swift analyses do not read
///   (run-once propagation is off for Swift);
/// - the `LoopFact`s of loops that end by their own condition (`for … in` over a collection,
///   `while let`, `while i < n`): no analysis reads a loop that is not endless;
/// - the local types and functions it declares, when none has static storage (their own
///   bodies' spawns, calls and ops keep the body like any other).
///
/// A word of the calls' vocabulary keeps a body only where it names a call (`(`, a trailing
/// closure's `{`, `<` or `.init` follows it); loop and storage keywords keep it anywhere but
/// after a `.`. A container method called on a name (`items.append(x)`) is an op on that name
/// and is listed like an assignment (the rules read such calls only as ops). An `#if` inside a
/// body is skipped with it when each of its clauses closes the brackets it opens.
///
/// The scanner knows comments (nested), strings (multi-line, raw, interpolations nested to any
/// depth), `#/regex/#` literals and backticked names. Bare `/regex/` literals it reads as
/// operators; whatever it gets wrong, the caller checks after parsing that every skipped range is
/// exactly the inside of a member-level function body in the tree, and parses the file again
/// untouched when one is not.
struct BodySkipper {
    /// A set of identifiers, matched on bytes.
    struct Words {
        private var table: [UInt64: [[UInt8]]] = [:]
        private var lengths: UInt64 = 0
        /// Most identifiers fail this test, before any hashing.
        private var shapes = WordShapes()
        private var prefixes: [[UInt8]] = []
        private var prefixFirstBytes: [Bool] = Array(repeating: false, count: 256)

        init(_ words: some Sequence<String>, prefixes: [String] = []) {
            for w in words {
                let b = Array(w.utf8)
                guard !b.isEmpty else { continue }
                let h = b.withUnsafeBufferPointer { Self.hash($0, 0, $0.count) }
                if table[h]?.contains(b) != true { table[h, default: []].append(b) }
                lengths |= 1 << UInt64(min(b.count, 63))
                shapes.insert(first: b[0], count: b.count)
            }
            self.prefixes = prefixes.map { Array($0.utf8) }.filter { !$0.isEmpty }
            for p in self.prefixes { prefixFirstBytes[Int(p[0])] = true }
        }

        @inline(__always) static func hash(_ buf: UnsafeBufferPointer<UInt8>, _ lo: Int, _ hi: Int) -> UInt64 {
            var h: UInt64 = 0xcbf2_9ce4_8422_2325
            var i = lo
            while i < hi { h = (h ^ UInt64(buf[i])) &* 0x100_0000_01b3; i += 1 }
            return h
        }

        /// Whether `buf[lo..<hi]` is one of the words or starts with one of the prefixes.
        func contains(_ buf: UnsafeBufferPointer<UInt8>, _ lo: Int, _ hi: Int) -> Bool {
            let n = hi - lo
            guard n > 0 else { return false }
            let first = Int(buf[lo])
            if shapes.mayContain(first: buf[lo], count: n), let list = table[Self.hash(buf, lo, hi)] {
                for w in list where w.count == n {
                    var k = 0
                    while k < n && w[k] == buf[lo + k] { k += 1 }
                    if k == n { return true }
                }
            }
            guard prefixFirstBytes[first] else { return false }
            for p in prefixes where p.count <= n {
                var k = 0
                while k < p.count && p[k] == buf[lo + k] { k += 1 }
                if k == p.count { return true }
            }
            return false
        }
    }

    /// Words that give a body facts wherever they stand (keywords, so not after a `.`: `kind ==
    /// .struct` is a member): loops that may never end (`repeat`; `while` only before `true`,
    /// `(` or `!`: a loop's fact is read only when it is endless, and `while let x = …` or
    /// `while i < n` is not), static storage (`static`: only a local type's member has it in a
    /// function body), and cache limits (`cache.countLimit = n` is an op).
    static let keywordWords: [String] = ["while", "repeat", "static"]
    /// Nested declarations. A local type or function of a body gives facts of its own (a type,
    /// its fields and methods) that no analysis reads unless it is static storage (`static`
    /// keeps the body) or does what keeps a body anyway (a spawn, a recorded call, a loop, an op
    /// on a declared container). So these keywords alone do not keep a body. They are in the
    /// vocabulary so that `x.init(…)` is seen as a call.
    static let nestedDeclarationWords: [String] = [
        "func", "init", "deinit", "subscript", "class", "struct", "enum", "actor", "protocol", "extension",
    ]
    static let limitWords: [String] = ["countLimit", "totalCostLimit"]
    static let declarationWords: [String] = keywordWords + nestedDeclarationWords + limitWords

    /// Words that give a body facts as the name of a call: spawns and `store(in:)`. (The
    /// cancellation checks `isCancelled`, `checkCancellation()` and `sleep(…)` are signals of the
    /// loops open around them; a body without `while`, `repeat` or `for await` has no loop whose
    /// fact is read.)
    static let spawnWords: [String] = ["Task", "Thread", "detached", "detachNewThread", "async", "store"]

    /// Words that give a body facts whatever the rules ask for.
    static let structuralWords: [String] = declarationWords + spawnWords

    /// `keywordWords` and `limitWords` as a table: the other words of a `Words` count only as a
    /// call's name.
    static let anywhereWords = Words(keywordWords + limitWords)
    /// `nestedDeclarationWords` as a table.
    static let nestedDeclarationTable = Words(nestedDeclarationWords)
    /// `limitWords` as a table: the words that count after a `.`.
    static let afterDotWords = Words(limitWords)

    /// What keeps a body: `calls`, words that give it facts as a call's name (or anywhere, for
    /// `anywhereWords`); `ops`, container methods (`append`, `insert`, `filter…`) whose call is
    /// an op on its receiver and nothing else (`CallInterest.opOnlyMethods`). A body whose only
    /// such calls are `name.op(…)` is skipped like one that assigns `name`.
    struct Vocabulary {
        var calls: Words
        var ops: Words
    }

    /// Bodies longer than this many tokens are always parsed (a chain that deep is reported by the
    /// visitor's depth guard, and a skipped body must not hide that).
    static let maximumTokens = SwiftFrontEnd.maximumTreeDepth - 1

    /// One skippable body: the offsets of its `{` and its `}`, and the names it assigns
    /// (`name = …`, `x.name = …`, `name[k] = …`, `name += …`) or hands over `inout` (`f(&x.name)`,
    /// an escape op): ops that matter only when a container of that name is declared in the scope.
    struct Body: Equatable {
        var open: Int
        var close: Int
        var assigned: [String] = []
    }

    /// What one pass over a file found: the bodies that hold no fact but their assignments, and
    /// the names declared with `let`/`var` outside those bodies whose line could make them a
    /// container (a `[`, a collection type's name, no annotation or initialiser, or one continued
    /// on the next line): a superset of the file's containers.
    struct Scan {
        var bodies: [Body] = []
        var declared: Set<String> = []

        /// The bodies to skip when the scope declares containers named `reading` (besides the
        /// file's own declarations), and the names those skipped bodies assign, sorted.
        func skipping(reading: Set<String>) -> (bodies: [Body], unread: [String]) {
            var out: [Body] = []
            var unread: Set<String> = []
            for b in bodies where !b.assigned.contains(where: { declared.contains($0) || reading.contains($0) }) {
                out.append(b)
                unread.formUnion(b.assigned)
            }
            return (out, unread.sorted())
        }
    }

    // MARK: - Scanner

    private enum Tag: UInt8 {
        /// `accessorList`: a property's or subscript's `{ get { … } set { … } }`, whose braces hold
        /// accessor bodies; `getterBrace`: a property's or subscript's implicit getter `{ … }`.
        case typeBrace, funcBrace, otherBrace, accessorList, getterBrace, paren, interpolation, string
    }

    private struct Frame {
        var tag: Tag
        /// Strings: the number of `#`s; braces: unused.
        var hashes: Int = 0
        var multiline: Bool = false
    }

    /// The bodies of `buf` that hold no fact but assignments and ops on names. `words` are the
    /// identifiers that make a body interesting (`structuralWords` and the calls recorded) and
    /// the container methods that name their receiver (see `Vocabulary`); `initIsInteresting`
    /// when `x.init(…)` is such a call. Empty when the braces do not balance.
    static func scan(_ buf: UnsafeBufferPointer<UInt8>, words vocabulary: Vocabulary, initIsInteresting: Bool = false) -> Scan {
        let words = vocabulary.calls, opWords = vocabulary.ops
        var out = Scan()
        var candAssigned: [String] = []
        // Declared names outside candidate bodies: after `let`/`var`, and after `,` in its list.
        var expectName = false
        var declListDepth = -1
        // Names declared on the current line; whether the line shows a container type
        // (`[`, `Dictionary`, `Set` …) and a type annotation or initialiser after them.
        var lineNames: [Range<Int>] = []
        var lineHint = false
        var lineTyped = false
        func flushLine() {
            defer { lineHint = false; lineTyped = false }
            guard !lineNames.isEmpty else { return }
            // `var x =` / `var x: [K:` … continued on the next line: the evidence is there.
            let continued = prevKind == 2 && (prevByte == UInt8(ascii: "=") || prevByte == UInt8(ascii: ",")
                || prevByte == UInt8(ascii: "(") || prevByte == UInt8(ascii: "[") || prevByte == UInt8(ascii: "<")
                || prevByte == UInt8(ascii: ":") || prevByte == UInt8(ascii: "."))
            if lineHint || !lineTyped || continued {
                for r in lineNames { out.declared.insert(String(decoding: UnsafeBufferPointer(rebasing: buf[r]), as: UTF8.self)) }
            }
            lineNames.removeAll(keepingCapacity: true)
        }
        var stack: [Frame] = []
        // The top frame is a string literal.
        var inString = false
        stack.reserveCapacity(64)
        let n = buf.count
        var i = 0

        // Declaration keyword waiting for its `{`: 1 type, 2 function; at which stack depth.
        var pending: UInt8 = 0
        var pendingDepth = -1
        // The candidate function body being scanned: index of its frame, its `{`, its state.
        var cand = -1
        var candOpen = 0
        var candInteresting = false
        var candTokens = 0
        var candNesting = 0
        // Plain assignments: 0 nothing, 1 after `let`/`var`, 2 after `let name`, 3 in `let name: Type`;
        // a `=` in state 2 or 3 is an initialiser. `case` in a statement turns this off.
        var declState: UInt8 = 0
        var caseStatement = false
        var candLt = 0
        var ifCount = 0
        // The frame depth at each `#if` open in the candidate body: a body is skipped only when
        // every clause of its `#if`s closes the brackets it opens.
        var candIfDepths: [Int] = []
        // The last two tokens (for `init` after `.`, and the target of an assignment).
        var prevKind: UInt8 = 0   // 0 none, 1 word, 2 punct
        var prevByte: UInt8 = 0
        var prevWordLo = 0, prevWordHi = 0
        // `name[…] =`: the word before the last `[` that closed (its frame is gone by then).
        var subscriptWordLo = -1, subscriptWordHi = -1
        // What the last `.` was read on, as the visitor resolves a receiver: 1 the name
        // `dotLo..<dotHi` (`x.`, `a.b.`, `x?.`, `d[k].`), 2 a call's or a tuple's value (`f().`,
        // `(a ?? b).`: no storage), 0 anything else. `postfix…`: the token before a `?`/`!` run.
        var dotKind: UInt8 = 0, dotLo = 0, dotHi = 0
        var postfixKind: UInt8 = 0, postfixByte: UInt8 = 0, postfixLo = 0, postfixHi = 0
        var postfixSubLo = -1, postfixSubHi = -1
        // The last `)` closed `(label:)`.
        var closesLabels = false
        var bracketWordStack: [(Int, Int)] = []

        @inline(__always) func isIdentStart(_ c: UInt8) -> Bool {
            (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c == 95 || c >= 0x80
        }
        @inline(__always) func isIdent(_ c: UInt8) -> Bool {
            isIdentStart(c) || (c >= 48 && c <= 57)
        }
        @inline(__always) func isOperator(_ c: UInt8) -> Bool {
            switch c {
            case UInt8(ascii: "/"), UInt8(ascii: "="), UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "!"),
                 UInt8(ascii: "*"), UInt8(ascii: "%"), UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "&"),
                 UInt8(ascii: "|"), UInt8(ascii: "^"), UInt8(ascii: "~"), UInt8(ascii: "?"):
                return true
            default:
                return false
            }
        }
        @inline(__always) func wordIs(_ lo: Int, _ hi: Int, _ w: StaticString) -> Bool {
            let len = w.utf8CodeUnitCount
            guard hi - lo == len else { return false }
            let p = w.utf8Start
            var k = 0
            while k < len { if buf[lo + k] != p[k] { return false }; k += 1 }
            return true
        }

        /// The index just past a `//` comment (at its line break) or a nested `/* … */` comment
        /// starting at `k`; nil when none starts there.
        func commentEnd(_ k: Int) -> Int? {
            guard buf[k] == UInt8(ascii: "/"), k + 1 < n else { return nil }
            var j = k + 2
            if buf[k + 1] == UInt8(ascii: "/") {
                // Up to the line break (libc's vectorised memchr: doc comments are long lines).
                guard j < n, let base = buf.baseAddress else { return n }
                var end = n
                if let nl = memchr(base + j, 10, n - j) { end = base.distance(to: nl.assumingMemoryBound(to: UInt8.self)) }
                if let cr = memchr(base + j, 13, end - j) { end = base.distance(to: cr.assumingMemoryBound(to: UInt8.self)) }
                return end
            }
            guard buf[k + 1] == UInt8(ascii: "*") else { return nil }
            var depth = 1
            while j < n && depth > 0 {
                if buf[j] == UInt8(ascii: "/") && j + 1 < n && buf[j + 1] == UInt8(ascii: "*") { depth += 1; j += 2 }
                else if buf[j] == UInt8(ascii: "*") && j + 1 < n && buf[j + 1] == UInt8(ascii: "/") { depth -= 1; j += 2 }
                else { j += 1 }
            }
            return j
        }

        /// Whether the block opening before `from` starts with an accessor (`get`, `set`, `didSet`,
        /// `willSet`, `_read`, `_modify`, `unsafeAddress`, …, `mutating`/`nonmutating`, an attribute) or
        /// is empty; anything else is an implicit getter's code.
        func startsAccessorList(_ from: Int) -> Bool {
            var k = skipTrivia(from)
            while k < n {
                let c = buf[k]
                if c == UInt8(ascii: "#") {
                    // `#if cond` / `#else` / `#endif` on a line of their own: the first token after
                    // them decides (`#if DEBUG` + `guard …` is a getter's code). A condition that
                    // may go on to the next line, or any other `#…`, counts as accessors.
                    var e = k + 1
                    while e < n && isIdent(buf[e]) { e += 1 }
                    guard wordIs(k + 1, e, "if") || wordIs(k + 1, e, "elseif") || wordIs(k + 1, e, "else")
                            || wordIs(k + 1, e, "endif") else { return true }
                    var last: UInt8 = 0
                    while e < n && buf[e] != 10 && buf[e] != 13 {
                        let b = buf[e]
                        if b == UInt8(ascii: "/") && e + 1 < n && buf[e + 1] == UInt8(ascii: "/") { break }
                        if b == UInt8(ascii: "/") && e + 1 < n && buf[e + 1] == UInt8(ascii: "*") { return true }
                        if b != 32 && b != 9 { last = b }
                        e += 1
                    }
                    while e < n && buf[e] != 10 && buf[e] != 13 { e += 1 }
                    if last == UInt8(ascii: "|") || last == UInt8(ascii: "&") || last == UInt8(ascii: "(")
                        || last == UInt8(ascii: ",") || last == UInt8(ascii: "!") || last == UInt8(ascii: "\\") { return true }
                    k = skipTrivia(e)
                    continue
                }
                if c == UInt8(ascii: "}") || c == UInt8(ascii: "@") { return true }
                guard isIdentStart(c) else { return false }
                var e = k + 1
                while e < n && isIdent(buf[e]) { e += 1 }
                return wordIs(k, e, "get") || wordIs(k, e, "set") || wordIs(k, e, "didSet") || wordIs(k, e, "willSet")
                    || wordIs(k, e, "_read") || wordIs(k, e, "_modify") || wordIs(k, e, "read") || wordIs(k, e, "modify")
                    || wordIs(k, e, "unsafeAddress") || wordIs(k, e, "unsafeMutableAddress") || wordIs(k, e, "init")
                    || wordIs(k, e, "mutating") || wordIs(k, e, "nonmutating") || wordIs(k, e, "yielding")
                    || wordIs(k, e, "borrowing") || wordIs(k, e, "consuming")
            }
            return true
        }

        /// The index of the first byte at or after `from` that is no space, line break or comment.
        func skipTrivia(_ from: Int) -> Int {
            var k = from
            while k < n {
                let c = buf[k]
                if c == 32 || c == 9 || c == 10 || c == 13 { k += 1; continue }
                if let after = commentEnd(k) { k = after; continue }
                break
            }
            return k
        }

        /// Whether the word ending at `from` is the name of a call, as the visitor sees one: `(`,
        /// a trailing closure's `{`, generic arguments' `<` or `.init` follows it (past spaces, line
        /// breaks and comments).
        func callFollows(_ from: Int) -> Bool {
            let k = skipTrivia(from)
            guard k < n else { return false }
            switch buf[k] {
            case UInt8(ascii: "("), UInt8(ascii: "{"), UInt8(ascii: "<"):
                return true
            case UInt8(ascii: "."):
                let w = skipTrivia(k + 1)
                var e = w
                while e < n && isIdent(buf[e]) { e += 1 }
                return wordIs(w, e, "init")
            default:
                return false
            }
        }

        /// The storage `&chain` at `from` (just past the `&`) names, as the visitor resolves an
        /// `inout` argument (`&x`, `&self.x`, `&a.b?.x!` → its last name); nil when the scan cannot
        /// tell (a call, a subscript or a line break in the chain).
        func inoutTarget(_ from: Int) -> Range<Int>? {
            var k = from
            var last: Range<Int>? = nil
            while k < n {
                guard isIdentStart(buf[k]) || buf[k] == UInt8(ascii: "$") else { return nil }
                var e = k + 1
                while e < n && isIdent(buf[e]) { e += 1 }
                last = k..<e
                k = e
                while k < n && (buf[k] == UInt8(ascii: "?") || buf[k] == UInt8(ascii: "!")) { k += 1 }
                guard k + 1 < n, buf[k] == UInt8(ascii: "."), isIdentStart(buf[k + 1]) || buf[k + 1] == UInt8(ascii: "$") else { break }
                k += 1
            }
            let next = skipTrivia(k)
            if next < n {
                switch buf[next] {
                case UInt8(ascii: "("), UInt8(ascii: "["), UInt8(ascii: "{"), UInt8(ascii: "<"), UInt8(ascii: "."),
                     UInt8(ascii: "`"):
                    return nil
                default:
                    break
                }
            }
            return last
        }

        // Frames on the stack that are not type bodies: a brace opens a member-level body only
        // when there are none (O(1) per brace, whatever the nesting).
        var nonType = 0
        func push(_ f: Frame) {
            if f.tag != .typeBrace { nonType += 1 }
            stack.append(f)
        }
        @discardableResult func pop() -> Frame {
            let f = stack.removeLast()
            if f.tag != .typeBrace { nonType -= 1 }
            return f
        }

        while i < n {
            // Inside a string literal: up to its end or the next interpolation.
            if inString {
                let top = stack[stack.count - 1]
                while i < n {
                    let c = buf[i]
                    if c == UInt8(ascii: "\\") {
                        // `\`, then the string's `#`s, then `(` opens an interpolation.
                        var k = i + 1
                        var h = 0
                        while h < top.hashes && k < n && buf[k] == UInt8(ascii: "#") { h += 1; k += 1 }
                        if h == top.hashes && k < n && buf[k] == UInt8(ascii: "(") {
                            push(Frame(tag: .interpolation))
                            inString = false
                            if cand >= 0 { candTokens += 1 }
                            prevKind = 2; prevByte = UInt8(ascii: "(")
                            i = k + 1
                            break
                        }
                        i = h == top.hashes ? k + 1 : k
                        continue
                    }
                    if c == UInt8(ascii: "\"") {
                        var k = i + 1
                        if top.multiline {
                            guard k + 1 < n, buf[k] == UInt8(ascii: "\""), buf[k + 1] == UInt8(ascii: "\"") else { i += 1; continue }
                            k += 2
                        }
                        var h = 0
                        while h < top.hashes && k < n && buf[k] == UInt8(ascii: "#") { h += 1; k += 1 }
                        if h == top.hashes {
                            pop()
                            inString = false
                            prevKind = 1; prevByte = 0; prevWordLo = 0; prevWordHi = 0
                            i = k
                            break
                        }
                        i += 1
                        continue
                    }
                    if (c == 10 || c == 13) && !top.multiline {
                        // An unterminated single-line string ends at the line's end.
                        pop()
                        inString = false
                        break
                    }
                    i += 1
                }
                continue
            }

            let c = buf[i]
            switch c {
            case 32, 9, 11, 12:
                // Indentation: a run of spaces in one tight loop.
                i += 1
                while i < n && buf[i] == 32 { i += 1 }
            case 10, 13:
                flushLine()
                declState = 0; caseStatement = false
                // `var a = 1,` + newline + `b = 2` continues the list.
                if !(prevKind == 2 && prevByte == UInt8(ascii: ",")) { declListDepth = -1 }
                i += 1
            case UInt8(ascii: "/") where i + 1 < n && (buf[i + 1] == UInt8(ascii: "/") || buf[i + 1] == UInt8(ascii: "*")):
                i = commentEnd(i) ?? i + 1
            case UInt8(ascii: "\""), UInt8(ascii: "#"):
                // `"…"`, `"""…"""`, `#"…"#`, `#/…/#`, `#if`, `#selector`.
                var k = i
                var h = 0
                while k < n && buf[k] == UInt8(ascii: "#") { h += 1; k += 1 }
                if k < n && buf[k] == UInt8(ascii: "\"") {
                    let multi = k + 2 < n && buf[k + 1] == UInt8(ascii: "\"") && buf[k + 2] == UInt8(ascii: "\"")
                    push(Frame(tag: .string, hashes: h, multiline: multi))
                    inString = true
                    declState = 0
                    if cand >= 0 { candTokens += 1 }
                    i = multi ? k + 3 : k + 1
                    continue
                }
                if h > 0 && k < n && buf[k] == UInt8(ascii: "/") {
                    // Extended regex literal: up to `/` followed by the same number of `#`s.
                    if cand >= 0 { candTokens += 1 }
                    k += 1
                    var closed = false
                    while k < n && !closed {
                        if buf[k] == UInt8(ascii: "\\") { k += 2; continue }
                        if buf[k] == UInt8(ascii: "/") {
                            var m = k + 1, hh = 0
                            while hh < h && m < n && buf[m] == UInt8(ascii: "#") { hh += 1; m += 1 }
                            if hh == h { k = m; closed = true; continue }
                        }
                        k += 1
                    }
                    prevKind = 1; prevWordLo = 0; prevWordHi = 0
                    i = k
                    continue
                }
                // `#if` / `#else` / `#elseif` / `#endif` inside a body: the body is read unless each
                // clause closes every bracket it opens (then the braces match whichever clause holds).
                if h == 1, k < n, isIdentStart(buf[k]) {
                    var e = k
                    while e < n && isIdent(buf[e]) { e += 1 }
                    if wordIs(k, e, "if") { ifCount += 1 }
                    if cand >= 0 {
                        if wordIs(k, e, "if") {
                            candIfDepths.append(stack.count)
                        } else if wordIs(k, e, "else") || wordIs(k, e, "elseif") || wordIs(k, e, "endif") {
                            if candIfDepths.last != stack.count {
                                candInteresting = true
                            } else if wordIs(k, e, "endif") {
                                candIfDepths.removeLast()
                            }
                        }
                    }
                    if cand >= 0 { candTokens += 1 }
                    prevKind = 1; prevWordLo = 0; prevWordHi = 0
                    i = e
                    continue
                }
                if cand >= 0 { candTokens += 1 }
                prevKind = 2; prevByte = UInt8(ascii: "#")
                i = max(k, i + 1)
            case UInt8(ascii: "`"):
                // `name`: a word (never a keyword).
                var e = i + 1
                while e < n && buf[e] != UInt8(ascii: "`") && buf[e] != 10 { e += 1 }
                if cand >= 0 {
                    candTokens += 1
                    if words.contains(buf, i + 1, e) || opWords.contains(buf, i + 1, e) { candInteresting = true }
                    declState = declState == 1 ? 2 : (declState == 3 ? 3 : 0)
                } else if expectName {
                    lineNames.append((i + 1)..<e)
                    expectName = false
                }
                prevKind = 1; prevWordLo = i + 1; prevWordHi = e
                i = min(n, e + 1)
            case UInt8(ascii: "("), UInt8(ascii: "["):
                if c == UInt8(ascii: "[") && cand < 0 && !lineNames.isEmpty { lineHint = true }
                if c == UInt8(ascii: "[") {
                    bracketWordStack.append(prevKind == 1 ? (prevWordLo, prevWordHi) : (-1, -1))
                }
                push(Frame(tag: .paren))
                if declState != 3 { declState = 0 }
                if cand >= 0 {
                    candTokens += 1
                    candNesting = max(candNesting, stack.count - cand)
                }
                prevKind = 2; prevByte = c
                i += 1
            case UInt8(ascii: ")"), UInt8(ascii: "]"):
                guard let top = stack.last, top.tag == .paren || top.tag == .interpolation else { return Scan() }
                pop()
                if top.tag == .interpolation { inString = true }
                if c == UInt8(ascii: "]") {
                    let w = bracketWordStack.popLast() ?? (-1, -1)
                    subscriptWordLo = w.0; subscriptWordHi = w.1
                }
                if cand >= 0 { candTokens += 1 }
                // `f(a:)`: a name with argument labels, not a call or a tuple.
                closesLabels = c == UInt8(ascii: ")") && prevKind == 2 && prevByte == UInt8(ascii: ":")
                prevKind = 2; prevByte = c
                i += 1
            case UInt8(ascii: "{"):
                var tag = Tag.otherBrace
                if pending != 0 && pendingDepth == stack.count {
                    switch pending {
                    case 1: tag = .typeBrace
                    case 2: tag = .funcBrace
                    case 3:
                        // `var x: T {` / `subscript(…) -> T {`: accessors, or one implicit getter.
                        tag = startsAccessorList(i + 1) ? .accessorList : .getterBrace
                    default: break
                    }
                } else if let top = stack.last, top.tag == .accessorList {
                    // `get {`, `set(v) {`, `didSet {`: an accessor body.
                    tag = .funcBrace
                }
                pending = 0
                declState = 0; caseStatement = false
                let member = tag == .getterBrace ? nonType == 0
                    : (tag == .funcBrace && (nonType == 0 || (nonType == 1 && stack.last?.tag == .accessorList)))
                if member && cand < 0 {
                    cand = stack.count
                    candOpen = i
                    candInteresting = false
                    candTokens = 0
                    candNesting = 0
                    candLt = 0
                    candAssigned.removeAll()
                    candIfDepths.removeAll(keepingCapacity: true)
                } else if cand >= 0 {
                    candTokens += 1
                    candNesting = max(candNesting, stack.count + 1 - cand)
                }
                push(Frame(tag: tag))
                prevKind = 2; prevByte = c
                i += 1
            case UInt8(ascii: "}"):
                guard let top = stack.last, top.tag == .typeBrace || top.tag == .funcBrace || top.tag == .otherBrace
                        || top.tag == .accessorList || top.tag == .getterBrace else { return Scan() }
                pop()
                pending = 0
                declState = 0; caseStatement = false
                if cand >= 0 {
                    if stack.count == cand {
                        // Nesting past the parser's limit must be seen by the parser (it reports it).
                        if !candIfDepths.isEmpty { candInteresting = true }
                        if !candInteresting && candTokens < maximumTokens
                            && cand + ifCount + candNesting + candLt < SwiftFrontEnd.maximumNestingLevel / 2 {
                            out.bodies.append(Body(open: candOpen, close: i, assigned: candAssigned))
                        }
                        cand = -1
                    } else {
                        candTokens += 1
                    }
                }
                prevKind = 2; prevByte = c
                i += 1
            case UInt8(ascii: ";"):
                declListDepth = -1
                expectName = false
                pending = 0
                declState = 0; caseStatement = false
                prevKind = 2; prevByte = c
                i += 1
            default:
                if isIdentStart(c) || c == UInt8(ascii: "$") {
                    var e = i + 1
                    while e < n && isIdent(buf[e]) { e += 1 }
                    let afterDot = prevKind == 2 && prevByte == UInt8(ascii: ".")
                    if cand >= 0 {
                        candTokens += 1
                        // `for await` / `for try await` loops may never end; a plain `for … in` is
                        // neither endless nor over an async sequence, so its LoopFact is never read.
                        if !candInteresting && wordIs(i, e, "for") && Self.nextWordIsAwaitOrTry(buf, e) {
                            candInteresting = true
                        }
                        if !candInteresting && words.contains(buf, i, e) {
                            if afterDot && wordIs(i, e, "init") {
                                // `x.init(…)` / `.init(…)` / `super.init(…)` are calls, not declarations.
                                if initIsInteresting { candInteresting = true }
                            } else if !afterDot && Self.nestedDeclarationTable.contains(buf, i, e) {
                                // A local declaration: see `nestedDeclarationWords`.
                            } else if !afterDot && wordIs(i, e, "while") {
                                if Self.mayBeEndless(buf, e) { candInteresting = true }
                            } else if !afterDot && wordIs(i, e, "static") {
                                if Self.mayBeStaticStorage(buf, e) { candInteresting = true }
                            } else if (afterDot ? Self.afterDotWords : Self.anywhereWords).contains(buf, i, e) || callFollows(e) {
                                // A loop, a declaration, or the name of a call (not a label, a
                                // property, a type annotation, a function reference).
                                candInteresting = true
                            }
                        } else if !candInteresting && afterDot && opWords.contains(buf, i, e) && callFollows(e) {
                            // `name.append(…)`: an op on `name`, which matters only where a
                            // container of that name is declared. `f().append(…)` resolves to no
                            // storage; a receiver this scan cannot name keeps the body. (A bare
                            // `append(…)` is the type's own method: no op.)
                            if dotKind == 1 {
                                candAssigned.append(String(decoding: UnsafeBufferPointer(rebasing: buf[dotLo..<dotHi]), as: UTF8.self))
                            } else if dotKind == 0 {
                                candInteresting = true
                            }
                        }
                        // `let name =` / `var name: Type =` start an initialiser, not an assignment
                        // (not after `case` in the same statement: `case let x: y = 1`).
                        if wordIs(i, e, "case") {
                            caseStatement = true; declState = 0
                        } else if declState == 0 {
                            if !caseStatement && (wordIs(i, e, "let") || wordIs(i, e, "var")) { declState = 1 }
                        } else if declState == 1 {
                            declState = 2
                        } else if declState == 2 {
                            declState = 0
                        }
                    } else if expectName {
                        lineNames.append(i..<e)
                        expectName = false
                    } else if !lineNames.isEmpty && Self.containerTypeWords.contains(buf, i, e) {
                        lineHint = true
                    } else if !afterDot {
                        if wordIs(i, e, "let") || wordIs(i, e, "var") {
                            expectName = true
                            declListDepth = stack.count
                        }
                        if wordIs(i, e, "func") || wordIs(i, e, "init") || wordIs(i, e, "deinit") {
                            pending = 2; pendingDepth = stack.count
                        } else if wordIs(i, e, "class") || wordIs(i, e, "struct") || wordIs(i, e, "enum") || wordIs(i, e, "actor")
                                    || wordIs(i, e, "extension") || wordIs(i, e, "protocol") {
                            // `class func`, `class var`: the next keyword decides.
                            pending = 1; pendingDepth = stack.count
                        } else if wordIs(i, e, "var") || wordIs(i, e, "subscript") {
                            // A computed property's or subscript's braces follow (not after `=`).
                            pending = 3; pendingDepth = stack.count
                        } else if wordIs(i, e, "let") || wordIs(i, e, "case")
                                    || wordIs(i, e, "typealias") || wordIs(i, e, "import") || wordIs(i, e, "associatedtype")
                                    || wordIs(i, e, "macro") {
                            pending = 0
                        }
                    }
                    prevKind = 1; prevWordLo = i; prevWordHi = e
                    i = e
                } else if c >= 48 && c <= 57 {
                    var e = i + 1
                    while e < n && (isIdent(buf[e]) || buf[e] == UInt8(ascii: ".") && e + 1 < n && buf[e + 1] >= 48 && buf[e + 1] <= 57) { e += 1 }
                    if cand >= 0 { candTokens += 1 }
                    if declState != 3 { declState = 0 }
                    prevKind = 1; prevWordLo = 0; prevWordHi = 0
                    i = e
                } else if isOperator(c) {
                    var e = i + 1
                    while e < n && isOperator(buf[e]) && !(buf[e] == UInt8(ascii: "/") && e + 1 < n && (buf[e + 1] == UInt8(ascii: "/") || buf[e + 1] == UInt8(ascii: "*"))) { e += 1 }
                    if c == UInt8(ascii: "?") || c == UInt8(ascii: "!") {
                        // `x?.`, `x!.`, `f()!.`: the receiver is what the run follows.
                        var k = i + 1
                        while k < e && (buf[k] == UInt8(ascii: "?") || buf[k] == UInt8(ascii: "!")) { k += 1 }
                        if k == e && !(prevKind == 2 && (prevByte == UInt8(ascii: "?") || prevByte == UInt8(ascii: "!"))) {
                            postfixKind = prevKind; postfixByte = prevByte; postfixLo = prevWordLo; postfixHi = prevWordHi
                            postfixSubLo = subscriptWordLo; postfixSubHi = subscriptWordHi
                        }
                    }
                    if cand >= 0 {
                        candTokens += e - i
                        var k = i
                        while k < e { if buf[k] == UInt8(ascii: "<") { candLt += 1 }; k += 1 }
                        if e - i == 1 && c == UInt8(ascii: "&") && e < n && !candInteresting {
                            // `f(&x)`: an `inout` argument is an escape op on the storage it names.
                            if isIdentStart(buf[e]) || buf[e] == UInt8(ascii: "$") {
                                if let r = inoutTarget(e) {
                                    candAssigned.append(String(decoding: UnsafeBufferPointer(rebasing: buf[r]), as: UTF8.self))
                                } else {
                                    candInteresting = true
                                }
                            } else if buf[e] == UInt8(ascii: "`") || buf[e] == UInt8(ascii: "(") {
                                candInteresting = true
                            }
                        }
                        if !candInteresting && buf[e - 1] == UInt8(ascii: "=") {
                            let len = e - i
                            let comparison = (len == 2 && (c == UInt8(ascii: "=") || c == UInt8(ascii: "!") || c == UInt8(ascii: "<") || c == UInt8(ascii: ">")))
                                || (len == 3 && (c == UInt8(ascii: "=") || c == UInt8(ascii: "!")) && buf[i + 1] == UInt8(ascii: "="))
                            // `=` (not an initialiser), `+=` and any compound assignment to a subscript
                            // are container ops (`-=`, `|=` … on a plain name are not).
                            let plain = len == 1 && declState < 2
                            let plus = len == 2 && c == UInt8(ascii: "+")
                            if !comparison && (plain || len > 1) {
                                if prevKind == 1 && prevWordHi > prevWordLo {
                                    if plain || plus {
                                        candAssigned.append(String(decoding: UnsafeBufferPointer(rebasing: buf[prevWordLo..<prevWordHi]), as: UTF8.self))
                                    }
                                } else if prevKind == 2 && prevByte == UInt8(ascii: "]") && subscriptWordHi > subscriptWordLo {
                                    candAssigned.append(String(decoding: UnsafeBufferPointer(rebasing: buf[subscriptWordLo..<subscriptWordHi]), as: UTF8.self))
                                } else if prevKind == 2 && prevByte == UInt8(ascii: ")") && !closesLabels {
                                    // `let (a, b) = …`, `(a, b) = …`, `if case .x(let y) = …`, `f() = …`:
                                    // a tuple, a call or a pattern, no storage the visitor resolves.
                                } else {
                                    // A target this scan cannot name (`x! = …`, `x? = …`).
                                    candInteresting = true
                                }
                            }
                        }
                    }
                    if buf[e - 1] == UInt8(ascii: "=") || declState != 3 { declState = 0 }
                    if pending == 3 && buf[e - 1] == UInt8(ascii: "=") && e - i == 1 { pending = 0 }
                    if cand < 0 && buf[e - 1] == UInt8(ascii: "=") && !lineNames.isEmpty { lineTyped = true }
                    prevKind = 2; prevByte = buf[e - 1]
                    i = e
                } else {
                    // `.`, `,`, `:`, `@`, `\`, anything else: one punctuation token.
                    if cand >= 0 { candTokens += 1 }
                    if c == UInt8(ascii: ".") && cand >= 0 {
                        var kind = prevKind, byte = prevByte, lo = prevWordLo, hi = prevWordHi
                        var subLo = subscriptWordLo, subHi = subscriptWordHi
                        if kind == 2 && (byte == UInt8(ascii: "?") || byte == UInt8(ascii: "!")) {
                            kind = postfixKind; byte = postfixByte; lo = postfixLo; hi = postfixHi
                            subLo = postfixSubLo; subHi = postfixSubHi
                        }
                        dotKind = 0
                        if kind == 1 && hi > lo {
                            dotKind = 1; dotLo = lo; dotHi = hi
                        } else if kind == 2 && byte == UInt8(ascii: "]") && subHi > subLo {
                            dotKind = 1; dotLo = subLo; dotHi = subHi
                        } else if kind == 2 && byte == UInt8(ascii: ")") && !closesLabels {
                            dotKind = 2
                        }
                    }
                    if declState == 2 && c == UInt8(ascii: ":") { declState = 3 } else if declState != 3 { declState = 0 }
                    expectName = cand < 0 && c == UInt8(ascii: ",") && declListDepth == stack.count
                    if c == UInt8(ascii: ":") && cand < 0 && !lineNames.isEmpty { lineTyped = true }
                    prevKind = 2; prevByte = c
                    i += 1
                }
            }
        }
        flushLine()
        return out
    }

    /// The index past the ASCII identifier (letters, digits, `_`) starting at `k`.
    static func identEnd(_ buf: UnsafeBufferPointer<UInt8>, _ k: Int) -> Int {
        var e = k
        let n = buf.count
        while e < n {
            let c = buf[e]
            guard (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c == 95 else { break }
            e += 1
        }
        return e
    }

    /// The index of the first byte at or after `k` that is no space, tab or line break.
    static func skipSpace(_ buf: UnsafeBufferPointer<UInt8>, _ k: Int) -> Int {
        var k = k
        while k < buf.count && (buf[k] == 32 || buf[k] == 9 || buf[k] == 10 || buf[k] == 13) { k += 1 }
        return k
    }

    /// Whether `buf[k..<e]` is `w`.
    static func isWord(_ buf: UnsafeBufferPointer<UInt8>, _ k: Int, _ e: Int, _ w: StaticString) -> Bool {
        guard e - k == w.utf8CodeUnitCount else { return false }
        for j in 0..<(e - k) where buf[k + j] != w.utf8Start[j] { return false }
        return true
    }

    /// Whether the condition of the `while` ending at `from` may be one the visitor calls endless
    /// (`true`, `!Task.isCancelled`): it starts with `true`, `(`, `!`, a comment or nothing.
    static func mayBeEndless(_ buf: UnsafeBufferPointer<UInt8>, _ from: Int) -> Bool {
        let k = skipSpace(buf, from)
        guard k < buf.count else { return true }
        switch buf[k] {
        case UInt8(ascii: "!"), UInt8(ascii: "("), UInt8(ascii: "/"):
            return true
        default:
            return isWord(buf, k, identEnd(buf, k), "true")
        }
    }

    /// Whether the `static` ending at `from` may declare storage the analyses read: anything but
    /// a method (`static func`) or a constant initialised with a lone string or number literal
    /// (`static let databaseTableName = "players"`).
    static func mayBeStaticStorage(_ buf: UnsafeBufferPointer<UInt8>, _ from: Int) -> Bool {
        let n = buf.count
        let k = skipSpace(buf, from)
        let e = identEnd(buf, k)
        if isWord(buf, k, e, "func") { return false }
        guard isWord(buf, k, e, "let") || isWord(buf, k, e, "var") else { return true }
        let name = skipSpace(buf, e)
        let nameEnd = identEnd(buf, name)
        guard nameEnd > name else { return true }
        let eq = skipSpace(buf, nameEnd)
        guard eq < n, buf[eq] == UInt8(ascii: "=") else { return true }
        let value = skipSpace(buf, eq + 1)
        guard value < n else { return true }
        let c = buf[value]
        var j = value
        if c == UInt8(ascii: "\"") || c == UInt8(ascii: "#") {
            // `"…"` or `#"…"#` on one line, with no escape or interpolation.
            while j < n && buf[j] == UInt8(ascii: "#") { j += 1 }
            guard j < n, buf[j] == UInt8(ascii: "\""),
                  !(j + 2 < n && buf[j + 1] == UInt8(ascii: "\"") && buf[j + 2] == UInt8(ascii: "\"")) else { return true }
            j += 1
            while j < n && buf[j] != UInt8(ascii: "\"") && buf[j] != UInt8(ascii: "\\") && buf[j] != 10 && buf[j] != 13 { j += 1 }
            guard j < n, buf[j] == UInt8(ascii: "\"") else { return true }
            j += 1
            while j < n && buf[j] == UInt8(ascii: "#") { j += 1 }
        } else if c >= 48 && c <= 57 {
            while j < n && ((buf[j] >= 48 && buf[j] <= 57) || buf[j] == UInt8(ascii: "_") || buf[j] == UInt8(ascii: ".")) { j += 1 }
        } else {
            return true
        }
        // The literal must end the statement (`"a" + x` or `1 ... n` might be anything).
        while j < n && (buf[j] == 32 || buf[j] == 9) { j += 1 }
        return !(j >= n || buf[j] == 10 || buf[j] == 13 || buf[j] == UInt8(ascii: ";") || buf[j] == UInt8(ascii: "}"))
    }

    /// Whether the next word after `from` (past spaces, newlines and comments) is `await` or `try`.
    static func nextWordIsAwaitOrTry(_ buf: UnsafeBufferPointer<UInt8>, _ from: Int) -> Bool {
        let k = skipSpace(buf, from)
        guard k < buf.count else { return false }
        if buf[k] == UInt8(ascii: "/") && k + 1 < buf.count && (buf[k + 1] == UInt8(ascii: "/") || buf[k + 1] == UInt8(ascii: "*")) {
            // A comment between `for` and its pattern: read the loop.
            return true
        }
        let e = identEnd(buf, k)
        return isWord(buf, k, e, "await") || isWord(buf, k, e, "try")
    }

    /// Type names that make a declaration a container (`SwiftVocabulary.kind(ofTypeName:)`).
    static let containerTypeWords = Words(SwiftVocabulary.mapTypes.union(SwiftVocabulary.setTypes)
        .union(SwiftVocabulary.sequenceTypes).union(SwiftVocabulary.queueTypes))
}
