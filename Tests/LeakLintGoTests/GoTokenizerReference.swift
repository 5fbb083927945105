import LeakLintCore
@testable import LeakLintGo

// The Go tokenizer and bracket matcher as they were before the tokenizer matched brackets
// itself (a byte-class dispatch, hashed keywords, tokens in owned buffers): a reference the
// tests compare the fast one with, token for token, on fixtures, edge cases and random bytes.

struct ReferenceGoTokens {
    var tokens: [GoToken]
    var comments: [GoComment]
    var problems: [String]
}

enum ReferenceGoTokenizer {
    /// Token output plus the state of Go's automatic-semicolon rule. A struct with mutating
    /// methods (not closures over locals) so the hot loop needs no boxes or dynamic exclusivity checks.
    struct Output {
        var toks: [GoToken] = []
        var lastTokenOnLine = false  // a token has been emitted since the last newline
        var needSemi = false         // the last token allows an automatic semicolon

        @inline(__always) mutating func emit(_ k: GoToken.Kind, _ code: UInt32, _ s: Int, _ e: Int) {
            toks.append(GoToken(kind: k, code: code, start: Int32(truncatingIfNeeded: s), end: Int32(truncatingIfNeeded: e)))
            lastTokenOnLine = true
            switch k {
            case .ident, .number, .rune, .string, .rawString: needSemi = true
            case .keyword:
                needSemi = code == GoKeyword.break.rawValue || code == GoKeyword.continue.rawValue
                    || code == GoKeyword.fallthrough.rawValue || code == GoKeyword.return.rawValue
            case .punct:
                // ) ] } ++ --
                needSemi = code == 0x29 || code == 0x5D || code == 0x7D || code == 0x2B2B || code == 0x2D2D
            default: needSemi = false
            }
        }
        @inline(__always) mutating func newline(at pos: Int) {
            if needSemi {
                toks.append(GoToken(kind: .semicolon, code: 0, start: Int32(truncatingIfNeeded: pos), end: Int32(truncatingIfNeeded: pos)))
                needSemi = false
            }
            lastTokenOnLine = false
        }
    }

    /// Per byte value: 1 when it can continue an identifier (letters, digits, `_`, non-ASCII).
    static let identPartTable: [UInt8] = (0..<256).map { isIdentPart(UInt8($0)) ? 1 : 0 }

    static func tokenize(_ buf: UnsafeBufferPointer<UInt8>) -> ReferenceGoTokens {
        identPartTable.withUnsafeBufferPointer { tokenize(buf, identPart: $0) }
    }

    static func tokenize(_ buf: UnsafeBufferPointer<UInt8>, identPart: UnsafeBufferPointer<UInt8>) -> ReferenceGoTokens {
        var out = Output()
        out.toks.reserveCapacity(buf.count / 4 + 16)
        var comments: [GoComment] = []
        var problems: [String] = []
        let n = buf.count
        var i = 0
        // Skip a UTF-8 BOM.
        if n >= 3 && buf[0] == 0xEF && buf[1] == 0xBB && buf[2] == 0xBF { i = 3 }

        while i < n {
            let b = buf[i]
            // Whitespace
            if b == 0x20 || b == 0x09 || b == 0x0D { i += 1; continue }
            if b == 0x0A { out.newline(at: i); i += 1; continue }
            // Comments
            if b == 0x2F && i + 1 < n {
                let c = buf[i + 1]
                if c == 0x2F {
                    let s = i
                    i = SWAR.find(0x0A, in: buf, from: i + 2, end: n)
                    comments.append(GoComment(start: Int32(truncatingIfNeeded: s), end: Int32(truncatingIfNeeded: i), trailing: out.lastTokenOnLine))
                    continue
                }
                if c == 0x2A {
                    let s = i
                    i += 2
                    var hadNewline = false
                    var closed = false
                    while i < n {
                        if buf[i] == 0x2A && i + 1 < n && buf[i + 1] == 0x2F { i += 2; closed = true; break }
                        if buf[i] == 0x0A { hadNewline = true }
                        i += 1
                    }
                    if !closed { problems.append("unterminated block comment at byte \(s)") }
                    comments.append(GoComment(start: Int32(truncatingIfNeeded: s), end: Int32(truncatingIfNeeded: i), trailing: out.lastTokenOnLine))
                    // A general comment containing a newline acts like a newline.
                    if hadNewline { out.newline(at: s) }
                    continue
                }
            }
            // Identifiers and keywords (ASCII letters, '_', and any non-ASCII byte as a letter).
            if isIdentStart(b) {
                let s = i
                i += 1
                while i < n && identPart[Int(buf[i])] != 0 { i += 1 }
                if let kw = keyword(buf, s, i) {
                    out.emit(.keyword, kw.rawValue, s, i)
                } else {
                    out.emit(.ident, 0, s, i)
                }
                continue
            }
            // Numbers
            if isDigit(b) || (b == 0x2E && i + 1 < n && isDigit(buf[i + 1])) {
                let s = i
                i += 1
                while i < n {
                    let c = buf[i]
                    if isIdentPart(c) || c == 0x2E { i += 1; continue }
                    // exponent signs: 1e+9, 0x1p-2
                    if (c == 0x2B || c == 0x2D) && i > s {
                        let p = buf[i - 1] | 0x20
                        if p == 0x65 || p == 0x70 { i += 1; continue }
                    }
                    break
                }
                out.emit(.number, 0, s, i)
                continue
            }
            // Interpreted strings and runes: a quote, escapes, the same quote, on one line.
            if b == 0x22 || b == 0x27 {
                let s = i
                let (end, closed) = scanQuoted(buf, from: i, quote: b)
                i = end
                if !closed { problems.append("unterminated \(b == 0x22 ? "string" : "rune") literal at byte \(s)") }
                out.emit(b == 0x22 ? .string : .rune, 0, s, i)
                continue
            }
            if b == 0x60 {
                let s = i
                i += 1
                while i < n && buf[i] != 0x60 { i += 1 }
                if i < n { i += 1 } else { problems.append("unterminated raw string literal at byte \(s)") }
                out.emit(.rawString, 0, s, i)
                continue
            }
            // Punctuation: longest match of 3, 2, 1 bytes.
            let s = i
            if i + 2 < n, let p = punct3(buf[i], buf[i + 1], buf[i + 2]) {
                i += 3; out.emit(.punct, p, s, i); continue
            }
            if i + 1 < n, let p = punct2(buf[i], buf[i + 1]) {
                i += 2; out.emit(.punct, p, s, i); continue
            }
            if b == 0x3B {  // explicit ';'
                out.toks.append(GoToken(kind: .semicolon, code: 0x3B, start: Int32(truncatingIfNeeded: i), end: Int32(truncatingIfNeeded: i + 1)))
                out.needSemi = false
                out.lastTokenOnLine = true
                i += 1
                continue
            }
            if b < 0x80 && b > 0x20 {
                i += 1; out.emit(.punct, UInt32(b), s, i); continue
            }
            // Control bytes and anything else: skip.
            i += 1
        }
        out.newline(at: n)
        out.toks.append(GoToken(kind: .eof, code: 0, start: Int32(truncatingIfNeeded: n), end: Int32(truncatingIfNeeded: n)))
        return ReferenceGoTokens(tokens: out.toks, comments: comments, problems: problems)
    }

    /// Scans a `"…"` or `'…'` literal starting at the opening quote: returns the offset past it
    /// (or where it stops: the newline or the end of input) and whether it was closed.
    static func scanQuoted(_ buf: UnsafeBufferPointer<UInt8>, from start: Int, quote: UInt8) -> (Int, Bool) {
        let n = buf.count
        var i = start + 1
        while i < n {
            let c = buf[i]
            if c == 0x5C { i += 2; continue }
            if c == quote { return (i + 1, true) }
            if c == 0x0A { break }
            i += 1
        }
        return (min(i, n), false)
    }

    @inline(__always) static func isIdentStart(_ b: UInt8) -> Bool {
        (b >= 0x61 && b <= 0x7A) || (b >= 0x41 && b <= 0x5A) || b == 0x5F || b >= 0x80
    }
    @inline(__always) static func isIdentPart(_ b: UInt8) -> Bool {
        isIdentStart(b) || (b >= 0x30 && b <= 0x39)
    }
    @inline(__always) static func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }

    /// Three-byte operators: `<<=` `>>=` `...` `&^=` `&&=` `||=`.
    @inline(__always) static func punct3(_ a: UInt8, _ b: UInt8, _ c: UInt8) -> UInt32? {
        let ok: Bool
        switch (a, b, c) {
        case (0x3C, 0x3C, 0x3D), (0x3E, 0x3E, 0x3D), (0x2E, 0x2E, 0x2E), (0x26, 0x5E, 0x3D), (0x26, 0x26, 0x3D), (0x7C, 0x7C, 0x3D):
            ok = true
        default: ok = false
        }
        return ok ? UInt32(a) | UInt32(b) << 8 | UInt32(c) << 16 : nil
    }
    /// Two-byte operators: `:=`, `op=`, `<<` `>>` `&^` `&&` `||` `<-` `++` `--` `==` `!=` `<=` `>=`.
    @inline(__always) static func punct2(_ a: UInt8, _ b: UInt8) -> UInt32? {
        let ok: Bool
        switch b {
        case 0x3D:  // '='
            switch a {
            case 0x3A, 0x2B, 0x2D, 0x2A, 0x2F, 0x25, 0x26, 0x7C, 0x5E, 0x3D, 0x21, 0x3C, 0x3E: ok = true
            default: ok = false
            }
        case 0x3C: ok = a == 0x3C             // <<
        case 0x3E: ok = a == 0x3E             // >>
        case 0x5E: ok = a == 0x26             // &^
        case 0x26: ok = a == 0x26             // &&
        case 0x7C: ok = a == 0x7C             // ||
        case 0x2D: ok = a == 0x3C || a == 0x2D // <- --
        case 0x2B: ok = a == 0x2B             // ++
        default: ok = false
        }
        return ok ? UInt32(a) | UInt32(b) << 8 : nil
    }

    /// Keyword lookup by length, then bytes.
    static func keyword(_ buf: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int) -> GoKeyword? {
        let len = e - s
        guard len >= 2 && len <= 11 else { return nil }
        let f = buf[s]
        guard f >= 0x61 && f <= 0x7A else { return nil }
        @inline(__always) func eq(_ w: StaticString) -> Bool {
            guard w.utf8CodeUnitCount == len else { return false }
            let p = w.utf8Start
            for k in 0..<len where buf[s + k] != p[k] { return false }
            return true
        }
        switch f {
        case 0x62: return eq("break") ? .break : nil
        case 0x63:
            if eq("case") { return .case }
            if eq("chan") { return .chan }
            if eq("const") { return .const }
            if eq("continue") { return .continue }
            return nil
        case 0x64:
            if eq("default") { return .default }
            if eq("defer") { return .defer }
            return nil
        case 0x65: return eq("else") ? .else : nil
        case 0x66:
            if eq("for") { return .for }
            if eq("func") { return .func }
            if eq("fallthrough") { return .fallthrough }
            return nil
        case 0x67:
            if eq("go") { return .go }
            if eq("goto") { return .goto }
            return nil
        case 0x69:
            if eq("if") { return .if }
            if eq("import") { return .import }
            if eq("interface") { return .interface }
            return nil
        case 0x6D: return eq("map") ? .map : nil
        case 0x70: return eq("package") ? .package : nil
        case 0x72:
            if eq("range") { return .range }
            if eq("return") { return .return }
            return nil
        case 0x73:
            if eq("select") { return .select }
            if eq("struct") { return .struct }
            if eq("switch") { return .switch }
            return nil
        case 0x74: return eq("type") ? .type : nil
        case 0x76: return eq("var") ? .var : nil
        default: return nil
        }
    }

    static func matchBrackets(_ toks: [GoToken]) -> [Int32] {
        var m = [Int32](repeating: -1, count: toks.count)
        var stack: [Int32] = []
        stack.reserveCapacity(64)
        for (i, t) in toks.enumerated() where t.kind == .punct {
            switch t.code {
            case 0x28, 0x5B, 0x7B: stack.append(Int32(i))
            case 0x29, 0x5D, 0x7D:
                let want: UInt32 = t.code == 0x29 ? 0x28 : (t.code == 0x5D ? 0x5B : 0x7B)
                // Pop to the matching opener; mismatched inner openers close here.
                var k = stack.count - 1
                while k >= 0 && toks[Int(stack[k])].code != want { k -= 1 }
                if k >= 0 {
                    while stack.count > k + 1 { let o = stack.removeLast(); m[Int(o)] = Int32(i) }
                    let o = stack.removeLast()
                    m[Int(o)] = Int32(i)
                    m[i] = o
                }
            default: break
            }
        }
        let last = Int32(max(0, toks.count - 1))
        for o in stack { m[Int(o)] = last }
        return m
    }
}
