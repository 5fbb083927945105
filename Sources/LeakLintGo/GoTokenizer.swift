import LeakLintCore

// MARK: - Tokens

/// A Go token: a kind, a small code (keyword id or packed punctuation bytes) and a byte range.
/// Tokens never hold Strings; text is sliced from the file only when a fact needs it.
public struct GoToken: Sendable, Equatable {
    public enum Kind: UInt8, Sendable {
        case ident, keyword, number, rune, string, rawString, punct, semicolon, eof
    }
    public var kind: Kind
    /// Keyword id (`GoKeyword`) or up to three punctuation bytes packed little-endian.
    public var code: UInt32
    public var start: Int32
    public var end: Int32
    /// For `semicolon`: true when inserted at a newline (Go's automatic semicolon rule).
    public var automatic: Bool { kind == .semicolon && start == end }
}

/// Go's keywords, by id.
public enum GoKeyword: UInt32, Sendable {
    case `break` = 1, `case`, chan, const, `continue`, `default`, `defer`, `else`, `fallthrough`, `for`,
         `func`, go, goto, `if`, `import`, interface, map, package, range, `return`, select, `struct`,
         `switch`, type, `var`
}

/// Packs up to three ASCII bytes into a punctuation code.
@inline(__always)
public func punct(_ s: StaticString) -> UInt32 {
    var v: UInt32 = 0
    let p = s.utf8Start
    for i in 0..<min(3, s.utf8CodeUnitCount) { v |= UInt32(p[i]) << (8 * UInt32(i)) }
    return v
}

/// Punctuation codes the walkers compare against, as literals (`punct(":=")` etc.; a test checks
/// them) so hot loops compare constants.
public enum GoPunct {
    public static let define: UInt32 = 0x3D3A      // :=
    public static let addAssign: UInt32 = 0x3D2B   // +=
    public static let inc: UInt32 = 0x2B2B         // ++
    public static let dec: UInt32 = 0x2D2D         // --
    public static let arrow: UInt32 = 0x2D3C       // <-
    /// `=`, `:=`, every `op=`, `++`, `--` and `<-`: what ends a simple statement's left side.
    @inline(__always) public static func isAssignLike(_ c: UInt32) -> Bool {
        switch c {
        case 0x3D, define, addAssign, 0x3D2D, 0x3D7C, 0x3D2A, 0x3D2F, 0x3D26, 0x3D5E, 0x3D25,
             0x3D3C3C, 0x3D3E3E, 0x3D5E26, inc, dec, arrow:
            return true
        default:
            return false
        }
    }
}

/// A comment's byte range (kept apart from tokens; suppressions and annotations read them).
public struct GoComment: Sendable {
    public var start: Int32
    public var end: Int32
    /// True when a token precedes the comment on its line.
    public var trailing: Bool
}

/// The result of tokenizing one file, in arrays (tests and tools; the front end uses `GoLexed`).
public struct GoTokens: Sendable {
    public var tokens: [GoToken]
    /// Per token: for a bracket, the index of its partner (see `GoLexed.match`), else -1.
    public var match: [Int32]
    public var comments: [GoComment]
    /// Recovered problems (unterminated literal or comment …).
    public var problems: [String]
}

/// The result of tokenizing one file, with tokens and bracket matches in buffers the taker owns
/// and frees (`GoParser` takes them over and frees them in its `deinit`; else call `deallocate`).
struct GoLexed {
    /// The tokens; the last one is `.eof`.
    var tokens: UnsafeMutableBufferPointer<GoToken>
    /// Per token, as many as `tokens`: for `(` `[` `{` the index of the closer that matches it
    /// (a closer matches the innermost open opener of its kind, and openers still open inside
    /// that one close at it too; openers never closed close at the `.eof` token); for a closer,
    /// its opener's index, or -1 when no opener of its kind is open; else -1.
    var match: UnsafeMutableBufferPointer<Int32>
    var comments: [GoComment]
    var problems: [String]

    func deallocate() {
        tokens.deallocate()
        match.deallocate()
    }
}

// MARK: - Tokenizer

/// A byte-level Go tokenizer: comments, interpreted/raw strings, runes, numbers (incl. `_`,
/// hex/octal/binary, floats, imaginary), punctuation, and automatic semicolons. It matches
/// brackets as it goes. It never fails: malformed input yields tokens plus a problem note, and
/// always terminates.
public enum GoTokenizer {
    // Byte classes: the low 4 bits say what a byte starts, the flags what it can continue.
    static let cOther: UInt8 = 0      // control bytes: skipped
    static let cSpace: UInt8 = 1      // space, tab, CR
    static let cNewline: UInt8 = 2
    static let cLetter: UInt8 = 3     // ASCII letters, `_`, and every non-ASCII byte
    static let cDigit: UInt8 = 4
    static let cSlash: UInt8 = 5
    static let cDot: UInt8 = 6
    static let cQuote: UInt8 = 7      // `"` and `'`
    static let cBacktick: UInt8 = 8
    static let cOpen: UInt8 = 9       // ( [ {
    static let cClose: UInt8 = 10     // ) ] }
    static let cSemicolon: UInt8 = 11
    static let cPunct: UInt8 = 12     // any other printable ASCII byte (and DEL)
    /// Can continue an identifier (letters, digits, `_`, non-ASCII).
    static let fIdentPart: UInt8 = 0x10
    /// Can continue a number (an identifier byte or `.`).
    static let fNumberPart: UInt8 = 0x20
    /// Goes on an interpreted string or rune: any byte but `"`, `'`, `\` and newline.
    static let fPlain: UInt8 = 0x40
    /// Space, tab or CR.
    static let fBlank: UInt8 = 0x80

    /// Per byte value: its class and flags (never freed).
    nonisolated(unsafe) static let byteClass: UnsafePointer<UInt8> = {
        let c = UnsafeMutablePointer<UInt8>.allocate(capacity: 256)
        c.initialize(repeating: cOther, count: 256)
        for b in 0x21...0x7F { c[b] = cPunct }
        for b in UInt8(ascii: "a")...UInt8(ascii: "z") { c[Int(b)] = cLetter | fIdentPart | fNumberPart }
        for b in UInt8(ascii: "A")...UInt8(ascii: "Z") { c[Int(b)] = cLetter | fIdentPart | fNumberPart }
        for b in 0x80...0xFF { c[b] = cLetter | fIdentPart | fNumberPart }
        c[0x5F] = cLetter | fIdentPart | fNumberPart
        for b in UInt8(ascii: "0")...UInt8(ascii: "9") { c[Int(b)] = cDigit | fIdentPart | fNumberPart }
        c[0x20] = cSpace | fBlank; c[0x09] = cSpace | fBlank; c[0x0D] = cSpace | fBlank
        c[0x0A] = cNewline
        c[0x2F] = cSlash
        c[0x2E] = cDot | fNumberPart
        c[0x22] = cQuote; c[0x27] = cQuote
        c[0x60] = cBacktick
        c[0x28] = cOpen; c[0x5B] = cOpen; c[0x7B] = cOpen
        c[0x29] = cClose; c[0x5D] = cClose; c[0x7D] = cClose
        c[0x3B] = cSemicolon
        for b in 0...255 where b != 0x22 && b != 0x27 && b != 0x5C && b != 0x0A { c[b] |= fPlain }
        return UnsafePointer(c)
    }()

    public static func tokenize(_ buf: UnsafeBufferPointer<UInt8>) -> GoTokens {
        let l = lex(buf)
        defer { l.deallocate() }
        return GoTokens(tokens: Array(l.tokens), match: Array(l.match), comments: l.comments, problems: l.problems)
    }

    /// Tokenizes `buf` into buffers the caller takes over (see `GoLexed`).
    static func lex(_ buf: UnsafeBufferPointer<UInt8>) -> GoLexed {
        let n = buf.count
        // Every token but the last automatic semicolon and `.eof` takes at least one byte of its
        // own (an automatic semicolon takes its newline or its comment), so n + 2 is enough and
        // the hot loop needs no capacity checks.
        let capacity = n + 2
        let toks = UnsafeMutablePointer<GoToken>.allocate(capacity: capacity)
        let match = UnsafeMutablePointer<Int32>.allocate(capacity: capacity)
        var count = 0
        var problems: [String] = []
        // Comments, in a buffer grown by hand (no uniqueness check per append).
        var commentCapacity = 64
        var comments = UnsafeMutablePointer<GoComment>.allocate(capacity: commentCapacity)
        var commentCount = 0
        // Open brackets (token indices), innermost last; grown by hand.
        var stackCapacity = 64
        var stack = UnsafeMutablePointer<Int32>.allocate(capacity: stackCapacity)
        var depth = 0
        // The token count at the last newline: a token is on the current line when count > lineMark.
        // Go's automatic-semicolon rule looks at the last token only at a newline, so the hot
        // paths keep no other state.
        var lineMark = 0

        @inline(__always) func put(_ k: GoToken.Kind, _ code: UInt32, _ s: Int, _ e: Int) {
            (toks + count).initialize(to: GoToken(kind: k, code: code, start: Int32(truncatingIfNeeded: s),
                                                  end: Int32(truncatingIfNeeded: e)))
            (match + count).initialize(to: -1)
            count &+= 1
        }
        /// A newline (or a block comment holding one) at `pos`: an automatic semicolon when the
        /// line's last token allows one.
        @inline(__always) func newline(at pos: Int) {
            if count > lineMark && allowsSemicolon(toks[count &- 1]) { put(.semicolon, 0, pos, pos) }
            lineMark = count
        }
        @inline(__always) func comment(_ s: Int, _ e: Int) {
            if commentCount == commentCapacity { RawBuffer.grow(&comments, count: commentCount, capacity: &commentCapacity) }
            (comments + commentCount).initialize(to: GoComment(start: Int32(truncatingIfNeeded: s),
                                                               end: Int32(truncatingIfNeeded: e), trailing: count > lineMark))
            commentCount &+= 1
        }

        var i = 0
        if let p = buf.baseAddress {
            let cls = byteClass
            let kwTable = keywordTable
            // Skip a UTF-8 BOM.
            if n >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF { i = 3 }

            while i < n {
                var b = p[i]
                // One space between tokens (the commonest gap) is stepped over here without a
                // pass through the dispatch below: an indirect jump that mispredicts often.
                if b == 0x20 {
                    i &+= 1
                    guard i < n else { break }
                    b = p[i]
                }
                switch cls[Int(b)] & 0x0F {
                case cSpace:
                    i = skip(p, n, i &+ 1, cls, fBlank)
                    continue
                case cNewline:
                    newline(at: i)
                    // The next line's indentation.
                    i = skip(p, n, i &+ 1, cls, fBlank)
                    continue
                case cLetter:
                    // Identifiers and keywords.
                    let s = i
                    i = skip(p, n, i &+ 1, cls, fIdentPart)
                    // A keyword: a lowercase ASCII start, 2…11 bytes, its hash slot, then its bytes.
                    let len = i &- s
                    if b &- 0x61 < 26 && UInt(bitPattern: len &- 2) <= 9 {
                        let slot = kwTable + keywordSlot(b, p[s &+ 1], len)
                        if slot.pointee.length == len && word(p, n, s, min(8, len)) == slot.pointee.head
                            && (len <= 8 || word(p, n, i &- 8, 8) == slot.pointee.tail) {
                            put(.keyword, slot.pointee.id, s, i)
                            continue
                        }
                    }
                    put(.ident, 0, s, i)
                    continue
                case cDigit:
                    let s = i
                    i = number(p, n, i, cls)
                    put(.number, 0, s, i)
                    continue
                case cOpen:
                    if depth == stackCapacity { RawBuffer.grow(&stack, count: depth, capacity: &stackCapacity) }
                    (stack + depth).initialize(to: Int32(truncatingIfNeeded: count))
                    depth &+= 1
                    put(.punct, UInt32(b), i, i &+ 1)
                    i &+= 1
                    continue
                case cClose:
                    let here = count
                    put(.punct, UInt32(b), i, i &+ 1)
                    i &+= 1
                    // The opener of the same kind nearest the top; openers above it close here too.
                    let want = UInt32(b == 0x29 ? 0x28 : b &- 2)  // ) → (, ] → [, } → {
                    var k = depth &- 1
                    while k >= 0 && toks[Int(stack[k])].code != want { k &-= 1 }
                    if k >= 0 {
                        while depth > k &+ 1 { depth &-= 1; match[Int(stack[depth])] = Int32(truncatingIfNeeded: here) }
                        depth &-= 1
                        let o = stack[depth]
                        match[Int(o)] = Int32(truncatingIfNeeded: here)
                        match[here] = o
                    }
                    continue
                case cQuote:
                    // Interpreted strings and runes: a quote, escapes, the same quote, on one line.
                    let s = i
                    i &+= 1
                    var closed = false
                    while true {
                        i = skip(p, n, i, cls, fPlain)
                        if i >= n { i = n; break }  // past the end after a final backslash, too
                        let c = p[i]
                        if c == 0x5C { i &+= 2; continue }
                        if c == b { i &+= 1; closed = true; break }
                        if c == 0x0A { break }
                        i &+= 1  // the other quote
                    }
                    if !closed { problems.append("unterminated \(b == 0x22 ? "string" : "rune") literal at byte \(s)") }
                    put(b == 0x22 ? .string : .rune, 0, s, i)
                    continue
                case cBacktick:
                    let s = i
                    i = SWAR.find(0x60, in: buf, from: i &+ 1, end: n)
                    if i < n { i &+= 1 } else { problems.append("unterminated raw string literal at byte \(s)") }
                    put(.rawString, 0, s, i)
                    continue
                case cSemicolon:
                    // An explicit `;`.
                    put(.semicolon, 0x3B, i, i &+ 1)
                    i &+= 1
                    continue
                case cSlash:
                    if i &+ 1 < n {
                        let c = p[i &+ 1]
                        if c == 0x2F {
                            let s = i
                            i = SWAR.find(0x0A, in: buf, from: i &+ 2, end: n)
                            comment(s, i)
                            continue
                        }
                        if c == 0x2A {
                            let s = i
                            // The first `*/` after the `/*`, or the end of input.
                            var j = i &+ 2
                            var closed = false
                            while true {
                                let k = SWAR.find(0x2A, in: buf, from: j, end: n)
                                if k &+ 1 >= n { i = n; break }
                                if p[k &+ 1] == 0x2F { i = k &+ 2; closed = true; break }
                                j = k &+ 1
                            }
                            if !closed { problems.append("unterminated block comment at byte \(s)") }
                            comment(s, i)
                            // A general comment containing a newline acts like a newline.
                            if SWAR.find(0x0A, in: buf, from: s &+ 2, end: i) < i { newline(at: s) }
                            continue
                        }
                    }
                case cDot:
                    if i &+ 1 < n && p[i &+ 1] &- 0x30 < 10 {
                        let s = i
                        i = number(p, n, i, cls)
                        put(.number, 0, s, i)
                        continue
                    }
                case cPunct:
                    break
                case cOther, 13, 14, 15:
                    // Control bytes: skipped. (Every value of the low 4 bits has a case, so the
                    // jump needs no range check.)
                    i &+= 1
                    continue
                default:
                    i &+= 1
                    continue
                }
                // Punctuation (`/` and `.` included): the longest operator of 3, 2 or 1 bytes.
                let c1: UInt8 = i &+ 1 < n ? p[i &+ 1] : 0
                var len = 1
                switch b {
                case 0x2B, 0x2D:                                     // ++ += -- -=
                    if c1 == b || c1 == 0x3D { len = 2 }
                case 0x2A, 0x2F, 0x25, 0x5E, 0x21, 0x3D, 0x3A:       // *= /= %= ^= != == :=
                    if c1 == 0x3D { len = 2 }
                case 0x3C:                                           // <<= << <= <-
                    if c1 == 0x3C { len = thirdIsEquals(p, n, i) ? 3 : 2 } else if c1 == 0x3D || c1 == 0x2D { len = 2 }
                case 0x3E:                                           // >>= >> >=
                    if c1 == 0x3E { len = thirdIsEquals(p, n, i) ? 3 : 2 } else if c1 == 0x3D { len = 2 }
                case 0x26:                                           // &^= &&= &^ && &=
                    if c1 == 0x5E || c1 == 0x26 { len = thirdIsEquals(p, n, i) ? 3 : 2 } else if c1 == 0x3D { len = 2 }
                case 0x7C:                                           // ||= || |=
                    if c1 == 0x7C { len = thirdIsEquals(p, n, i) ? 3 : 2 } else if c1 == 0x3D { len = 2 }
                case 0x2E:                                           // ...
                    if c1 == 0x2E && i &+ 2 < n && p[i &+ 2] == 0x2E { len = 3 }
                default:
                    break
                }
                var code = UInt32(b)
                if len >= 2 { code |= UInt32(c1) << 8 }
                if len == 3 { code |= UInt32(p[i &+ 2]) << 16 }
                put(.punct, code, i, i &+ len)
                i &+= len
            }
        }
        newline(at: n)
        put(.eof, 0, n, n)
        // Openers never closed close at `.eof`.
        let last = Int32(truncatingIfNeeded: count &- 1)
        for k in 0..<depth { match[Int(stack[k])] = last }
        stack.deallocate()
        let commentArray = Array(UnsafeBufferPointer(start: comments, count: commentCount))
        comments.deallocate()
        return GoLexed(tokens: UnsafeMutableBufferPointer(start: toks, count: count),
                       match: UnsafeMutableBufferPointer(start: match, count: count),
                       comments: commentArray, problems: problems)
    }

    /// Whether a token lets Go's automatic semicolon follow it at a newline: an identifier, a
    /// literal, `break` `continue` `fallthrough` `return`, `)` `]` `}` `++` `--`.
    @inline(__always) static func allowsSemicolon(_ t: GoToken) -> Bool {
        switch t.kind {
        case .ident, .number, .rune, .string, .rawString:
            return true
        case .keyword:
            return t.code == GoKeyword.break.rawValue || t.code == GoKeyword.continue.rawValue
                || t.code == GoKeyword.fallthrough.rawValue || t.code == GoKeyword.return.rawValue
        case .punct:
            let c = t.code
            return c == 0x29 || c == 0x5D || c == 0x7D || c == GoPunct.inc || c == GoPunct.dec
        case .semicolon, .eof:
            return false
        }
    }

    /// Whether the byte two after `i` is `=` (the third byte of `<<=` `>>=` `&^=` `&&=` `||=`).
    @inline(__always) static func thirdIsEquals(_ p: UnsafePointer<UInt8>, _ n: Int, _ i: Int) -> Bool {
        i &+ 2 < n && p[i &+ 2] == 0x3D
    }

    /// The first offset from `from` whose byte lacks `flag` in `cls`, or `n` (or `from` when
    /// `from` ≥ `n`); four bytes a step.
    @inline(__always)
    static func skip(_ p: UnsafePointer<UInt8>, _ n: Int, _ from: Int, _ cls: UnsafePointer<UInt8>, _ flag: UInt8) -> Int {
        var i = from
        while i &+ 4 <= n {
            if cls[Int(p[i])] & flag == 0 { return i }
            if cls[Int(p[i &+ 1])] & flag == 0 { return i &+ 1 }
            if cls[Int(p[i &+ 2])] & flag == 0 { return i &+ 2 }
            if cls[Int(p[i &+ 3])] & flag == 0 { return i &+ 3 }
            i &+= 4
        }
        while i < n && cls[Int(p[i])] & flag != 0 { i &+= 1 }
        return i
    }

    /// Scans a number starting at `s` (a digit, or a `.` before one): identifier bytes and dots,
    /// and a sign after an exponent letter (`1e+9`, `0x1p-2`). Returns the offset past it.
    @inline(__always)
    static func number(_ p: UnsafePointer<UInt8>, _ n: Int, _ s: Int, _ cls: UnsafePointer<UInt8>) -> Int {
        var i = s &+ 1
        while i < n {
            let c = p[i]
            if cls[Int(c)] & fNumberPart != 0 { i &+= 1; continue }
            if c == 0x2B || c == 0x2D {
                let q = p[i &- 1] | 0x20
                if q == 0x65 || q == 0x70 { i &+= 1; continue }
            }
            break
        }
        return i
    }

    /// One slot of the keyword hash table: the spelling's length, its first (up to) 8 bytes and,
    /// for spellings longer than 8, its last 8 bytes, little-endian; `id` 0 = empty slot.
    struct KeywordSlot {
        var id: UInt32 = 0
        var length = 0
        var head: UInt64 = 0
        var tail: UInt64 = 0
    }

    /// The slot for a spelling of `length` bytes starting with `b0`, `b1`: a hash without
    /// collisions among Go's 25 keywords (a test checks every keyword is found).
    @inline(__always) static func keywordSlot(_ b0: UInt8, _ b1: UInt8, _ length: Int) -> Int {
        (((Int(b0) &* 6) ^ (Int(b1) &* 3)) &+ length) & 63
    }

    /// The keywords by hash slot (never freed).
    nonisolated(unsafe) static let keywordTable: UnsafePointer<KeywordSlot> = {
        let t = UnsafeMutablePointer<KeywordSlot>.allocate(capacity: 64)
        t.initialize(repeating: KeywordSlot(), count: 64)
        let words: [(String, GoKeyword)] = [
            ("break", .break), ("case", .case), ("chan", .chan), ("const", .const), ("continue", .continue),
            ("default", .default), ("defer", .defer), ("else", .else), ("fallthrough", .fallthrough), ("for", .for),
            ("func", .func), ("go", .go), ("goto", .goto), ("if", .if), ("import", .import),
            ("interface", .interface), ("map", .map), ("package", .package), ("range", .range), ("return", .return),
            ("select", .select), ("struct", .struct), ("switch", .switch), ("type", .type), ("var", .var),
        ]
        for (w, k) in words {
            let b = Array(w.utf8)
            let slot = keywordSlot(b[0], b[1], b.count)
            precondition(t[slot].id == 0, "Go keyword hash collision")
            t[slot] = KeywordSlot(id: k.rawValue, length: b.count, head: word(b, 0, min(8, b.count)),
                                  tail: b.count > 8 ? word(b, b.count - 8, 8) : 0)
        }
        return UnsafePointer(t)
    }()

    /// `count` bytes of `b` from `from`, little-endian.
    static func word(_ b: [UInt8], _ from: Int, _ count: Int) -> UInt64 {
        var v: UInt64 = 0
        for k in 0..<count { v |= UInt64(b[from + k]) << (8 * UInt64(k)) }
        return v
    }

    /// `count` (≤ 8) bytes at `p + from`, little-endian; one unaligned load when 8 bytes are there.
    @inline(__always) static func word(_ p: UnsafePointer<UInt8>, _ n: Int, _ from: Int, _ count: Int) -> UInt64 {
        if from + 8 <= n {
            let v = UnsafeRawPointer(p).loadUnaligned(fromByteOffset: from, as: UInt64.self)
            return count >= 8 ? v : v & ((1 << (8 * UInt64(count))) &- 1)
        }
        var v: UInt64 = 0
        for k in 0..<count { v |= UInt64(p[from + k]) << (8 * UInt64(k)) }
        return v
    }

    /// The keyword id (`GoKeyword.rawValue`) of the identifier at `s..<e` (its first byte a
    /// lowercase ASCII letter), or 0: length, then a hash of the first two bytes, then the bytes.
    @inline(__always)
    static func keyword(_ p: UnsafePointer<UInt8>, _ n: Int, _ s: Int, _ e: Int, _ table: UnsafePointer<KeywordSlot>) -> UInt32 {
        let len = e - s
        guard len >= 2 && len <= 11 else { return 0 }
        let slot = table[keywordSlot(p[s], p[s + 1], len)]
        guard slot.length == len, word(p, n, s, min(8, len)) == slot.head else { return 0 }
        if len > 8 && word(p, n, e - 8, 8) != slot.tail { return 0 }
        return slot.id
    }
}
