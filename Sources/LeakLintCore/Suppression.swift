/// Parses `leaklint:ignore RULE[,RULE…] -- reason` out of a comment's text. Every front end
/// hands its comments here, so the directive means the same thing in all four languages.
public enum SuppressionDirective {
    static let marker = Array("leaklint:ignore".utf8)   // `mentions` relies on the `:` at index 8

    /// Fast pre-check on raw comment bytes.
    public static func mentions(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Bool {
        let m = marker
        guard range.count >= m.count else { return false }
        // Search for the marker's `:` (rare in prose, unlike its letters) 8 bytes at a time, then
        // compare the whole marker around it.
        let pivot = 8
        var i = range.lowerBound + pivot
        let last = range.upperBound - m.count + pivot
        while i <= last {
            i = SWAR.find(m[pivot], in: bytes, from: i, end: last + 1)
            guard i <= last else { return false }
            let start = i - pivot
            var k = 0
            while k < m.count && bytes[start + k] == m[k] { k += 1 }
            if k == m.count { return true }
            i += 1
        }
        return false
    }

    /// Returns the rule ids and the reason (nil when none was written), or nil when the text
    /// holds no directive.
    public static func parse(_ comment: String) -> (rules: [String], reason: String?)? {
        let b = Array(comment.utf8)
        guard let at = find(marker, in: b, from: 0) else { return nil }
        var restEnd = b.count
        if let close = find(Array("*/".utf8), in: b, from: at) { restEnd = close }
        let restStart = at + marker.count
        var reason: String? = nil
        var rulesEnd = restEnd
        if let dash = find(Array("--".utf8), in: Array(b[0..<restEnd]), from: restStart) {
            let why = String(decoding: b[(dash + 2)..<restEnd], as: UTF8.self)[...].trimmingSpaces()
            reason = why.isEmpty ? nil : why
            rulesEnd = dash
        }
        var rules: [String] = []
        var current: [UInt8] = []
        for c in b[restStart..<rulesEnd] {
            if c == UInt8(ascii: ",") || c == 0x20 || c == 0x09 || c == 0x0D || c == 0x0A {
                if !current.isEmpty { rules.append(String(decoding: current, as: UTF8.self)); current = [] }
            } else {
                current.append(c)
            }
        }
        if !current.isEmpty { rules.append(String(decoding: current, as: UTF8.self)) }
        return (rules, reason)
    }

    static func find(_ needle: [UInt8], in hay: [UInt8], from: Int) -> Int? {
        guard needle.count <= hay.count else { return nil }
        var i = from
        while i + needle.count <= hay.count {
            if hay[i] == needle[0] {
                var k = 1
                while k < needle.count && hay[i + k] == needle[k] { k += 1 }
                if k == needle.count { return i }
            }
            i += 1
        }
        return nil
    }
}

extension Substring {
    func trimmingSpaces() -> String {
        var s = self[...]
        while let f = s.first, f == " " || f == "\t" || f == "\r" || f == "\n" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" || l == "\r" || l == "\n" { s = s.dropLast() }
        return String(s)
    }
}

/// Byte-level text helpers shared by the hand-written front ends.
public enum ByteText {
    /// Whether `needle` occurs in `haystack`, compared byte by byte (no Unicode processing: the
    /// texts are folded source code).
    public static func contains(_ haystack: String, _ needle: String) -> Bool {
        var h = haystack, n = needle
        return h.withUTF8 { hb in n.withUTF8 { nb in contains(hb, nb) } }
    }

    /// `contains` over bytes; candidates for the first byte are found 8 bytes at a time.
    public static func contains(_ hb: UnsafeBufferPointer<UInt8>, _ nb: UnsafeBufferPointer<UInt8>) -> Bool {
        let m = nb.count
        guard m > 0 else { return true }
        guard hb.count >= m else { return false }
        let first = nb[0]
        let last = hb.count - m
        var i = 0
        while i <= last {
            i = SWAR.find(first, in: hb, from: i, end: last + 1)
            guard i <= last else { return false }
            var k = 1
            while k < m && hb[i + k] == nb[k] { k += 1 }
            if k == m { return true }
            i += 1
        }
        return false
    }

    /// The bytes of `range` as a String with every run of whitespace folded to one space and
    /// the ends trimmed, cut to `limit` bytes.
    public static func folded(_ buf: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, limit: Int = 240) -> String {
        guard limit > 0, range.count > 0 else { return "" }
        // Folding only shrinks; a pending space before the last byte may take one past `limit`.
        let cap = min(range.count, limit + 1)
        // Fold into a scratch buffer (on the stack when small), then make the one String.
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: cap) { out -> String in
            var n = 0
            var pendingSpace = false
            var i = range.lowerBound
            while i < range.upperBound && n < limit {
                let b = buf[i]
                if b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D {
                    pendingSpace = n > 0
                } else {
                    if pendingSpace { out[n] = 0x20; n += 1; pendingSpace = false }
                    out[n] = b; n += 1
                }
                i += 1
            }
            return String(decoding: UnsafeBufferPointer(rebasing: out[0..<n]), as: UTF8.self)
        }
    }

    /// Whether `s` (ASCII) matches the glob `pattern` with `*` (any run) and `?` (one byte).
    public static func glob(_ pattern: String, _ s: String) -> Bool {
        var pattern = pattern, s = s
        // Native strings are contiguous UTF-8: match on their bytes without copying.
        return pattern.withUTF8 { p in s.withUTF8 { t in glob(p, t) } }
    }

    /// `glob` over bytes.
    public static func glob(_ p: UnsafeBufferPointer<UInt8>, _ t: UnsafeBufferPointer<UInt8>) -> Bool {
        var pi = 0, ti = 0, star = -1, mark = 0
        while ti < t.count {
            if pi < p.count && (p[pi] == UInt8(ascii: "?") || p[pi] == t[ti]) {
                pi += 1; ti += 1
            } else if pi < p.count && p[pi] == UInt8(ascii: "*") {
                star = pi; mark = ti; pi += 1
            } else if star >= 0 {
                pi = star + 1; mark += 1; ti = mark
            } else {
                return false
            }
        }
        while pi < p.count && p[pi] == UInt8(ascii: "*") { pi += 1 }
        return pi == p.count
    }
}

/// Conditions that cap a container's own size, read on folded condition text (the Go and
/// Swift front ends; Java reads its tokens).
public enum SizeCap {
    /// Whether `condition` compares `measure` (`len(s.items)`, `items.count`) as a cap:
    /// `measure < n`, `measure <= n`, `n > measure`, `n >= measure` — growth under it stays
    /// below `n`. `atCap`: the mirror, a condition that holds once the container is full
    /// (`measure >= n`, `measure > n`, `n <= measure`, `n < measure`), for an early exit before
    /// the growth. `measure` must not be the tail of a longer name (`items.count` does not
    /// match `oldItems.count`; a receiver before it, `self.items.count`, is read as part of
    /// it). A `||` in a cap, or an `&&` in an early exit, lets the growth
    /// run past it: false.
    public static func caps(_ condition: String, _ measure: String, atCap: Bool) -> Bool {
        let c = Array(condition.utf8), m = Array(measure.utf8)
        guard !m.isEmpty, c.count >= m.count else { return false }
        let veto: UInt8 = atCap ? 0x26 : 0x7C  // `&&` / `||`
        for k in 0..<(c.count - 1) where c[k] == veto && c[k + 1] == veto { return false }
        var i = 0
        while i + m.count <= c.count {
            defer { i += 1 }
            guard c[i..<(i + m.count)].elementsEqual(m) else { continue }
            if i > 0 && isNameByte(c[i - 1]) { continue }
            // The operator after the measure: `<`, `<=` (small side) or `>`, `>=` (large side).
            var a = i + m.count
            if a < c.count && c[a] == 0x20 { a += 1 }
            if a < c.count, c[a] == 0x3C || c[a] == 0x3E {
                let next: UInt8 = a + 1 < c.count ? c[a + 1] : 0x20
                if next != c[a] && next != 0x2D {  // not `<<`, `>>`, `<-`
                    if (c[a] == 0x3C) != atCap { return true }
                }
            }
            // The operator before it (and before a receiver chain: `self.items.count`): `>`,
            // `>=` (small side) or `<`, `<=` (large side).
            var b = i - 1
            while b >= 0 && (c[b] == 0x2E || isNameByte(c[b])) { b -= 1 }
            if b >= 0 && c[b] == 0x20 { b -= 1 }
            if b >= 0 && c[b] == 0x3D { b -= 1 }
            if b >= 0, c[b] == 0x3C || c[b] == 0x3E {
                let prev: UInt8 = b > 0 ? c[b - 1] : 0x20
                if prev != c[b] && prev != 0x2D && prev != 0x3D {  // not `<<`, `->`, `=>`/`==`
                    if (c[b] == 0x3E) != atCap { return true }
                }
            }
        }
        return false
    }

    @inline(__always) static func isNameByte(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || (b | 0x20 >= 0x61 && b | 0x20 <= 0x7A) || b == 0x5F
    }
}
