#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One file's bytes and its line table. Positions stay byte offsets until a finding is
/// reported; `position(of:)` turns an offset into a 1-based line and column only then. The
/// line table itself is built on first use: most files of a scan never report a position.
public struct SourceFile: Sendable {
    /// Path relative to the scan root, with `/` separators (what every reporter prints).
    public let path: String
    private let store: ByteStore
    private let table = LineTable()

    /// The raw bytes, exactly as read (BOM and CRLF included).
    public var bytes: [UInt8] { store.bytes }

    public init(path: String, bytes: [UInt8]) {
        self.path = path
        self.store = ByteStore(bytes)
    }

    /// A file whose bytes were read and analysed, and are not kept: `load` reads them again the
    /// first time they are asked for (a scan keeps every file's facts, but only the few files a
    /// finding points into need their text again: keeping them all made a scan's memory, and
    /// its page faults, half as big again). `count` is the byte count first read: bytes read
    /// again that are not as many (the file changed since) are replaced by as many spaces, so
    /// every offset the facts hold stays inside them.
    public init(path: String, count: Int, load: @escaping @Sendable () -> [UInt8]?) {
        self.path = path
        self.store = ByteStore(count: count, load: load)
    }

    /// Byte offset of the first byte of every line. `lineStarts[0] == 0`.
    public var lineStarts: [Int] { table.starts(bytes) }

    /// Lines: 1 + line terminators (LF, CR, CRLF once). Counted without building the table.
    public var lineCount: Int { table.count(bytes) }

    /// Byte offsets of every line start.
    static func computeLineStarts(_ bytes: [UInt8]) -> [Int] {
        var starts = [0]
        starts.reserveCapacity(bytes.count / 32 + 1)
        bytes.withUnsafeBufferPointer { buf in
            let n = buf.count
            guard let base = buf.baseAddress else { return }
            // Without a CR, every line ends at an LF: let the C library's vectorised memchr find them.
            if memchr(base, 0x0D, n) == nil {
                var i = 0
                while i < n, let q = memchr(base + i, 0x0A, n - i) {
                    i = UnsafeRawPointer(q) - UnsafeRawPointer(base) + 1
                    starts.append(i)
                }
                return
            }
            var i = 0
            while i < n {
                let b = buf[i]
                if b == 0x0A {
                    starts.append(i + 1)
                } else if b == 0x0D {
                    // A lone CR ends a line too; CRLF counts once.
                    if i + 1 < n && buf[i + 1] == 0x0A { i += 1 }
                    starts.append(i + 1)
                }
                i += 1
            }
        }
        return starts
    }

    /// `computeLineStarts(bytes).count`, counted without building the table.
    static func countLines(_ bytes: [UInt8]) -> Int {
        bytes.withUnsafeBufferPointer { buf in
            let n = buf.count
            guard let base = buf.baseAddress else { return 1 }
            var lf = 0, i = 0
            while i < n, let q = memchr(base + i, 0x0A, n - i) {
                i = UnsafeRawPointer(q) - UnsafeRawPointer(base) + 1
                lf += 1
            }
            guard memchr(base, 0x0D, n) != nil else { return lf + 1 }
            // CRs: a lone CR is a terminator, a CRLF is one already counted.
            var lone = 0
            for k in 0..<n where buf[k] == 0x0D && (k + 1 == n || buf[k + 1] != 0x0A) { lone += 1 }
            return lf + lone + 1
        }
    }

    /// 0-based line index holding `offset`.
    public func lineIndex(of offset: Int) -> Int {
        SourceFile.lineIndex(of: offset, in: lineStarts)
    }

    static func lineIndex(of offset: Int, in starts: [Int]) -> Int {
        var lo = 0, hi = starts.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if starts[mid] <= offset { lo = mid } else { hi = mid - 1 }
        }
        return lo
    }

    /// 1-based line and 1-based column counted in Unicode code points (SARIF `unicodeCodePoints`).
    /// A UTF-8 BOM at the start of the file is not counted as a column.
    public func position(of offset: Int) -> (line: Int, column: Int) {
        let clamped = max(0, min(offset, bytes.count))
        let starts = lineStarts
        let li = SourceFile.lineIndex(of: clamped, in: starts)
        var start = starts[li]
        if li == 0 && bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF {
            start = min(3, clamped)
        }
        var col = 1
        var i = start
        while i < clamped {
            // Count lead bytes only: continuation bytes (10xxxxxx) belong to the code point before.
            if bytes[i] & 0xC0 != 0x80 { col += 1 }
            i += 1
        }
        return (li + 1, col)
    }

    /// Offset just past the last byte of the line holding `offset`, line terminator excluded.
    public func lineEnd(of offset: Int) -> Int {
        let starts = lineStarts
        let li = SourceFile.lineIndex(of: offset, in: starts)
        var end = li + 1 < starts.count ? starts[li + 1] : bytes.count
        while end > starts[li] && (bytes[end - 1] == 0x0A || bytes[end - 1] == 0x0D) { end -= 1 }
        return end
    }

    /// The text of a byte range, decoded leniently (invalid UTF-8 becomes U+FFFD).
    public func text(_ range: Range<Int>) -> String {
        let lo = max(0, min(range.lowerBound, bytes.count))
        let hi = max(lo, min(range.upperBound, bytes.count))
        return String(decoding: bytes[lo..<hi], as: UTF8.self)
    }

    /// The text of the whole line holding `offset`, without its terminator.
    public func lineText(of offset: Int) -> String {
        let li = lineIndex(of: offset)
        return text(lineStarts[li]..<lineEnd(of: offset))
    }
}

/// A byte range in one file. The path string is shared, not copied, across facts.
public struct SourceRef: Sendable, Hashable, Comparable, Codable {
    public var path: String
    public var start: Int
    public var end: Int

    public init(path: String, start: Int, end: Int) {
        self.path = path
        self.start = start
        self.end = max(start, end)
    }

    public static func < (a: SourceRef, b: SourceRef) -> Bool {
        if a.path != b.path { return a.path < b.path }
        if a.start != b.start { return a.start < b.start }
        return a.end < b.end
    }
}

/// Quick content checks shared by every front end.
public enum ByteSniff {
    /// True when the bytes look like a binary file (a NUL byte in the first 8 KiB).
    public static func looksBinary(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBufferPointer { buf in
            let n = min(buf.count, 8192)
            guard let base = buf.baseAddress else { return false }
            let raw = UnsafeRawPointer(base)
            var i = 0
            while i + 8 <= n {
                if SWAR.hasByte(raw.loadUnaligned(fromByteOffset: i, as: UInt64.self), 0) { return true }
                i += 8
            }
            while i < n {
                if buf[i] == 0 { return true }
                i += 1
            }
            return false
        }
    }

    /// The generated-file markers, lower case (`looksGenerated` compares without case).
    static let generatedMarkers: [StaticString] = ["do not edit", "code generated", "autogenerated", "auto-generated", "@generated"]
    /// The shortest marker's length.
    static let markerWindow = generatedMarkers.map(\.utf8CodeUnitCount).min()!
    /// Per byte (either case): 0 when some marker has it at `markerWindow - 1` (a window ending
    /// in it is compared), else how far a window ending in it can move on without passing a
    /// marker: the least distance from any earlier position of that byte in a marker to the
    /// window's end (`markerWindow` for a byte no marker has there).
    nonisolated(unsafe) static let markerShift: UnsafePointer<UInt8> = {
        let t = UnsafeMutablePointer<UInt8>.allocate(capacity: 256)
        t.initialize(repeating: UInt8(markerWindow), count: 256)
        func set(_ b: UInt8, _ v: Int) {
            for c in [b, b >= 0x61 && b <= 0x7A ? b - 0x20 : b] where Int(t[Int(c)]) > v { t[Int(c)] = UInt8(v) }
        }
        for m in generatedMarkers {
            let p = m.utf8Start
            for j in 0..<markerWindow { set(p[j], markerWindow - 1 - j) }
        }
        return UnsafePointer(t)
    }()

    /// True when the file says it is generated by a tool: a comment before its first line of code
    /// (a `#!` line, blank lines and `//`, `/* … */` or `#` comments skipped; the first 16 KiB
    /// read) holds one of the markers generators write — Go's `Code generated … DO NOT EDIT.`,
    /// protoc's `Generated by the protocol buffer compiler.  DO NOT EDIT!`, JavaCC's `Do not edit
    /// this line`, `@generated`, `autogenerated` / `auto-generated` — compared without case.
    /// Hand-written headers (licences, authors) do not use these words.
    public static func looksGenerated(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBufferPointer { buf in
            let n = min(buf.count, 16_384)
            var i = 0
            /// Whether `buf[lo..<hi]` holds a marker. Licence headers are long: windows of the
            /// shortest marker's length are skipped along by their last byte (Horspool's rule
            /// over all the markers, `markerShift`), and only a window ending in a byte some
            /// marker has there is compared.
            func marked(_ lo: Int, _ hi: Int) -> Bool {
                let shift = markerShift, window = markerWindow, markers = generatedMarkers
                var k = lo
                while k + window <= hi {
                    let s = Int(shift[Int(buf[k + window - 1])])
                    if s == 0 {
                        let c = buf[k] >= 0x41 && buf[k] <= 0x5A ? buf[k] | 0x20 : buf[k]
                        for m in markers where m.utf8Start[0] == c && matches(k, hi, m) { return true }
                        k += 1
                    } else {
                        k += s
                    }
                }
                return false
            }
            /// Whether `buf[k...]` starts with `word` (lower case ASCII), ignoring case.
            func matches(_ k: Int, _ hi: Int, _ word: StaticString) -> Bool {
                let m = word.utf8CodeUnitCount
                guard k + m <= hi else { return false }
                let w = word.utf8Start
                for j in 0..<m {
                    let c = buf[k + j]
                    let lower = c >= 65 && c <= 90 ? c | 0x20 : c
                    if lower != w[j] { return false }
                }
                return true
            }
            while i < n {
                let c = buf[i]
                if c == 32 || c == 9 || c == 10 || c == 13 || c == 0xEF || c == 0xBB || c == 0xBF { i += 1; continue }
                if c == UInt8(ascii: "/") && i + 1 < n && buf[i + 1] == UInt8(ascii: "/")
                    || c == UInt8(ascii: "#") && (i == 0 || buf[i - 1] == 10) {
                    // A line comment (`#` only at the start of a line: `#!`, a shell-style header).
                    let e = SWAR.find(10, in: buf, from: i, end: n)
                    if marked(i, e) { return true }
                    i = e
                    continue
                }
                if c == UInt8(ascii: "/") && i + 1 < n && buf[i + 1] == UInt8(ascii: "*") {
                    // The first `*/` (or the end of the window).
                    var e = i + 2
                    while true {
                        e = SWAR.find(UInt8(ascii: "*"), in: buf, from: e, end: n)
                        if e + 1 >= n || buf[e + 1] == UInt8(ascii: "/") { break }
                        e += 1
                    }
                    if e + 1 >= n { e = n - 1 }
                    if marked(i, min(n, e + 2)) { return true }
                    i = e + 2
                    continue
                }
                return false
            }
            return false
        }
    }

    /// Offset of the first invalid UTF-8 sequence, or nil when the bytes are valid UTF-8.
    public static func firstInvalidUTF8(_ bytes: [UInt8]) -> Int? {
        bytes.withUnsafeBufferPointer { firstInvalidUTF8($0) }
    }

    /// `firstInvalidUTF8` over a buffer; ASCII runs are skipped 8 bytes at a time.
    public static func firstInvalidUTF8(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        var i = 0
        let n = bytes.count
        guard let base = bytes.baseAddress else { return nil }
        let raw = UnsafeRawPointer(base)
        while i < n {
            while i + 8 <= n && raw.loadUnaligned(fromByteOffset: i, as: UInt64.self) & 0x8080_8080_8080_8080 == 0 { i += 8 }
            guard i < n else { break }
            let b = bytes[i]
            if b < 0x80 { i += 1; continue }
            var need = 0
            var minCP: UInt32 = 0
            var cp: UInt32 = 0
            if b & 0xE0 == 0xC0 { need = 1; cp = UInt32(b & 0x1F); minCP = 0x80 }
            else if b & 0xF0 == 0xE0 { need = 2; cp = UInt32(b & 0x0F); minCP = 0x800 }
            else if b & 0xF8 == 0xF0 { need = 3; cp = UInt32(b & 0x07); minCP = 0x10000 }
            else { return i }
            if i + need >= n { return i }
            var k = 1
            while k <= need {
                let c = bytes[i + k]
                if c & 0xC0 != 0x80 { return i }
                cp = (cp << 6) | UInt32(c & 0x3F)
                k += 1
            }
            if cp < minCP || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF) { return i }
            i += need + 1
        }
        return nil
    }
}

/// Manually managed buffers (the tokenizers' token, comment and bracket-stack buffers).
public enum RawBuffer {
    /// Doubles `buffer`, which holds `count` initialised elements in room for `capacity`: the
    /// elements move to a new allocation twice the size, and the old one is freed.
    @inlinable public static func grow<T>(_ buffer: inout UnsafeMutablePointer<T>, count: Int, capacity: inout Int) {
        let bigger = UnsafeMutablePointer<T>.allocate(capacity: capacity * 2)
        bigger.moveInitialize(from: buffer, count: count)
        buffer.deallocate()
        buffer = bigger
        capacity *= 2
    }
}

/// Eight bytes at a time.
public enum SWAR {
    /// Whether any byte of `v` equals `b` (the classic "has zero byte" test on `v ^ b…b`).
    @inlinable @inline(__always) public static func hasByte(_ v: UInt64, _ b: UInt8) -> Bool {
        let x = v ^ (0x0101_0101_0101_0101 &* UInt64(b))
        return (x &- 0x0101_0101_0101_0101) & ~x & 0x8080_8080_8080_8080 != 0
    }

    /// The first index in `from..<end` whose byte is `b`, or `end`; 8 bytes per step.
    @inlinable public static func find(_ b: UInt8, in buf: UnsafeBufferPointer<UInt8>, from: Int, end: Int) -> Int {
        var i = from
        if let base = buf.baseAddress {
            let raw = UnsafeRawPointer(base)
            while i + 8 <= end && !hasByte(raw.loadUnaligned(fromByteOffset: i, as: UInt64.self), b) { i += 8 }
        }
        while i < end && buf[i] != b { i += 1 }
        return i
    }
}

/// A file's bytes: given, or read again on first use (see `SourceFile.init(path:count:load:)`).
final class ByteStore: @unchecked Sendable {
    /// Set once, in `init` (given bytes) or under `mutex` (read again).
    private var loaded: [UInt8]?
    private let mutex: PosixMutex?
    private let count: Int
    private let load: (@Sendable () -> [UInt8]?)?

    init(_ bytes: [UInt8]) {
        loaded = bytes
        mutex = nil
        count = bytes.count
        load = nil
    }

    init(count: Int, load: @escaping @Sendable () -> [UInt8]?) {
        loaded = nil
        mutex = PosixMutex()
        self.count = count
        self.load = load
    }

    var bytes: [UInt8] {
        guard let mutex else { return loaded! }
        return mutex.withLock {
            if let b = loaded { return b }
            var b = load?() ?? []
            if b.count != count { b = [UInt8](repeating: 0x20, count: count) }
            loaded = b
            return b
        }
    }
}

/// A file's line table, built once on first use; shared by copies of the `SourceFile` and
/// safe to read from several threads.
final class LineTable: @unchecked Sendable {
    private let mutex = PosixMutex()
    private var cachedStarts: [Int]?
    private var cachedCount: Int?

    func starts(_ bytes: [UInt8]) -> [Int] {
        mutex.withLock {
            if let s = cachedStarts { return s }
            let s = SourceFile.computeLineStarts(bytes)
            cachedStarts = s
            return s
        }
    }

    func count(_ bytes: [UInt8]) -> Int {
        mutex.withLock {
            if let s = cachedStarts { return s.count }
            if let c = cachedCount { return c }
            let c = SourceFile.countLines(bytes)
            cachedCount = c
            return c
        }
    }
}
