#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import LeakLintCore

/// `--fix` / `--unsafe-fixes`: applies the byte-range edits of fixes in place.
///
/// - Only reported findings (not suppressed in source or by the baseline) with complete edits;
///   `safe` fixes, plus `unsafe` ones when asked; `display-only` never.
/// - A fix is all or nothing: it is skipped when any of its edits is out of range or overlaps
///   an edit already accepted (two insertions at the same offset overlap unless identical,
///   identical edits from two findings are applied once). Fixes are taken in path / offset
///   order, so the outcome is deterministic.
/// - Each file is rewritten once, edits applied bottom-up, atomically (temporary file in the
///   same directory, same permissions, then a rename). A file no accepted fix edits is never
///   opened for writing.
public enum FixApplier {
    /// One applied fix.
    public struct Applied: Sendable, Hashable {
        public var path: String
        public var line: Int
        public var ruleID: String
        public var description: String
        public var finding: Finding
    }

    /// One fix left out, and why.
    public struct Skipped: Sendable, Hashable {
        public var finding: Finding
        public var reason: String
    }

    public struct Outcome: Sendable {
        public var applied: [Applied] = []
        public var skipped: [Skipped] = []
        /// Root-relative paths rewritten.
        public var filesWritten: [String] = []
        /// Files that could not be read or written (path, message).
        public var errors: [String] = []
    }

    /// Whether a finding's fix is eligible.
    public static func eligible(_ f: Finding, unsafe: Bool) -> Bool {
        guard f.suppression == nil, let fix = f.fix, !fix.edits.isEmpty else { return false }
        switch fix.applicability {
        case .safe: return true
        case .unsafe: return unsafe
        case .displayOnly: return false
        }
    }

    /// Chooses the fixes to apply given each file's current bytes (`contents(path)`; nil =
    /// unreadable). Pure: returns the accepted edits per file and the outcome lists.
    public static func plan(_ findings: [Finding], unsafe: Bool, contents: (String) -> [UInt8]?)
        -> (edits: [String: [TextEdit]], applied: [Applied], skipped: [Skipped]) {
        var accepted: [String: [TextEdit]] = [:]
        var applied: [Applied] = []
        var skipped: [Skipped] = []
        var sizes: [String: Int?] = [:]
        let candidates = findings.filter { eligible($0, unsafe: unsafe) }.sorted { a, b in
            let ea = a.fix!.edits.min { ($0.path, $0.start) < ($1.path, $1.start) }!
            let eb = b.fix!.edits.min { ($0.path, $0.start) < ($1.path, $1.start) }!
            return (ea.path, ea.start, ea.end, a.ruleID, a.symbol) < (eb.path, eb.start, eb.end, b.ruleID, b.symbol)
        }
        for f in candidates {
            let edits = f.fix!.edits
            var ok = true
            var reason = ""
            var fresh: [TextEdit] = []
            for e in edits {
                if sizes[e.path] == nil { sizes[e.path] = contents(e.path)?.count }
                guard let size = sizes[e.path] ?? nil else { ok = false; reason = "\(e.path) cannot be read"; break }
                guard e.start >= 0, e.start <= e.end, e.end <= size else {
                    ok = false; reason = "an edit lies outside \(e.path) (the file changed since it was scanned?)"; break
                }
                let others = (accepted[e.path] ?? []) + fresh
                if others.contains(where: { same($0, e) }) { continue }
                if others.contains(where: { overlaps($0, e) }) {
                    ok = false; reason = "overlaps a fix already applied in \(e.path)"; break
                }
                fresh.append(e)
            }
            if !ok { skipped.append(Skipped(finding: f, reason: reason)); continue }
            for e in fresh { accepted[e.path, default: []].append(e) }
            let first = edits.min { ($0.path, $0.start) < ($1.path, $1.start) }!
            applied.append(Applied(path: first.path, line: first.region?.startLine ?? f.location.region.startLine,
                                   ruleID: f.ruleID, description: f.fix!.description, finding: f))
        }
        return (accepted, applied, skipped)
    }

    static func same(_ a: TextEdit, _ b: TextEdit) -> Bool {
        a.path == b.path && a.start == b.start && a.end == b.end && a.replacement == b.replacement
    }

    static func overlaps(_ a: TextEdit, _ b: TextEdit) -> Bool {
        guard a.path == b.path else { return false }
        if a.start == a.end && b.start == b.end { return a.start == b.start }
        if a.start == a.end { return b.start < a.start && a.start < b.end }
        if b.start == b.end { return a.start < b.start && b.start < a.end }
        return a.start < b.end && b.start < a.end
    }

    /// `bytes` with `edits` (non-overlapping) applied bottom-up.
    public static func apply(_ edits: [TextEdit], to bytes: [UInt8]) -> [UInt8] {
        var out = bytes
        // Later offsets first; among insertions at one offset keep their given order.
        let ordered = edits.enumerated().sorted { a, b in
            a.element.start != b.element.start ? a.element.start > b.element.start : a.offset > b.offset
        }
        for (_, e) in ordered {
            out.replaceSubrange(e.start..<e.end, with: Array(e.replacement.utf8))
        }
        return out
    }

    /// Plans and writes the fixes of `findings` under `root` (paths are root-relative).
    public static func run(_ findings: [Finding], root: String, unsafe: Bool) -> Outcome {
        var cache: [String: [UInt8]] = [:]
        var readErrors: [String] = []
        let plan = plan(findings, unsafe: unsafe) { path in
            if let c = cache[path] { return c }
            guard let b = try? Paths.readBytes(Paths.absolute(path, cwd: root)) else {
                readErrors.append(path); return nil
            }
            cache[path] = b
            return b
        }
        var outcome = Outcome(applied: [], skipped: plan.skipped)
        var failed: Set<String> = []
        for path in plan.edits.keys.sorted() {
            guard let edits = plan.edits[path], !edits.isEmpty, let bytes = cache[path] else { continue }
            let fixed = apply(edits, to: bytes)
            if fixed == bytes { continue }
            do {
                try writeAtomically(fixed, to: Paths.absolute(path, cwd: root))
                outcome.filesWritten.append(path)
            } catch {
                outcome.errors.append("\(path): \(error)")
                failed.insert(path)
            }
        }
        outcome.applied = plan.applied.filter { a in !(a.finding.fix?.edits.contains { failed.contains($0.path) } ?? false) }
        for p in Set(readErrors).sorted() { outcome.errors.append("\(p): cannot be read") }
        return outcome
    }

    /// Temporary file next to `path` with its permissions, flushed, renamed over it.
    static func writeAtomically(_ bytes: [UInt8], to path: String) throws {
        var st = stat()
        guard stat(path, &st) == 0 else { throw ScanError("cannot stat \(path)") }
        var template = Array((path + ".leaklint-fix-XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        if fd < 0 { throw ScanError("cannot create a temporary file next to \(path): \(String(cString: strerror(errno)))") }
        let tmp = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
        var ok = false
        defer { if !ok { unlink(tmp) } }
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + written, bytes.count - written) }
            if n < 0 { if errno == EINTR { continue }; close(fd); throw ScanError("cannot write \(path): \(String(cString: strerror(errno)))") }
            written += n
        }
        _ = fchmod(fd, st.st_mode & 0o7777)
        _ = fsync(fd)
        close(fd)
        guard rename(tmp, path) == 0 else { throw ScanError("cannot replace \(path): \(String(cString: strerror(errno)))") }
        ok = true
    }
}
