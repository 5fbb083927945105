/// GitHub code scanning's `primaryLocationLineHash`: the fingerprint GitHub's upload action
/// computes for a result's first line when a SARIF file does not carry one (uploads through the
/// REST API compute none, and then an alert is duplicated whenever lines move).
///
/// The published algorithm, reimplemented from its description: the file is read as UTF-16 code
/// units; spaces and tabs are skipped, CR and CRLF become one LF; a polynomial rolling hash
/// (base 37, 64-bit wrapping arithmetic) runs over windows of 100 such characters, and the hash
/// of the window starting at a line's first character is that line's hash, written as unsigned
/// hexadecimal followed by `:` and how many lines so far had the same hash. The end of the file
/// contributes one 0xFFFF character followed by zeros.
public enum LineHash {
    static let block = 100
    static let base: Int64 = 37

    /// The rolling state: a struct with mutating methods (no captured locals in the hot loop).
    struct State {
        var firstMod: Int64 = 1
        var window = [Int64](repeating: 0, count: LineHash.block)
        var lineAt = [Int](repeating: -1, count: LineHash.block)
        var hash: Int64 = 0
        var index = 0
        var lineNumber = 0
        var lineStart = true
        var prevCR = false
        var counts: [UInt64: Int] = [:]
        var out: [Int: String] = [:]
        let wanted: Set<Int>?
        /// The last wanted line: once it is emitted, later lines change nothing wanted (a line's
        /// count only looks back).
        let last: Int
        var lastEmitted = 0

        init(wanted: Set<Int>?) {
            self.wanted = wanted
            last = wanted?.max() ?? Int.max
            for _ in 0..<LineHash.block { firstMod = firstMod &* LineHash.base }
        }

        var done: Bool { lastEmitted >= last }

        mutating func emit() {
            let value = UInt64(bitPattern: hash)
            let n = counts[value, default: 0] + 1
            counts[value] = n
            let line = lineAt[index]
            if wanted?.contains(line) ?? true { out[line] = String(value, radix: 16) + ":" + String(n) }
            lastEmitted = line
            lineAt[index] = -1
        }

        @inline(__always) mutating func update(_ c: Int64) {
            let begin = window[index]
            window[index] = c
            hash = LineHash.base &* hash &+ c &- firstMod &* begin
            index += 1
            if index == LineHash.block { index = 0 }
        }

        @inline(__always) mutating func process(_ unit: UInt16) {
            var c = unit
            if c == 0x20 || c == 0x09 || (prevCR && c == 0x0A) { prevCR = false; return }
            if c == 0x0D { c = 0x0A; prevCR = true } else { prevCR = false }
            if lineAt[index] != -1 { emit() }
            if lineStart {
                lineStart = false
                lineNumber += 1
                lineAt[index] = lineNumber
            }
            if c == 0x0A { lineStart = true }
            update(Int64(c))
        }

        mutating func finish() {
            process(0xFFFF)
            for _ in 0..<LineHash.block {
                if lineAt[index] != -1 { emit() }
                update(0)
            }
        }
    }

    /// Hashes of the 1-based `lines` of `bytes` (all lines when `lines` is nil).
    public static func hashes(_ bytes: [UInt8], lines wanted: Set<Int>? = nil) -> [Int: String] {
        var st = State(wanted: wanted)
        if ByteSniff.firstInvalidUTF8(bytes) == nil {
            // Valid UTF-8: decode the UTF-16 units from the bytes directly; ASCII is its own unit.
            bytes.withUnsafeBufferPointer { b in
                var i = 0
                let n = b.count
                while i < n && !st.done {
                    let x = b[i]
                    if x < 0x80 { st.process(UInt16(x)); i += 1; continue }
                    var cp: UInt32
                    if x < 0xE0 { cp = UInt32(x & 0x1F) << 6 | UInt32(b[i + 1] & 0x3F); i += 2 }
                    else if x < 0xF0 { cp = UInt32(x & 0x0F) << 12 | UInt32(b[i + 1] & 0x3F) << 6 | UInt32(b[i + 2] & 0x3F); i += 3 }
                    else {
                        cp = UInt32(x & 0x07) << 18 | UInt32(b[i + 1] & 0x3F) << 12 | UInt32(b[i + 2] & 0x3F) << 6 | UInt32(b[i + 3] & 0x3F)
                        i += 4
                    }
                    if cp < 0x10000 {
                        st.process(UInt16(cp))
                    } else {
                        let v = cp - 0x10000
                        st.process(UInt16(0xD800 + (v >> 10)))
                        if st.done { break }
                        st.process(UInt16(0xDC00 + (v & 0x3FF)))
                    }
                }
            }
        } else {
            // Invalid UTF-8: the units of the repaired string (each bad sequence is U+FFFD).
            for u in String(decoding: bytes, as: UTF8.self).utf16 {
                st.process(u)
                if st.done { break }
            }
        }
        if !st.done { st.finish() }
        return st.out
    }
}
