import Foundation
import LeakLintCore

/// `--changed-since REV`: the lines a change added or modified, from
/// `git diff --unified=0 REV` (the work tree against REV, so uncommitted edits count too).
/// Whole scopes are still analysed; only findings whose primary location touches a changed
/// line are reported.
public struct ChangedLines: Sendable, Equatable {
    /// Root-relative path → sorted, non-overlapping 1-based line ranges (new side of the diff).
    public var lines: [String: [ClosedRange<Int>]]

    public init(lines: [String: [ClosedRange<Int>]] = [:]) { self.lines = lines }

    /// The changed files.
    public var files: Set<String> { Set(lines.keys) }

    /// Whether any line of `start...end` in `path` was added or modified.
    public func touches(_ path: String, start: Int, end: Int) -> Bool {
        guard let ranges = lines[path] else { return false }
        let hi = max(start, end)
        for r in ranges where r.lowerBound <= hi && start <= r.upperBound { return true }
        return false
    }

    /// Whether a finding's primary location is on a changed line.
    public func contains(_ f: Finding) -> Bool {
        touches(f.location.path, start: f.location.region.startLine, end: f.location.region.endLine)
    }

    /// Runs git for `rev` in the work tree holding `root`; paths made root-relative.
    public static func since(_ rev: String, root: String) throws -> ChangedLines {
        if rev.isEmpty || rev.hasPrefix("-") { throw GitError("--changed-since needs a revision, not '\(rev)'") }
        let top = try Git.topLevel(of: root)
        do {
            _ = try Git.run(["rev-parse", "--verify", "--quiet", rev + "^{commit}"], in: top)
        } catch let e as GitError where !e.description.hasPrefix("git is not") {
            throw GitError("unknown revision '\(rev)' (in a CI checkout, fetch it first: `git fetch --depth=1 origin \(rev)`, or use a full clone)")
        }
        let diff = try Git.run(["diff", "--unified=0", "--no-color", "--no-ext-diff", "--no-renames",
                                "--src-prefix=a/", "--dst-prefix=b/", rev, "--"], in: top)
        let parsed = parse(diff: diff)
        var out: [String: [ClosedRange<Int>]] = [:]
        for (p, r) in parsed.lines {
            if let rel = Git.rootRelative(p, topLevel: top, root: root) { out[rel] = r }
        }
        return ChangedLines(lines: out)
    }

    // MARK: - Parsing a unified diff

    /// Parses `git diff --unified=0` output: `+++ b/PATH` names the new file (`/dev/null` for a
    /// deletion), each `@@ -a,b +c,d @@` hunk adds lines `c ..< c+d` (d defaults to 1; 0 is a
    /// pure deletion, which changes no line of the new file).
    public static func parse(diff: [UInt8]) -> ChangedLines {
        var out: [String: [ClosedRange<Int>]] = [:]
        var current: String?
        var i = 0
        let n = diff.count
        while i < n {
            var j = i
            while j < n && diff[j] != 0x0A { j += 1 }
            let line = diff[i..<j]
            i = j + 1
            if line.starts(with: Array("+++ ".utf8)) {
                let rest = Array(line.dropFirst(4))
                current = newPath(rest)
                if let c = current, out[c] == nil { out[c] = [] }
            } else if line.starts(with: Array("diff --git ".utf8)) {
                current = nil
            } else if line.starts(with: Array("@@ ".utf8)), let c = current,
                      let (start, count) = newRange(Array(line)) {
                if count > 0 { out[c, default: []].append(start...(start + count - 1)) }
            }
        }
        var merged: [String: [ClosedRange<Int>]] = [:]
        for (p, ranges) in out where !ranges.isEmpty {
            var m: [ClosedRange<Int>] = []
            for r in ranges.sorted(by: { $0.lowerBound < $1.lowerBound }) {
                if let last = m.last, r.lowerBound <= last.upperBound + 1 {
                    m[m.count - 1] = last.lowerBound...max(last.upperBound, r.upperBound)
                } else {
                    m.append(r)
                }
            }
            merged[p] = m
        }
        return ChangedLines(lines: merged)
    }

    /// `b/path`, `"b/p\"ath"` or `/dev/null` (with an optional trailing tab + timestamp).
    static func newPath(_ b: [UInt8]) -> String? {
        var bytes = b
        if bytes.last == 0x0D { bytes.removeLast() }
        if bytes.first == UInt8(ascii: "\"") {
            bytes = unquote(bytes)
        } else if let tab = bytes.firstIndex(of: 0x09) {
            bytes = Array(bytes[..<tab])
        }
        let s = String(decoding: bytes, as: UTF8.self)
        if s == "/dev/null" { return nil }
        return s.hasPrefix("b/") ? String(s.dropFirst(2)) : s
    }

    /// git's C-style quoting: `\"`, `\\`, `\t`, `\n`, `\ooo` octal bytes.
    static func unquote(_ b: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        var i = 1
        while i < b.count {
            let c = b[i]
            if c == UInt8(ascii: "\"") { break }
            if c == UInt8(ascii: "\\"), i + 1 < b.count {
                let e = b[i + 1]
                switch e {
                case UInt8(ascii: "n"): out.append(0x0A); i += 2
                case UInt8(ascii: "t"): out.append(0x09); i += 2
                case UInt8(ascii: "0")...UInt8(ascii: "7"):
                    var v = 0, k = i + 1
                    while k < b.count, k < i + 4, (UInt8(ascii: "0")...UInt8(ascii: "7")).contains(b[k]) {
                        v = v * 8 + Int(b[k] - UInt8(ascii: "0")); k += 1
                    }
                    out.append(UInt8(truncatingIfNeeded: v)); i = k
                default: out.append(e); i += 2
                }
                continue
            }
            out.append(c)
            i += 1
        }
        return out
    }

    /// `+c,d` of a hunk header; nil when malformed.
    static func newRange(_ line: [UInt8]) -> (Int, Int)? {
        guard let plus = line.firstIndex(of: UInt8(ascii: "+")) else { return nil }
        var i = plus + 1
        func number() -> Int? {
            var v = 0, digits = 0
            while i < line.count, line[i] >= 0x30, line[i] <= 0x39, digits < 10 {
                v = v * 10 + Int(line[i] - 0x30); i += 1; digits += 1
            }
            return digits == 0 ? nil : v
        }
        guard let start = number() else { return nil }
        var count = 1
        if i < line.count, line[i] == UInt8(ascii: ",") {
            i += 1
            guard let c = number() else { return nil }
            count = c
        }
        return (start, count)
    }
}
