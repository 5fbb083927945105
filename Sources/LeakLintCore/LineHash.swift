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

    /// Hashes of the 1-based `lines` of `bytes` (all lines when `lines` is nil).
    public static func hashes(_ bytes: [UInt8], lines wanted: Set<Int>? = nil) -> [Int: String] {
        var firstMod: Int64 = 1
        for _ in 0..<block { firstMod = firstMod &* base }
        var window = [Int64](repeating: 0, count: block)
        var lineAt = [Int](repeating: -1, count: block)
        var hash: Int64 = 0
        var index = 0
        var lineNumber = 0
        var lineStart = true
        var prevCR = false
        var counts: [UInt64: Int] = [:]
        var out: [Int: String] = [:]

        func emit() {
            let value = UInt64(bitPattern: hash)
            counts[value, default: 0] += 1
            let line = lineAt[index]
            if wanted?.contains(line) ?? true { out[line] = String(value, radix: 16) + ":" + String(counts[value]!) }
            lineAt[index] = -1
        }
        func update(_ c: Int64) {
            let begin = window[index]
            window[index] = c
            hash = base &* hash &+ c &- firstMod &* begin
            index = (index + 1) % block
        }
        func process(_ unit: UInt16) {
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

        for u in String(decoding: bytes, as: UTF8.self).utf16 { process(u) }
        process(0xFFFF)
        for _ in 0..<block {
            if lineAt[index] != -1 { emit() }
            update(0)
        }
        return out
    }
}
