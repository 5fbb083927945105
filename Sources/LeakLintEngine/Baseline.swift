import Foundation
import LeakLintCore

/// Findings accepted today, by fingerprint (rule id + file + symbol, never the line), so a
/// CI gate fails only on new ones and the file only shrinks.
///
/// The file (`.leaklint-baseline.json`), written sorted and byte-stable:
/// ```json
/// {
///   "version": 1,
///   "entries": [
///     { "fingerprint": "8c3f…", "rule": "go/unbounded-global-map", "path": "cache/cache.go",
///       "symbol": "sessions", "reason": "filled once at start-up" }
///   ]
/// }
/// ```
/// `reason` is optional; edit it by hand, `baseline write` keeps it for entries still needed.
public struct Baseline: Sendable, Equatable {
    public struct Entry: Sendable, Codable, Equatable, Hashable {
        public var fingerprint: String
        public var rule: String
        public var path: String
        public var symbol: String
        public var reason: String?
        public init(fingerprint: String, rule: String, path: String, symbol: String, reason: String? = nil) {
            self.fingerprint = fingerprint; self.rule = rule; self.path = path; self.symbol = symbol; self.reason = reason
        }
    }

    struct File: Codable { var version: Int; var entries: [Entry] }

    public var entries: [Entry]
    public init(entries: [Entry] = []) { self.entries = Baseline.sorted(entries) }

    static func sorted(_ e: [Entry]) -> [Entry] {
        var seen: Set<String> = []
        return e.sorted { ($0.path, $0.rule, $0.symbol, $0.fingerprint) < ($1.path, $1.rule, $1.symbol, $1.fingerprint) }
            .filter { seen.insert($0.fingerprint).inserted }
    }

    /// A baseline of the reported (not suppressed) findings; reasons carried over from
    /// `previous` for fingerprints it already had, else `reason`.
    public init(findings: [Finding], reason: String? = nil, previous: Baseline? = nil) {
        var old: [String: String] = [:]
        for e in previous?.entries ?? [] { if let r = e.reason { old[e.fingerprint] = r } }
        let entries = findings.filter { $0.suppression == nil }.map { f in
            Entry(fingerprint: f.fingerprint, rule: f.ruleID, path: f.location.path, symbol: f.symbol,
                  reason: old[f.fingerprint] ?? reason)
        }
        self.init(entries: entries)
    }

    // MARK: - Reading and writing

    public static func load(path: String) throws -> Baseline {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ScanError("cannot read the baseline \(path)")
        }
        return try parse(data, path: path)
    }

    public static func parse(_ data: Data, path: String = "baseline") throws -> Baseline {
        let file: File
        do {
            file = try JSONDecoder().decode(File.self, from: data)
        } catch {
            throw ScanError("\(path) is not a leaklint baseline (expected {\"version\": 1, \"entries\": [...]}): \(error)")
        }
        guard file.version == 1 else { throw ScanError("\(path): baseline version \(file.version) is not supported (1 is)") }
        return Baseline(entries: file.entries)
    }

    /// The file's bytes: pretty, sorted keys, one trailing newline.
    public func encoded() -> [UInt8] {
        let enc = JSONEncoder()
        enc.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = (try? enc.encode(File(version: 1, entries: entries))) ?? Data()
        return [UInt8](data) + [0x0A]
    }

    // MARK: - Applying

    /// What applying a baseline did.
    public struct Outcome: Sendable {
        public var result: ScanResult
        /// Entries that matched no finding (among those the scan could judge).
        public var stale: [Entry]
        /// Reported findings not in the baseline.
        public var newCount: Int
    }

    /// Marks every finding `baselineState` `new` or `unchanged`; unchanged ones are suppressed
    /// (kind `external`, the entry's reason as justification) so they never affect the exit
    /// code. Findings already suppressed in source keep their suppression. Entries that match
    /// nothing and for which `judged(path)` is true are stale: reported as `stale-baseline-entry`
    /// warnings (the baseline should shrink). `judged` says whether the scan looked at a path
    /// closely enough to tell (an entry for a file outside a partial scan is not stale).
    public func apply(to result: ScanResult, source: String, judged: (String) -> Bool) -> Outcome {
        var byPrint: [String: Entry] = [:]
        for e in entries { byPrint[e.fingerprint] = e }
        var matched: Set<String> = []
        var r = result
        var newCount = 0
        for i in r.findings.indices {
            let fp = r.findings[i].fingerprint
            if let e = byPrint[fp] {
                matched.insert(fp)
                r.findings[i].baselineState = "unchanged"
                if r.findings[i].suppression == nil {
                    r.findings[i].suppression = SuppressionInfo(
                        kind: "external", justification: e.reason ?? "accepted in the baseline \(source)")
                }
            } else {
                r.findings[i].baselineState = "new"
                if r.findings[i].suppression == nil { newCount += 1 }
            }
        }
        let stale = entries.filter { !matched.contains($0.fingerprint) && judged($0.path) }
        for e in stale {
            r.notifications.append(ToolNotification(
                level: .warning, id: "stale-baseline-entry",
                message: "the baseline \(source) no longer needs its entry for \(e.rule) on `\(e.symbol)` in \(e.path) "
                    + "(fingerprint \(e.fingerprint)): remove it, or rewrite the file with `leaklint baseline write`",
                path: e.path))
        }
        r.notifications = Array(Set(r.notifications)).sorted { a, b in
            a < b || (!(b < a) && a.level.rawValue < b.level.rawValue)
        }
        return Outcome(result: r, stale: stale, newCount: newCount)
    }
}
