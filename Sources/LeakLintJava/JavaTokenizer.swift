import LeakLintCore

// MARK: - Tokens

/// What a Java token is. Comments are not tokens (the tokenizer keeps only the ones that
/// carry a `leaklint:ignore` directive).
public enum JavaTokenKind: UInt8, Sendable {
    case identifier
    case keyword
    case number
    case string
    case char
    case textBlock
    /// A one-byte punctuator or operator; `JavaToken.code` is the byte.
    case punct
    /// A multi-byte operator; `JavaToken.code` is a `JavaOp` raw value.
    case op
    /// A byte that starts no Java token (a stray `\`, `#`, a control byte).
    case unknown
}

/// Multi-byte operators. `>>` and `>>>` are never joined: every `>` is its own token so that
/// `Map<String, List<String>>` closes two type-argument lists; the structural pass decides
/// between generics and comparison.
public enum JavaOp: UInt8, Sendable {
    case arrow = 1          // ->
    case colonColon         // ::
    case eqEq               // ==
    case notEq              // !=
    case lessEq             // <=
    case greaterEq          // >=
    case andAnd             // &&
    case orOr               // ||
    case plusPlus           // ++
    case minusMinus         // --
    case compoundAssign     // += -= *= /= %= &= |= ^= <<=
    case shiftLeft          // <<
    case ellipsis           // ...
}

/// Java keywords (reserved words and the literals `true`, `false`, `null`). Contextual words
/// (`record`, `var`, `yield`, `sealed`, `permits`) stay identifiers.
public enum JavaKeyword: UInt8, Sendable, CaseIterable {
    case abstract = 1, assert, boolean, `break`, byte, `case`, `catch`, char, `class`, const
    case `continue`, `default`, `do`, double, `else`, `enum`, extends, final, finally, float
    case `for`, goto, `if`, implements, `import`, instanceof, int, interface, long, native
    case new, package, `private`, protected, `public`, `return`, short, `static`, strictfp, `super`
    case `switch`, synchronized, this, `throw`, `throws`, transient, `try`, void, volatile, `while`
    case `true`, `false`, null

    /// The keyword as written (no reflection: `String(describing:)` of a case looks up
    /// conformances at run time, ~2 M instructions for the table below on first use).
    var spelling: String { Self.spellings[Int(rawValue) - 1] }

    /// Spellings in case order (`rawValue - 1`).
    static let spellings: [String] = [
        "abstract", "assert", "boolean", "break", "byte", "case", "catch", "char", "class", "const",
        "continue", "default", "do", "double", "else", "enum", "extends", "final", "finally", "float",
        "for", "goto", "if", "implements", "import", "instanceof", "int", "interface", "long", "native",
        "new", "package", "private", "protected", "public", "return", "short", "static", "strictfp", "super",
        "switch", "synchronized", "this", "throw", "throws", "transient", "try", "void", "volatile", "while",
        "true", "false", "null",
    ]
}

/// A token: a kind, a code (keyword / punctuator byte / operator) and a byte range.
public struct JavaToken: Sendable, Equatable {
    public var kind: JavaTokenKind
    public var code: UInt8
    public var start: UInt32
    public var end: UInt32
    @inlinable public var range: Range<Int> { Int(start)..<Int(end) }
    @inlinable public func isPunct(_ c: UInt8) -> Bool { kind == .punct && code == c }
    @inlinable public func isKeyword(_ k: JavaKeyword) -> Bool { kind == .keyword && code == k.rawValue }
    @inlinable public func isOp(_ o: JavaOp) -> Bool { kind == .op && code == o.rawValue }
}

/// The tokenizer's output.
public struct JavaLexResult: Sendable {
    public var tokens: [JavaToken]
    /// Byte ranges of comments that mention `leaklint:ignore`.
    public var directiveComments: [Range<Int>]
    /// Problems met and recovered from (unterminated literal or comment).
    public var problems: [String]
}

// MARK: - Tokenizer

/// A byte-level Java tokenizer: one pass, integer cursor, no Strings per token.
public enum JavaTokenizer {
    /// A keyword's bytes packed little-endian into two words (keywords are at most 12 bytes).
    struct PackedKeyword {
        var lo: UInt64
        var hi: UInt64
        var kw: JavaKeyword
    }

    /// Keywords grouped by `length * 32 + (firstByte - 'a')`: bucket `k` is
    /// `keywords[keywordBuckets[k] ..< keywordBuckets[k + 1]]`. Flat arrays of plain values, so a
    /// lookup retains nothing.
    static let (keywordBuckets, keywords): ([Int32], [PackedKeyword]) = {
        var byBucket = [[PackedKeyword]](repeating: [], count: 13 * 32)
        for k in JavaKeyword.allCases {
            let b = Array(k.spelling.utf8)
            var lo: UInt64 = 0, hi: UInt64 = 0
            for (q, x) in b.enumerated() {
                if q < 8 { lo |= UInt64(x) << (8 * UInt64(q)) } else { hi |= UInt64(x) << (8 * UInt64(q - 8)) }
            }
            byBucket[b.count * 32 + Int(b[0] &- 0x61)].append(PackedKeyword(lo: lo, hi: hi, kw: k))
        }
        var starts: [Int32] = [0]
        var flat: [PackedKeyword] = []
        for bucket in byBucket { flat += bucket; starts.append(Int32(flat.count)) }
        return (starts, flat)
    }()

    /// Byte classes: 1 = identifier start, 2 = identifier part (digits), 4 = whitespace. A
    /// pointer to 256 immutable bytes made once (never freed): the hot loops index it without a
    /// bounds check or an array retain.
    nonisolated(unsafe) static let byteClass: UnsafePointer<UInt8> = {
        let c = UnsafeMutablePointer<UInt8>.allocate(capacity: 256)
        c.initialize(repeating: 0, count: 256)
        for b in UInt8(ascii: "a")...UInt8(ascii: "z") { c[Int(b)] = 3 }
        for b in UInt8(ascii: "A")...UInt8(ascii: "Z") { c[Int(b)] = 3 }
        for b in UInt8(ascii: "0")...UInt8(ascii: "9") { c[Int(b)] = 2 }
        c[Int(UInt8(ascii: "_"))] = 3
        c[Int(UInt8(ascii: "$"))] = 3
        // Non-ASCII bytes (UTF-8 lead and continuation bytes, and invalid ones) are taken as
        // identifier bytes: Java allows Unicode letters in names, and this never splits a code point.
        for b in 0x80...0xFF { c[b] = 3 }
        c[0x20] = 4; c[0x09] = 4; c[0x0A] = 4; c[0x0D] = 4; c[0x0C] = 4
        return UnsafePointer(c)
    }()

    /// Tokenizes a whole file.
    public static func tokenize(_ bytes: [UInt8]) -> JavaLexResult {
        bytes.withUnsafeBufferPointer { tokenize($0) }
    }

    /// Tokenizes `buf`. Never fails: unterminated literals and comments end at the end of
    /// their line / of the file and are reported in `problems`.
    public static func tokenize(_ buf: UnsafeBufferPointer<UInt8>) -> JavaLexResult {
        let r = tokenizeOwned(buf)
        defer { r.tokens.deallocate() }
        return JavaLexResult(tokens: Array(r.tokens), directiveComments: r.directiveComments, problems: r.problems)
    }

    /// `tokenize` with the tokens in a buffer the caller takes over (and deallocates): the
    /// parser reads them in place, with no copy into an array.
    static func tokenizeOwned(_ buf: UnsafeBufferPointer<UInt8>)
        -> (tokens: UnsafeMutableBufferPointer<JavaToken>, directiveComments: [Range<Int>], problems: [String]) {
        let n = buf.count
        // Tokens are appended to a buffer grown by hand (no uniqueness check per append).
        var capacity = n / 5 + 16
        var tokens = UnsafeMutablePointer<JavaToken>.allocate(capacity: capacity)
        var tokenCount = 0
        var comments: [Range<Int>] = []
        var problems: [String] = []
        let cls = byteClass
        let kwBuckets = keywordBuckets, kws = keywords
        guard n > 0, let base = buf.baseAddress else {
            return (UnsafeMutableBufferPointer(start: tokens, count: 0), [], [])
        }
        var i = 0
        // Skip a UTF-8 BOM.
        if n >= 3 && buf[0] == 0xEF && buf[1] == 0xBB && buf[2] == 0xBF { i = 3 }

        @inline(__always) func emit(_ k: JavaTokenKind, _ code: UInt8, _ s: Int, _ e: Int) {
            if tokenCount == capacity { RawBuffer.grow(&tokens, count: tokenCount, capacity: &capacity) }
            (tokens + tokenCount).initialize(to: JavaToken(kind: k, code: code, start: UInt32(truncatingIfNeeded: s),
                                                           end: UInt32(truncatingIfNeeded: e)))
            tokenCount += 1
        }
        @inline(__always) func isHex(_ b: UInt8) -> Bool {
            (b >= 0x30 && b <= 0x39) || (b | 0x20 >= 0x61 && b | 0x20 <= 0x66)
        }
        /// `\uXXXX` (any number of `u`) at `p`: returns the offset after it, or nil.
        func unicodeEscapeEnd(_ p: Int) -> Int? {
            guard p + 1 < n, buf[p] == 0x5C, buf[p + 1] == 0x75 else { return nil }
            var q = p + 1
            while q < n && buf[q] == 0x75 { q += 1 }
            guard q + 4 <= n, isHex(buf[q]), isHex(buf[q + 1]), isHex(buf[q + 2]), isHex(buf[q + 3]) else { return nil }
            return q + 4
        }

        while i < n {
            let b = buf[i]
            let c = cls[Int(b)]
            if c == 4 {
                i += 1
                // Indentation: eight spaces at a time.
                while i + 8 <= n && UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self) == 0x2020_2020_2020_2020 { i += 8 }
                continue
            }
            let s = i
            if c & 1 != 0 || (b == 0x5C && unicodeEscapeEnd(i) != nil) {
                // Identifier or keyword.
                if b == 0x5C { i = unicodeEscapeEnd(i)! } else { i += 1 }
                while i < n {
                    let d = base[i]
                    if cls[Int(d)] & 2 != 0 {
                        i += 1
                    } else if d == 0x5C, let e = unicodeEscapeEnd(i) {
                        i = e
                    } else { break }
                }
                let len = i - s
                // Keywords are 2 to 12 lowercase ASCII letters: an identifier with another byte
                // (a capital, a digit, an escape's `\`) matches none of their packed words.
                if b >= 0x61 && b <= 0x7A && len >= 2 && len <= 12 {
                    let bucket = len * 32 + Int(b &- 0x61)
                    var e = Int(kwBuckets[bucket])
                    let eEnd = Int(kwBuckets[bucket + 1])
                    if e < eEnd {
                        var lo: UInt64 = 0, hi: UInt64 = 0
                        for q in 0..<min(len, 8) { lo |= UInt64(base[s + q]) << (8 * UInt64(q)) }
                        if len > 8 { for q in 8..<len { hi |= UInt64(base[s + q]) << (8 * UInt64(q - 8)) } }
                        while e < eEnd && (kws[e].lo != lo || kws[e].hi != hi) { e += 1 }
                        if e < eEnd { emit(.keyword, kws[e].kw.rawValue, s, i); continue }
                    }
                }
                emit(.identifier, 0, s, i)
                continue
            }
            if c == 2 || (b == 0x2E && i + 1 < n && cls[Int(buf[i + 1])] == 2) {
                // Number: digits, hex/binary, `_`, `.`, exponents with signs, suffixes.
                i += 1
                var isHexNum = false
                if b == 0x30 && i < n && (buf[i] | 0x20 == 0x78) { isHexNum = true; i += 1 }
                while i < n {
                    let d = buf[i]
                    if cls[Int(d)] & 2 != 0 && d < 0x80 {
                        let lower = d | 0x20
                        if (lower == 0x65 && !isHexNum) || (lower == 0x70 && isHexNum) {
                            i += 1
                            if i < n && (buf[i] == 0x2B || buf[i] == 0x2D) { i += 1 }
                            continue
                        }
                        i += 1
                    } else if d == 0x2E && !(i + 1 < n && buf[i + 1] == 0x2E) {
                        i += 1
                    } else { break }
                }
                emit(.number, 0, s, i)
                continue
            }
            switch b {
            case 0x2F: // '/'
                if i + 1 < n && buf[i + 1] == 0x2F {
                    i += 2
                    var colon = false
                    // Eight bytes at a time to the line end; note any ':' (a directive needs one).
                    while i + 8 <= n {
                        let x = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
                        if hasByte(x, 0x3A) != 0 { colon = true }
                        let eol = hasByte(x, 0x0A) | hasByte(x, 0x0D)
                        if eol == 0 { i += 8; continue }
                        i += eol.trailingZeroBitCount >> 3
                        break
                    }
                    while i < n && buf[i] != 0x0A && buf[i] != 0x0D { if buf[i] == 0x3A { colon = true }; i += 1 }
                    if colon && SuppressionDirective.mentions(buf, s..<i) { comments.append(s..<i) }
                    continue
                }
                if i + 1 < n && buf[i + 1] == 0x2A {
                    i += 2
                    var closed = false
                    var colon = false
                    while i + 8 <= n {
                        let x = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
                        if hasByte(x, 0x3A) != 0 { colon = true }
                        let star = hasByte(x, 0x2A)
                        if star == 0 { i += 8; continue }
                        i += star.trailingZeroBitCount >> 3
                        if i + 1 < n && buf[i + 1] == 0x2F { i += 2; closed = true; break }
                        i += 1
                    }
                    if !closed {
                        while i + 1 < n {
                            if buf[i] == 0x3A { colon = true }
                            if buf[i] == 0x2A && buf[i + 1] == 0x2F { i += 2; closed = true; break }
                            i += 1
                        }
                    }
                    if !closed { i = n; problems.append("unterminated block comment at byte \(s)") }
                    if colon && SuppressionDirective.mentions(buf, s..<i) { comments.append(s..<i) }
                    continue
                }
                if i + 1 < n && buf[i + 1] == 0x3D { i += 2; emit(.op, JavaOp.compoundAssign.rawValue, s, i); continue }
                i += 1; emit(.punct, b, s, i)
            case 0x22: // '"'
                if i + 2 < n && buf[i + 1] == 0x22 && buf[i + 2] == 0x22 {
                    // Text block: """ … """, escapes honoured.
                    i += 3
                    var closed = false
                    while i < n {
                        let d = buf[i]
                        if d == 0x5C { i += 2; continue }
                        if d == 0x22 && i + 2 < n && buf[i + 1] == 0x22 && buf[i + 2] == 0x22 { i += 3; closed = true; break }
                        i += 1
                    }
                    if i > n { i = n }
                    if !closed { problems.append("unterminated text block at byte \(s)") }
                    emit(.textBlock, 0, s, i)
                    continue
                }
                i = literalEnd(buf, i + 1, quote: 0x22)
                if i <= n, i > s + 1, buf[i - 1] == 0x22, !escapedQuote(buf, s + 1, i - 1) {} else {
                    problems.append("unterminated string literal at byte \(s)")
                }
                emit(.string, 0, s, i)
            case 0x27: // '\''
                i = literalEnd(buf, i + 1, quote: 0x27)
                if i <= n, i > s + 1, buf[i - 1] == 0x27, !escapedQuote(buf, s + 1, i - 1) {} else {
                    problems.append("unterminated char literal at byte \(s)")
                }
                emit(.char, 0, s, i)
            case 0x2D: // '-'
                if i + 1 < n {
                    let d = buf[i + 1]
                    if d == 0x3E { i += 2; emit(.op, JavaOp.arrow.rawValue, s, i); continue }
                    if d == 0x2D { i += 2; emit(.op, JavaOp.minusMinus.rawValue, s, i); continue }
                    if d == 0x3D { i += 2; emit(.op, JavaOp.compoundAssign.rawValue, s, i); continue }
                }
                i += 1; emit(.punct, b, s, i)
            case 0x2B: // '+'
                if i + 1 < n && buf[i + 1] == 0x2B { i += 2; emit(.op, JavaOp.plusPlus.rawValue, s, i); continue }
                if i + 1 < n && buf[i + 1] == 0x3D { i += 2; emit(.op, JavaOp.compoundAssign.rawValue, s, i); continue }
                i += 1; emit(.punct, b, s, i)
            case 0x3A: // ':'
                if i + 1 < n && buf[i + 1] == 0x3A { i += 2; emit(.op, JavaOp.colonColon.rawValue, s, i); continue }
                i += 1; emit(.punct, b, s, i)
            case 0x3D: // '='
                if i + 1 < n && buf[i + 1] == 0x3D { i += 2; emit(.op, JavaOp.eqEq.rawValue, s, i); continue }
                i += 1; emit(.punct, b, s, i)
            case 0x21: // '!'
                if i + 1 < n && buf[i + 1] == 0x3D { i += 2; emit(.op, JavaOp.notEq.rawValue, s, i); continue }
                i += 1; emit(.punct, b, s, i)
            case 0x3C: // '<'
                if i + 1 < n && buf[i + 1] == 0x3D { i += 2; emit(.op, JavaOp.lessEq.rawValue, s, i); continue }
                if i + 1 < n && buf[i + 1] == 0x3C {
                    if i + 2 < n && buf[i + 2] == 0x3D { i += 3; emit(.op, JavaOp.compoundAssign.rawValue, s, i); continue }
                    i += 2; emit(.op, JavaOp.shiftLeft.rawValue, s, i); continue
                }
                i += 1; emit(.punct, b, s, i)
            case 0x3E: // '>': never joined with a following '>' (generics); `>=` is one token.
                if i + 1 < n && buf[i + 1] == 0x3D { i += 2; emit(.op, JavaOp.greaterEq.rawValue, s, i); continue }
                i += 1; emit(.punct, b, s, i)
            case 0x26: // '&'
                if i + 1 < n && buf[i + 1] == 0x26 { i += 2; emit(.op, JavaOp.andAnd.rawValue, s, i); continue }
                if i + 1 < n && buf[i + 1] == 0x3D { i += 2; emit(.op, JavaOp.compoundAssign.rawValue, s, i); continue }
                i += 1; emit(.punct, b, s, i)
            case 0x7C: // '|'
                if i + 1 < n && buf[i + 1] == 0x7C { i += 2; emit(.op, JavaOp.orOr.rawValue, s, i); continue }
                if i + 1 < n && buf[i + 1] == 0x3D { i += 2; emit(.op, JavaOp.compoundAssign.rawValue, s, i); continue }
                i += 1; emit(.punct, b, s, i)
            case 0x2A, 0x25, 0x5E: // '*' '%' '^'
                if i + 1 < n && buf[i + 1] == 0x3D { i += 2; emit(.op, JavaOp.compoundAssign.rawValue, s, i); continue }
                i += 1; emit(.punct, b, s, i)
            case 0x2E: // '.'
                if i + 2 < n && buf[i + 1] == 0x2E && buf[i + 2] == 0x2E { i += 3; emit(.op, JavaOp.ellipsis.rawValue, s, i); continue }
                i += 1; emit(.punct, b, s, i)
            case 0x28, 0x29, 0x7B, 0x7D, 0x5B, 0x5D, 0x3B, 0x2C, 0x40, 0x3F, 0x7E:
                // ( ) { } [ ] ; , @ ? ~
                i += 1; emit(.punct, b, s, i)
            default:
                i += 1; emit(.unknown, b, s, i)
            }
        }
        return (UnsafeMutableBufferPointer(start: tokens, count: tokenCount), comments, problems)
    }

    /// Non-zero when some byte of `x` equals `b` (the lowest set 0x80 bit marks the first one).
    @inline(__always)
    static func hasByte(_ x: UInt64, _ b: UInt8) -> UInt64 {
        let y = x ^ (UInt64(b) &* 0x0101_0101_0101_0101)
        return (y &- 0x0101_0101_0101_0101) & ~y & 0x8080_8080_8080_8080
    }

    /// End of a string or char literal starting after its opening quote: just past the
    /// closing quote, or the end of the line when it is unterminated.
    @inline(__always)
    static func literalEnd(_ buf: UnsafeBufferPointer<UInt8>, _ from: Int, quote: UInt8) -> Int {
        let n = buf.count
        var i = from
        while i < n {
            let d = buf[i]
            if d == 0x5C {
                // `\u005c` is a backslash (unicode escapes are translated before lexing), so it
                // escapes the next character: `'\u005c''` is the char literal `'\''`.
                if let e = unicodeBackslashEnd(buf, i) { i = e + 1; continue }
                i += 2
                continue
            }
            if d == quote { return i + 1 }
            if d == 0x0A || d == 0x0D { return i }
            i += 1
        }
        return n
    }

    /// Just past `\u005c` / `\uu005C` (any number of `u`s) starting at the backslash `at`, or nil.
    static func unicodeBackslashEnd(_ buf: UnsafeBufferPointer<UInt8>, _ at: Int) -> Int? {
        var k = at + 1
        guard k < buf.count, buf[k] == 0x75 else { return nil }
        while k < buf.count && buf[k] == 0x75 { k += 1 }
        guard k + 4 <= buf.count, buf[k] == 0x30, buf[k + 1] == 0x30, buf[k + 2] == 0x35,
              buf[k + 3] | 0x20 == 0x63 else { return nil }
        return k + 4
    }

    /// Whether the quote at `q` is preceded by an odd run of backslashes (it is escaped).
    static func escapedQuote(_ buf: UnsafeBufferPointer<UInt8>, _ lo: Int, _ q: Int) -> Bool {
        var k = q - 1, count = 0
        while k >= lo && buf[k] == 0x5C { count += 1; k -= 1 }
        return count % 2 == 1
    }
}
