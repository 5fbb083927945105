// MARK: - Findings: what analyses hand to reporters

/// SARIF's own three levels, ordered note < warning < error.
public enum Severity: String, Sendable, Codable, Comparable, CaseIterable {
    case note, warning, error
    var rank: Int { self == .note ? 0 : self == .warning ? 1 : 2 }
    public static func < (a: Severity, b: Severity) -> Bool { a.rank < b.rank }
}

/// The four leak patterns, shared across languages (SARIF `properties.tags`).
public enum Family: String, Sendable, Codable, CaseIterable {
    case unboundedMap = "unbounded-map"
    case appendOnly = "append-only"
    case listener = "listener"
    case uncancelledTask = "uncancelled-task"
}

/// A resolved region: 1-based lines, 1-based columns in Unicode code points, end exclusive.
public struct Region: Sendable, Codable, Hashable, Comparable {
    public var startLine: Int
    public var startColumn: Int
    public var endLine: Int
    public var endColumn: Int
    public var byteOffset: Int
    public var byteLength: Int
    public init(startLine: Int, startColumn: Int, endLine: Int, endColumn: Int, byteOffset: Int, byteLength: Int) {
        self.startLine = startLine; self.startColumn = startColumn
        self.endLine = endLine; self.endColumn = endColumn
        self.byteOffset = byteOffset; self.byteLength = byteLength
    }
    public static func < (a: Region, b: Region) -> Bool {
        (a.startLine, a.startColumn, a.endLine, a.endColumn) < (b.startLine, b.startColumn, b.endLine, b.endColumn)
    }
}

/// A place in a file, with the text of its first line for reporters that show context.
public struct Location: Sendable, Codable, Hashable, Comparable {
    public var path: String
    public var region: Region
    public var snippet: String
    public init(path: String, region: Region, snippet: String) {
        self.path = path; self.region = region; self.snippet = snippet
    }
    public static func < (a: Location, b: Location) -> Bool {
        a.path != b.path ? a.path < b.path : a.region < b.region
    }

    /// Resolves a byte range of `file` to lines and columns.
    public init(_ ref: SourceRef, in file: SourceFile) {
        let s = file.position(of: ref.start)
        let e = file.position(of: ref.end)
        self.path = ref.path
        self.region = Region(startLine: s.line, startColumn: s.column, endLine: e.line, endColumn: e.column,
                             byteOffset: ref.start, byteLength: ref.end - ref.start)
        var line = file.lineText(of: ref.start)
        if line.utf8.count > 400 { line = String(line.prefix(400)) }
        self.snippet = line
    }
}

/// A related place: an insert, append, registration or spawn site.
public struct RelatedLocation: Sendable, Codable, Hashable {
    public var location: Location
    public var message: String
    public init(location: Location, message: String) { self.location = location; self.message = message }
}

/// How safe a fix is to apply without a human looking.
public enum FixApplicability: String, Sendable, Codable {
    case safe, unsafe
    case displayOnly = "display-only"
}

/// A byte-range replacement in one file.
public struct TextEdit: Sendable, Codable, Hashable {
    public var path: String
    public var start: Int
    public var end: Int
    public var replacement: String
    /// Resolved region of the replaced range (filled by the engine).
    public var region: Region?
    public init(path: String, start: Int, end: Int, replacement: String, region: Region? = nil) {
        self.path = path; self.start = start; self.end = end; self.replacement = replacement; self.region = region
    }
}

/// The suggested bounded alternative, written with the flagged code's own names and types.
public struct Fix: Sendable, Codable, Hashable {
    public var description: String
    public var applicability: FixApplicability
    /// The code to show a reviewer.
    public var snippet: String
    /// Edits, present only when they are complete (the fix compiles as applied).
    public var edits: [TextEdit]
    public init(description: String, applicability: FixApplicability, snippet: String, edits: [TextEdit] = []) {
        self.description = description; self.applicability = applicability
        self.snippet = snippet; self.edits = edits
    }
}

/// Why a finding is not reported.
public struct SuppressionInfo: Sendable, Codable, Hashable {
    /// `inSource` for a `leaklint:ignore` comment, `external` for a baseline entry.
    public var kind: String
    public var justification: String
    public init(kind: String, justification: String) { self.kind = kind; self.justification = justification }
}

/// One result.
public struct Finding: Sendable, Codable, Hashable {
    public var ruleID: String
    public var family: Family
    public var severity: Severity
    public var message: String
    public var location: Location
    public var related: [RelatedLocation]
    /// The symbol the finding is about (`sessions`, `SessionStore.cache`, `cleanupLoop`): part of
    /// the fingerprint, so a finding keeps its identity when lines move.
    public var symbol: String
    public var fix: Fix?
    public var suppression: SuppressionInfo?
    /// SARIF `baselineState` when a baseline is in use: `new`, `unchanged`.
    public var baselineState: String?
    /// GitHub's `primaryLocationLineHash` of the finding's first line (`LineHash`), set by the scanner.
    public var lineHash: String? = nil

    public init(ruleID: String, family: Family, severity: Severity, message: String, location: Location,
                related: [RelatedLocation] = [], symbol: String, fix: Fix? = nil,
                suppression: SuppressionInfo? = nil, baselineState: String? = nil) {
        self.ruleID = ruleID; self.family = family; self.severity = severity; self.message = message
        self.location = location; self.related = related; self.symbol = symbol; self.fix = fix
        self.suppression = suppression; self.baselineState = baselineState
    }

    /// Stable identity: rule id + file + symbol (never the line). FNV-1a 64, hex.
    public var fingerprint: String {
        Fingerprint.hex("\(ruleID)\u{1F}\(location.path)\u{1F}\(symbol)")
    }
}

public enum Fingerprint {
    public static func hex(_ s: String) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in s.utf8 {
            h ^= UInt64(b)
            h = h &* 0x0000_0100_0000_01B3
        }
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8](repeating: 0, count: 16)
        var v = h
        for i in stride(from: 15, through: 0, by: -1) {
            out[i] = digits[Int(v & 0xF)]
            v >>= 4
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// A problem with the scan itself (SARIF `toolExecutionNotifications`): a file that could not
/// be read or parsed, a config problem, results capped. Never a finding.
public struct ToolNotification: Sendable, Codable, Hashable, Comparable {
    public var level: Severity
    /// Short machine id: `unreadable-file`, `binary-file`, `invalid-utf8`, `parse-problem`, `unused-suppression`…
    public var id: String
    public var message: String
    public var path: String?
    public var line: Int?
    public init(level: Severity, id: String, message: String, path: String? = nil, line: Int? = nil) {
        self.level = level; self.id = id; self.message = message; self.path = path; self.line = line
    }
    public static func < (a: ToolNotification, b: ToolNotification) -> Bool {
        ((a.path ?? ""), a.line ?? 0, a.id, a.message) < ((b.path ?? ""), b.line ?? 0, b.id, b.message)
    }
}
